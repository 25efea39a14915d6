package io.pointsplatform.kit.view;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.EventCodec;
import io.pointsplatform.kit.inbox.Batches;
import io.pointsplatform.kit.inbox.DeadLetter;
import io.pointsplatform.kit.inbox.LogRecords;
import io.pointsplatform.kit.inbox.MemberPartitions;
import io.quarkus.arc.properties.IfBuildProperty;
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
 * Keeps a service's own read-only view of each member's points ({@code member_account},
 * {@code member_lot}, {@code member_hold}) from {@code points.ledger}, a polled batch at a time
 * (channel {@value #CHANNEL} in batch mode,
 * {@code max.poll.records} bounding the batch), one transaction per batch. Opt-in at build time with
 * {@code points.member-view.enabled=true}; the ledger keeps its own, richer projection instead.
 *
 * <p>The channel is not called {@code points-ledger} like the other services' consumers of the
 * topic: Quarkus derives a channel's defaults from every {@code @Incoming} method in the index,
 * enabled bean or not, and would switch earning's and ledger's {@code points-ledger} to batch mode.
 *
 * <p>A record that cannot be read (not JSON, not a CloudEvent, of an unknown type or one that does not
 * belong on the topic, or failing its JSON Schema: {@link LogRecords}), or whose event the fold
 * refuses, is sent to the dead-letter topic (channel {@value #DEAD_LETTERS}) with the reason, and the
 * rest of the batch is applied (see {@link Batches}). The batch is acknowledged (its offsets
 * committed) only after its transaction committed and its dead letters were written.
 *
 * <p>A record on another partition than its member's ({@link MemberPartitions}) is left out, as the
 * ledger leaves it out: the ledger forwards a credit found so to the member's partition, where this
 * consumer reads it in the member's order, and refuses any other event found so (docs/contract-extensions.md,
 * "The log").
 */
@ApplicationScoped
@IfBuildProperty(name = "points.member-view.enabled", stringValue = "true")
public class MemberPointsConsumer {

    /** The incoming channel, on {@code points.ledger}. */
    public static final String CHANNEL = "member-view";
    /** The outgoing channel to {@code points.ledger.dlq.<service>}. */
    public static final String DEAD_LETTERS = "member-view-dlq";

    private final EventCodec codec;
    private final MemberPointsProjector projector;
    private final MemberPartitions partitions;
    private final MutinyEmitter<Record<String, String>> deadLetters;
    private final DistributionSummary batchRecords;
    private final Counter applied;
    private final Counter repeats;
    private final Counter deadLettered;
    private final Counter misplaced;

    public MemberPointsConsumer(EventCodec codec, MemberPointsProjector projector, MemberPartitions partitions,
                                @Channel(DEAD_LETTERS) MutinyEmitter<Record<String, String>> deadLetters,
                                MeterRegistry registry) {
        this.codec = codec;
        this.projector = projector;
        this.partitions = partitions;
        this.deadLetters = deadLetters;
        this.batchRecords = DistributionSummary.builder("points.member-view.batch.records")
                .description("Records per batch polled from points.ledger").register(registry);
        this.applied = registry.counter("points.member-view.applied");
        this.repeats = registry.counter("points.member-view.repeats");
        this.deadLettered = registry.counter("points.member-view.dead-lettered");
        this.misplaced = registry.counter("points.member-view.misplaced");
    }

    @Incoming(CHANNEL)
    @Acknowledgment(Acknowledgment.Strategy.POST_PROCESSING)
    public Uni<Void> consume(ConsumerRecords<String, String> records) {
        batchRecords.record(records.count());
        Log.debugf("Member view: a batch of %d records", records.count());
        return partitions.count(CHANNEL, records)
                .chain(count -> Batches.consumeRecords(records, record -> decode(record, count),
                        MemberPointsProjector.MAX_BATCH, this::apply))
                .call(letters -> DeadLetter.sendAll(deadLetters, letters))
                .invoke(letters -> deadLettered.increment(letters.size()))
                .replaceWithVoid();
    }

    /** An event and where it was read. */
    private record Read(CloudEvent event, MemberPointsProjector.Position position) {
    }

    /** The record's event, or null for one on another partition than its member's (left out). */
    private Read decode(ConsumerRecord<String, String> record, int partitionCount) {
        CloudEvent event = LogRecords.read(codec, record);
        if (MemberPartitions.misplaced(record, event.subject(), partitionCount)) {
            Log.debugf("Member view: %s on %s-%d, not its member's partition: left out", event.id(), record.topic(),
                    record.partition());
            misplaced.increment();
            return null;
        }
        return new Read(event, MemberPointsProjector.Position.of(record));
    }

    private Uni<List<Batches.Refusal>> apply(List<Read> reads) {
        return projector.apply(reads.stream().map(Read::event).toList(),
                reads.stream().map(Read::position).toList()).map(outcome -> {
            applied.increment(outcome.applied());
            repeats.increment(outcome.repeats());
            return outcome.refused();
        });
    }
}
