package io.pointsplatform.notification.notice.service;

import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.EventCodec;
import io.pointsplatform.kit.inbox.Batches;
import io.pointsplatform.kit.inbox.DeadLetter;
import io.pointsplatform.kit.inbox.LogRecords;
import io.pointsplatform.kit.inbox.MemberPartitions;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Acknowledgment;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Turns events of {@code members}, {@code points.ledger} and {@code redemptions} into notifications, a polled batch at a
 * time (both channels in batch mode): one statement stores a batch's notifications. A record that
 * cannot be read (not JSON, not a CloudEvent, of an unknown type or one that does not belong on the
 * topic, failing its JSON Schema: {@link LogRecords}) goes to the channel's dead-letter topic with the
 * reason, and the rest are stored (see service-kit {@link Batches}); the batch is acknowledged once
 * both are done.
 *
 * <p>A record of {@code points.ledger} on another partition than its member's is left out, as the
 * ledger leaves it out: it forwards a credit found so to the member's partition (notified there, once,
 * under the same event id) and refuses any other event found so. On {@code members} no one forwards;
 * a notification does not depend on a member's order, so a record there is notified wherever it is
 * (docs/contract-extensions.md, "The log"). The same holds for {@code redemptions}.
 */
@ApplicationScoped
public class EventConsumer {

    private static final String POINTS_LEDGER = "points-ledger";

    private final EventCodec codec;
    private final NotificationService notifications;
    private final MemberPartitions partitions;
    private final MutinyEmitter<Record<String, String>> membersDeadLetters;
    private final MutinyEmitter<Record<String, String>> pointsDeadLetters;
    private final MutinyEmitter<Record<String, String>> redemptionsDeadLetters;

    public EventConsumer(EventCodec codec, NotificationService notifications, MemberPartitions partitions,
                         @Channel("members-dlq") MutinyEmitter<Record<String, String>> membersDeadLetters,
                         @Channel("points-ledger-dlq") MutinyEmitter<Record<String, String>> pointsDeadLetters,
                         @Channel("redemptions-dlq") MutinyEmitter<Record<String, String>> redemptionsDeadLetters) {
        this.codec = codec;
        this.notifications = notifications;
        this.partitions = partitions;
        this.membersDeadLetters = membersDeadLetters;
        this.pointsDeadLetters = pointsDeadLetters;
        this.redemptionsDeadLetters = redemptionsDeadLetters;
    }

    @Incoming("members")
    @Acknowledgment(Acknowledgment.Strategy.POST_PROCESSING)
    public Uni<Void> members(ConsumerRecords<String, String> records) {
        return consume(records, 0, membersDeadLetters);
    }

    @Incoming("redemptions")
    @Acknowledgment(Acknowledgment.Strategy.POST_PROCESSING)
    public Uni<Void> redemptions(ConsumerRecords<String, String> records) {
        return consume(records, 0, redemptionsDeadLetters);
    }

    @Incoming(POINTS_LEDGER)
    @Acknowledgment(Acknowledgment.Strategy.POST_PROCESSING)
    public Uni<Void> points(ConsumerRecords<String, String> records) {
        return partitions.count(POINTS_LEDGER, records).chain(count -> consume(records, count, pointsDeadLetters));
    }

    /** {@code partitionCount}: the topic's, to leave out records found off their member's partition; 0 to keep them all. */
    private Uni<Void> consume(ConsumerRecords<String, String> records, int partitionCount,
                              MutinyEmitter<Record<String, String>> deadLetters) {
        return Batches.consumeRecords(records, record -> read(record, partitionCount), NotificationService.MAX_BATCH,
                        notifications::onEvents)
                .chain(letters -> DeadLetter.sendAll(deadLetters, letters));
    }

    private CloudEvent read(ConsumerRecord<String, String> record, int partitionCount) {
        CloudEvent event = LogRecords.read(codec, record);
        if (partitionCount > 0 && MemberPartitions.misplaced(record, event.subject(), partitionCount)) {
            Log.debugf("%s on %s-%d, not its member's partition: left out", event.id(), record.topic(),
                    record.partition());
            return null;
        }
        return event;
    }
}
