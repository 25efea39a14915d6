package io.pointsplatform.notification.notice.service;

import io.pointsplatform.events.EventCodec;
import io.pointsplatform.kit.inbox.Batches;
import io.pointsplatform.kit.inbox.DeadLetter;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Acknowledgment;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Turns events of {@code members} and {@code points.ledger} into notifications, a polled batch at a
 * time (both channels in batch mode): one statement stores a batch's notifications. A record that
 * cannot be read goes to the channel's dead-letter topic with the reason, and the rest are stored
 * (see service-kit {@link Batches}); the batch is acknowledged once both are done.
 */
@ApplicationScoped
public class EventConsumer {

    private final EventCodec codec;
    private final NotificationService notifications;
    private final MutinyEmitter<Record<String, String>> membersDeadLetters;
    private final MutinyEmitter<Record<String, String>> pointsDeadLetters;

    public EventConsumer(EventCodec codec, NotificationService notifications,
                         @Channel("members-dlq") MutinyEmitter<Record<String, String>> membersDeadLetters,
                         @Channel("points-ledger-dlq") MutinyEmitter<Record<String, String>> pointsDeadLetters) {
        this.codec = codec;
        this.notifications = notifications;
        this.membersDeadLetters = membersDeadLetters;
        this.pointsDeadLetters = pointsDeadLetters;
    }

    @Incoming("members")
    @Acknowledgment(Acknowledgment.Strategy.POST_PROCESSING)
    public Uni<Void> members(ConsumerRecords<String, String> records) {
        return consume(records, membersDeadLetters);
    }

    @Incoming("points-ledger")
    @Acknowledgment(Acknowledgment.Strategy.POST_PROCESSING)
    public Uni<Void> points(ConsumerRecords<String, String> records) {
        return consume(records, pointsDeadLetters);
    }

    private Uni<Void> consume(ConsumerRecords<String, String> records,
                              MutinyEmitter<Record<String, String>> deadLetters) {
        return Batches.consume(records, codec::read, NotificationService.MAX_BATCH, notifications::onEvents)
                .chain(letters -> DeadLetter.sendAll(deadLetters, letters));
    }
}
