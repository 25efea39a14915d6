package io.pointsplatform.earning.member.service;

import io.pointsplatform.earning.order.repository.EarningRepository;
import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.EventCodec;
import io.pointsplatform.events.EventFormatException;
import io.pointsplatform.events.Tier;
import io.pointsplatform.events.TierChanged;
import io.pointsplatform.kit.inbox.LogRecords;
import io.pointsplatform.kit.inbox.MemberPartitions;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Keeps each member's tier as the ledger decided it ({@code tier.changed} on {@code points.ledger}),
 * for tier multipliers, campaigns' tier filters and expiry per tier. Events of one member arrive in
 * order (one partition), so the last one applied is the current tier; applying one again changes
 * nothing.
 *
 * <p>Every record is read (a plain one in a microsecond or two), so that one this service cannot read
 * (not JSON, not a CloudEvent, of an unknown type or one that does not belong on the topic, failing its
 * JSON Schema, or naming a tier there is none of) fails, and the channel's dead-letter strategy sets
 * it aside to {@code points.ledger.dlq.earning-service} with the reason; the next record is read as
 * ever. Other events are skipped once read. A record on another partition than its member's is left
 * out, as the ledger leaves it out (docs/contract-extensions.md, "The log").
 */
@ApplicationScoped
public class TierConsumer {

    static final String CHANNEL = "points-ledger";

    private final EventCodec codec;
    private final Pool pool;
    private final EarningRepository earnings;
    private final MemberPartitions partitions;

    public TierConsumer(EventCodec codec, Pool pool, EarningRepository earnings, MemberPartitions partitions) {
        this.codec = codec;
        this.pool = pool;
        this.earnings = earnings;
        this.partitions = partitions;
    }

    @Incoming(CHANNEL)
    public Uni<Void> consume(ConsumerRecord<String, String> record) {
        return partitions.count(CHANNEL, record.topic(), record.partition())
                .map(count -> tierChange(record, count))
                .chain(changed -> changed == null ? Uni.createFrom().voidItem() : apply(changed))
                .onFailure().invoke(e -> Log.warnf("Record %s-%d@%d refused, to the dead-letter topic: %s",
                        record.topic(), record.partition(), record.offset(), e.toString()));
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

    private Uni<Void> apply(TierChanged changed) {
        Tier tier = Tier.valueOf(changed.to());
        Log.debugf("Member %s is now %s", changed.memberId(), tier);
        return pool.withTransaction(c -> earnings.saveTier(c, changed.memberId(), tier));
    }
}
