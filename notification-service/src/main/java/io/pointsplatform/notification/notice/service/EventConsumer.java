package io.pointsplatform.notification.notice.service;

import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.EventCodec;
import io.pointsplatform.kit.inbox.Batches;
import io.pointsplatform.kit.inbox.DeadLetter;
import io.pointsplatform.kit.inbox.LogRecords;
import io.pointsplatform.kit.inbox.MemberPartitions;
import io.pointsplatform.kit.view.MemberPointsProjector;
import io.pointsplatform.notification.webhook.repository.WebhookDeliveryRepository;
import io.pointsplatform.notification.webhook.service.WebhookEvents;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.CompositeException;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Acknowledgment;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * notification-service's one reader of each topic it consumes ({@code members}, {@code points.ledger}
 * and {@code redemptions}, consumer group {@code notification-service}), a polled batch at a time
 * (the channels in batch mode). Each record is read once, and its batch goes to everything the
 * service keeps from the log:
 * <ul>
 * <li>on {@code points.ledger}, first the member view the expiry reminders read (service-kit
 * {@link MemberPointsProjector});</li>
 * <li>then, side by side and only with the events the view did not refuse, the notices
 * ({@link NotificationService#onEvents}, one statement per batch) and the webhook deliveries
 * ({@link WebhookEvents}, for events whose type an endpoint asked for, holds and redemption steps
 * too).</li>
 * </ul>
 * Each of them keeps an event once however often it comes (by notice id, by endpoint and event, by
 * the view's processed marks), so a batch retried after a crash or an outage changes nothing twice.
 * A record that cannot be read (not JSON, not a CloudEvent, of an unknown type or one that does not
 * belong on the topic, failing its JSON Schema: {@link LogRecords}), or that the view's fold refuses,
 * goes to the topic's dead-letter topic ({@code <topic>.dlq.notification-service}) with the reason,
 * once, and the rest are kept (see service-kit {@link Batches}); the batch is acknowledged once both
 * are done.
 *
 * <p>A record of {@code points.ledger} on another partition than its member's is left out, as the
 * ledger leaves it out: it forwards a credit found so to the member's partition (kept there, once,
 * under the same event id) and refuses any other event found so. On {@code members} no one forwards;
 * a notification does not depend on a member's order, so a record there is kept wherever it is
 * (docs/contract-extensions.md, "The log"). The same holds for {@code redemptions}.
 */
@ApplicationScoped
public class EventConsumer {

    private static final String POINTS_LEDGER = "points-ledger";
    /** The most events one batch hands to each of the three: what each takes in one statement. */
    private static final int MAX_BATCH = Math.min(NotificationService.MAX_BATCH, MemberPointsProjector.MAX_BATCH);

    /** A record as read: its event, and its value byte for byte (a webhook's body). */
    private record Read(CloudEvent event, String value, MemberPointsProjector.Position position) {
    }

    private final EventCodec codec;
    private final NotificationService notifications;
    private final WebhookEvents webhooks;
    private final MemberPointsProjector view;
    private final MemberPartitions partitions;
    private final MutinyEmitter<Record<String, String>> membersDeadLetters;
    private final MutinyEmitter<Record<String, String>> pointsDeadLetters;
    private final MutinyEmitter<Record<String, String>> redemptionsDeadLetters;

    public EventConsumer(EventCodec codec, NotificationService notifications, WebhookEvents webhooks,
                         MemberPointsProjector view, MemberPartitions partitions,
                         @Channel("members-dlq") MutinyEmitter<Record<String, String>> membersDeadLetters,
                         @Channel("points-ledger-dlq") MutinyEmitter<Record<String, String>> pointsDeadLetters,
                         @Channel("redemptions-dlq") MutinyEmitter<Record<String, String>> redemptionsDeadLetters) {
        this.codec = codec;
        this.notifications = notifications;
        this.webhooks = webhooks;
        this.view = view;
        this.partitions = partitions;
        this.membersDeadLetters = membersDeadLetters;
        this.pointsDeadLetters = pointsDeadLetters;
        this.redemptionsDeadLetters = redemptionsDeadLetters;
    }

    @Incoming("members")
    @Acknowledgment(Acknowledgment.Strategy.POST_PROCESSING)
    public Uni<Void> members(ConsumerRecords<String, String> records) {
        return consume(records, 0, false, membersDeadLetters);
    }

    @Incoming("redemptions")
    @Acknowledgment(Acknowledgment.Strategy.POST_PROCESSING)
    public Uni<Void> redemptions(ConsumerRecords<String, String> records) {
        return consume(records, 0, false, redemptionsDeadLetters);
    }

    @Incoming(POINTS_LEDGER)
    @Acknowledgment(Acknowledgment.Strategy.POST_PROCESSING)
    public Uni<Void> points(ConsumerRecords<String, String> records) {
        return partitions.count(POINTS_LEDGER, records)
                .chain(count -> consume(records, count, true, pointsDeadLetters));
    }

    /**
     * {@code partitionCount}: the topic's, to leave out records found off their member's partition; 0
     * to keep them all. {@code intoView}: whether the member view folds these events too.
     */
    private Uni<Void> consume(ConsumerRecords<String, String> records, int partitionCount, boolean intoView,
                              MutinyEmitter<Record<String, String>> deadLetters) {
        return Batches.consumeRecords(records, record -> read(record, partitionCount), MAX_BATCH,
                        batch -> keep(batch, intoView))
                .chain(letters -> DeadLetter.sendAll(deadLetters, letters));
    }

    /**
     * Keeps one batch: first (if {@code intoView}) in the member view, then what the view's fold did
     * not refuse in the notices and the webhook deliveries, those two at the same time, each in a
     * transaction of its own; completes with what the fold refused (those records are dead-lettered;
     * the notices and webhooks refuse nothing). An event the view refuses (the ledger refused it too:
     * e.g. a spend from a lot the member does not have) tells the member nothing and goes to no
     * endpoint. Until 2026-12-06 the three ran side by side on the whole batch, so such an event was
     * noticed ("you spent N") and delivered, then dead-lettered. Called again with the same batch
     * after a failure, each keeps only what it does not have yet (the view answers an event it
     * applied before as a repeat, not refused, so its notice and deliveries are still made).
     */
    private Uni<List<Batches.Refusal>> keep(List<Read> batch, boolean intoView) {
        List<CloudEvent> events = new ArrayList<>(batch.size());
        List<MemberPointsProjector.Position> positions = new ArrayList<>(batch.size());
        for (Read read : batch) {
            events.add(read.event());
            positions.add(read.position());
        }
        Uni<List<Batches.Refusal>> folded = intoView
                ? view.apply(events, positions).map(MemberPointsProjector.Outcome::refused)
                : Uni.createFrom().item(List.of());
        return folded.chain(refused -> {
            Set<Integer> refusedAt = new HashSet<>();
            refused.forEach(r -> refusedAt.add(r.position()));
            List<CloudEvent> accepted = new ArrayList<>(batch.size());
            List<WebhookDeliveryRepository.Event> hooks = new ArrayList<>(batch.size());
            for (int position = 0; position < batch.size(); position++) {
                if (refusedAt.contains(position)) {
                    continue;
                }
                Read read = batch.get(position);
                CloudEvent event = read.event();
                accepted.add(event);
                if (event.subject() != null) {
                    hooks.add(new WebhookDeliveryRepository.Event(event.id(), event.subject(), event.type(),
                            read.value()));
                }
            }
            return Uni.combine().all().unis(notifications.onEvents(accepted), webhooks.enqueue(hooks))
                    .collectFailures()
                    .with((noticed, enqueued) -> refused)
                    .onFailure(CompositeException.class).transform(EventConsumer::blamed);
        });
    }

    /**
     * Of the failures of the two (each waited for, so that no transaction is still running when the
     * batch is tried again), the one that says what to do: one the data is to blame for if any (the
     * batch is then tried a record at a time), else the first.
     */
    private static Throwable blamed(Throwable failure) {
        List<Throwable> causes = ((CompositeException) failure).getCauses();
        return causes.stream().filter(Batches::blamesTheData).findFirst().orElse(causes.getFirst());
    }

    private Read read(ConsumerRecord<String, String> record, int partitionCount) {
        CloudEvent event = LogRecords.read(codec, record);
        if (partitionCount > 0 && MemberPartitions.misplaced(record, event.subject(), partitionCount)) {
            Log.debugf("%s on %s-%d, not its member's partition: left out", event.id(), record.topic(),
                    record.partition());
            return null;
        }
        return new Read(event, record.value(),
                MemberPointsProjector.Position.of(record));
    }
}
