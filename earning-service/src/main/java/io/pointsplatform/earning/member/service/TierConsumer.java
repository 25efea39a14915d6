package io.pointsplatform.earning.member.service;

import io.pointsplatform.earning.order.repository.EarningRepository;
import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.EventCodec;
import io.pointsplatform.events.EventFormatException;
import io.pointsplatform.events.Tier;
import io.pointsplatform.events.TierChanged;
import io.pointsplatform.kit.inbox.Batches;
import io.pointsplatform.kit.inbox.DeadLetter;
import io.pointsplatform.kit.inbox.LogRecords;
import io.pointsplatform.kit.inbox.MemberPartitions;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Acknowledgment;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Keeps each member's tier as the ledger decided it ({@code tier.changed} on {@code points.ledger}),
 * for tier multipliers, campaigns' tier filters and expiry per tier. Events of one member arrive in
 * order (one partition), so the last one applied is the current tier; applying one again changes
 * nothing.
 *
 * <p>A polled batch at a time ({@link Batches}): every record is read (a plain one in a microsecond or
 * two), so that one this service cannot read (not JSON, not a CloudEvent, of an unknown type or one
 * that does not belong on the topic, failing its JSON Schema, or naming a tier there is none of) is set
 * aside to {@code points.ledger.dlq.earning-service} (channel {@value #DEAD_LETTERS}) with the reason,
 * cut to fit if it is too large to set aside whole ({@link DeadLetter}), and the next record is read
 * as ever. Other events are skipped once read. The batch's tier changes are saved in one
 * transaction; the database away is waited out, never a reason to set a record aside. A record on
 * another partition than its member's is left out, as the ledger leaves it out
 * (docs/contract-extensions.md, "The log").
 */
@ApplicationScoped
public class TierConsumer {

    static final String CHANNEL = "points-ledger";
    static final String DEAD_LETTERS = "points-ledger-dlq";
    private static final int MAX_PER_TRANSACTION = 500;

    private final EventCodec codec;
    private final Pool pool;
    private final EarningRepository earnings;
    private final MemberPartitions partitions;
    private final MutinyEmitter<Record<String, String>> deadLetters;

    public TierConsumer(EventCodec codec, Pool pool, EarningRepository earnings, MemberPartitions partitions,
                        @Channel(DEAD_LETTERS) MutinyEmitter<Record<String, String>> deadLetters) {
        this.codec = codec;
        this.pool = pool;
        this.earnings = earnings;
        this.partitions = partitions;
        this.deadLetters = deadLetters;
    }

    @Incoming(CHANNEL)
    @Acknowledgment(Acknowledgment.Strategy.POST_PROCESSING)
    public Uni<Void> consume(ConsumerRecords<String, String> records) {
        return partitions.count(CHANNEL, records)
                .chain(count -> Batches.consumeRecords(records, record -> tierChange(record, count),
                        MAX_PER_TRANSACTION, this::apply))
                .call(letters -> DeadLetter.sendAll(deadLetters, letters))
                .replaceWithVoid();
    }

    /** The tier change this record is, or null when it is another event or on another partition than its member's. */
    private TierChanged tierChange(ConsumerRecord<String, String> record, int partitionCount) {
        CloudEvent event = LogRecords.read(codec, record);
        if (!(event.data() instanceof TierChanged changed)) {
            return null;
        }
        if (MemberPartitions.misplaced(record, event.subject(), partitionCount)) {
            // Not the ledger's (it keys every event it writes by member): it refuses it, so does this.
            Log.warnf("tier.changed %s on %s-%d, not its member's partition: left out", event.id(), record.topic(),
                    record.partition());
            return null;
        }
        tier(changed.from(), event);
        tier(changed.to(), event);
        return changed;
    }

    private static Tier tier(String name, CloudEvent event) {
        try {
            return Tier.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new EventFormatException("event " + event.id() + " (tier.changed): no tier is called '" + name + "'");
        }
    }

    /** The batch's tier changes in one transaction, in the log's order (the last one of a member wins). */
    private Uni<List<Batches.Refusal>> apply(List<TierChanged> changes) {
        return pool.withTransaction(c -> Multi.createFrom().iterable(changes)
                        .onItem().transformToUniAndConcatenate(changed -> {
                            Log.debugf("Member %s is now %s", changed.memberId(), changed.to());
                            return earnings.saveTier(c, changed.memberId(), Tier.valueOf(changed.to()));
                        })
                        .collect().last())
                .replaceWith(List.of());
    }
}
