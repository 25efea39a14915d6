package io.pointsplatform.notification.webhook.service;

import io.pointsplatform.notification.webhook.repository.WebhookDeliveryRepository;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Enqueues webhook deliveries for events read from the log ({@code points.ledger}, {@code members}
 * and {@code redemptions}, by the service's one consumer of each topic, beside the notices: see
 * {@code EventConsumer}): every event whose type an endpoint asked for (holds and redemption steps
 * too, which make no notice), its body the record's value byte for byte. Per batch, the types some
 * endpoint asks for are read first, and only events of those types go to the database, in one
 * statement. The batch is acknowledged after it, so a crash enqueues again and the (endpoint, event)
 * key keeps one.
 */
@ApplicationScoped
public class WebhookEvents {

    private final WebhookDeliveryRepository deliveries;
    private final Duration retryWindow;

    public WebhookEvents(WebhookDeliveryRepository deliveries,
                         @ConfigProperty(name = "points.webhooks.retry-window") Duration retryWindow) {
        this.deliveries = deliveries;
        this.retryWindow = retryWindow;
    }

    /** Enqueues a delivery of each of these events to every endpoint that asked for its type; completes with how many. */
    public Uni<Integer> enqueue(List<WebhookDeliveryRepository.Event> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return deliveries.wantedTypes()
                .chain(wanted -> {
                    List<WebhookDeliveryRepository.Event> asked = events.stream().filter(e -> wanted.contains(e.type())).toList();
                    return deliveries.enqueue(asked, retryWindow)
                            .invoke(count -> Log.debugf("%d events, %d of types an endpoint asked for: %d webhook"
                                    + " deliveries", events.size(), asked.size(), count));
                });
    }
}
