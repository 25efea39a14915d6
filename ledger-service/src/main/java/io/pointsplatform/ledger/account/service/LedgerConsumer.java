package io.pointsplatform.ledger.account.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.EventCodec;
import io.pointsplatform.events.PointsEarned;
import io.pointsplatform.events.PointsEvent;
import io.pointsplatform.kit.inbox.Batches;
import io.pointsplatform.kit.inbox.DeadLetter;
import io.pointsplatform.kit.inbox.LogRecords;
import io.pointsplatform.kit.inbox.MemberPartitions;
import io.pointsplatform.kit.inbox.MisplacedRecord;
import io.pointsplatform.ledger.account.replay.LogReplay;
import io.pointsplatform.ledger.account.repository.AccountStore;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Acknowledgment;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Folds {@code points.ledger} into the accounts, a polled batch at a time (at most
 * {@code max.poll.records}, see application.properties) in one transaction
 * ({@link LedgerBook#consumeAll}). A record that cannot be read (not JSON, not a CloudEvent, of an
 * unknown type or one that does not belong on the topic, failing its JSON Schema: service-kit
 * {@link LogRecords}), or whose event the fold refuses, is set aside to
 * {@code points.ledger.dlq.ledger-service} (channel {@value #DEAD_LETTERS}) with the reason, and the
 * rest of its batch is applied. The batch is acknowledged (its offsets committed) only after its
 * transaction committed and its dead letters were written. A failure no record is to blame for (the
 * database away) is retried with backoff and finally stops the channel, so a good record is never
 * set aside for it ({@link Batches}).
 *
 * <p>One member, one partition (docs/contract-extensions.md, "The log"; the replay applies the same
 * rule): a record found on another partition than the one Kafka's default partitioner gives its
 * member ({@link MemberPartitions}) is not applied where it is. A credit ({@code points.earned}, what
 * earning-service and other producers write) is forwarded to the member's partition through the
 * outbox, the same event under the same id, and applied when it comes back there, in the member's
 * order; forgetting it would lose points a member earned. Any other event found so is set aside to the
 * dead-letter topic: the ledger writes every one of those itself, keyed by member, so it came from a
 * producer that has no business writing it.
 */
@ApplicationScoped
public class LedgerConsumer {

    /** The incoming channel, on {@code points.ledger}. */
    public static final String CHANNEL = "points-ledger";
    /** The outgoing channel to the dead-letter topic. */
    public static final String DEAD_LETTERS = "points-ledger-dlq";
    /** As {@code max.poll.records}: a polled batch is one transaction. */
    private static final int MAX_PER_TRANSACTION = 256;

    private final EventCodec codec;
    private final LedgerBook book;
    private final MemberPartitions partitions;
    private final MutinyEmitter<Record<String, String>> deadLetters;
    private final Counter forwarded;
    private final Counter refused;

    public LedgerConsumer(EventCodec codec, LedgerBook book, MemberPartitions partitions,
                          @Channel(DEAD_LETTERS) MutinyEmitter<Record<String, String>> deadLetters,
                          MeterRegistry registry) {
        this.codec = codec;
        this.book = book;
        this.partitions = partitions;
        this.deadLetters = deadLetters;
        this.forwarded = Counter.builder("points.ledger.misplaced").tag("outcome", "forwarded")
                .description("Records found off their member's partition of points.ledger").register(registry);
        this.refused = Counter.builder("points.ledger.misplaced").tag("outcome", "dead-lettered")
                .description("Records found off their member's partition of points.ledger").register(registry);
    }

    @Incoming(CHANNEL)
    @Acknowledgment(Acknowledgment.Strategy.POST_PROCESSING)
    public Uni<Void> consume(ConsumerRecords<String, String> records) {
        return partitions.count(CHANNEL, records)
                .chain(count -> Batches.consumeRecords(records, record -> read(record, count), MAX_PER_TRANSACTION,
                        events -> book.consumeLog(events)
                                .invoke(ids -> {
                                    forwarded.increment(ids.size());
                                    ids.forEach(id -> Log.warnf("Credit %s was on another partition than its member's:"
                                            + " forwarded to the member's partition", id));
                                })
                                .replaceWith(List.<Batches.Refusal>of())))
                .call(letters -> DeadLetter.sendAll(deadLetters, letters))
                .replaceWithVoid();
    }

    /** The record as the book takes it; throws (the record is set aside) for one that is not to be applied or forwarded. */
    private LedgerBook.FromLog read(ConsumerRecord<String, String> record, int partitionCount) {
        CloudEvent event = LogRecords.read(codec, record);
        PointsEvent data = (PointsEvent) event.data();
        int home = MemberPartitions.of(data.memberId(), partitionCount);
        if (home == record.partition()) {
            return LedgerBook.FromLog.placed(event);
        }
        if (data instanceof PointsEarned) {
            return LedgerBook.FromLog.misplaced(new AccountStore.Misplaced(event, record.value(), record.partition(),
                    record.offset()));
        }
        refused.increment();
        throw new MisplacedRecord(LogReplay.misplacedReason(event, record.partition(), home));
    }
}
