package io.pointsplatform.notification.webhook.service;

import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.EventCodec;
import io.pointsplatform.kit.inbox.LogRecords;
import io.pointsplatform.kit.inbox.MemberPartitions;
import io.pointsplatform.notification.webhook.repository.WebhookDeliveryRepository;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Acknowledgment;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Enqueues webhook deliveries straight from the log, in its own consumer group
 * ({@code notification-service-webhooks}): every event of {@code points.ledger}, {@code members} and
 * {@code redemptions} whose type an endpoint asked for (holds and redemption steps too, which make
 * no notice), its body the record's value byte for byte. Per polled batch, the types some endpoint
 * asks for are read first, and only events of those types go to the database, in one statement; the
 * batch is acknowledged after it, so a crash enqueues again and the (endpoint, event) key keeps one.
 *
 * <p>A record this consumer cannot read is skipped with a warning: the notice consumer reads the same
 * records and sets each such one aside on the topic's dead-letter topic with the reason, once. A
 * {@code points.ledger} record off its member's partition is left out as the notice consumer leaves
 * it out (the ledger forwards a credit to the member's partition).
 */
@ApplicationScoped
public class WebhookEventConsumer {

    private static final String POINTS_LEDGER = "webhooks-points-ledger";

    private final EventCodec codec;
    private final MemberPartitions partitions;
    private final WebhookDeliveryRepository deliveries;
    private final Duration retryWindow;

    public WebhookEventConsumer(EventCodec codec, MemberPartitions partitions, WebhookDeliveryRepository deliveries,
                                @ConfigProperty(name = "points.webhooks.retry-window") Duration retryWindow) {
        this.codec = codec;
        this.partitions = partitions;
        this.deliveries = deliveries;
        this.retryWindow = retryWindow;
    }

    @Incoming(POINTS_LEDGER)
    @Acknowledgment(Acknowledgment.Strategy.POST_PROCESSING)
    public Uni<Void> points(ConsumerRecords<String, String> records) {
        return partitions.count(POINTS_LEDGER, records).chain(count -> enqueue(records, count));
    }

    @Incoming("webhooks-members")
    @Acknowledgment(Acknowledgment.Strategy.POST_PROCESSING)
    public Uni<Void> members(ConsumerRecords<String, String> records) {
        return enqueue(records, 0);
    }

    @Incoming("webhooks-redemptions")
    @Acknowledgment(Acknowledgment.Strategy.POST_PROCESSING)
    public Uni<Void> redemptions(ConsumerRecords<String, String> records) {
        return enqueue(records, 0);
    }

    private Uni<Void> enqueue(ConsumerRecords<String, String> records, int partitionCount) {
        List<WebhookDeliveryRepository.Event> events = new ArrayList<>(records.count());
        for (ConsumerRecord<String, String> record : records) {
            CloudEvent event;
            try {
                event = LogRecords.read(codec, record);
            } catch (RuntimeException unreadable) {
                Log.warnf("%s-%d@%d is not an event (%s): no webhook; the notice consumer dead-letters it",
                        record.topic(), record.partition(), record.offset(), unreadable.getMessage());
                continue;
            }
            if (event.subject() == null
                    || partitionCount > 0 && MemberPartitions.misplaced(record, event.subject(), partitionCount)) {
                continue;
            }
            events.add(new WebhookDeliveryRepository.Event(event.id(), event.subject(), event.type(), record.value()));
        }
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return deliveries.wantedTypes()
                .chain(wanted -> {
                    List<WebhookDeliveryRepository.Event> asked = events.stream().filter(e -> wanted.contains(e.type())).toList();
                    return deliveries.enqueue(asked, retryWindow)
                            .invoke(count -> Log.debugf("%d events, %d of types an endpoint asked for: %d webhook"
                                    + " deliveries", events.size(), asked.size(), count));
                })
                .replaceWithVoid();
    }
}
