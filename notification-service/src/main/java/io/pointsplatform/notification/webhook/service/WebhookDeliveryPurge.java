package io.pointsplatform.notification.webhook.service;

import io.pointsplatform.kit.batch.Rounds;
import io.pointsplatform.notification.webhook.repository.WebhookDeliveryRepository;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Keeps delivered webhook deliveries {@code points.webhooks.delivered-retention} (7 days), then
 * forgets them: every {@code points.webhooks.purge-every} (1 minute) the older DELIVERED rows are
 * deleted, {@value #ROUND} a statement, until none is left. Each held its event's whole body, and at
 * 1 000 deliveries a second the table grew by tens of millions of rows a day, never shrinking. A row
 * is there to send its event once per endpoint (the unique endpoint and event id) while a record may
 * come again, within moments, as the member view's marks are (docs/member-view.md); PENDING and DEAD
 * deliveries stay until sent, resent or their endpoint is deleted.
 */
@ApplicationScoped
public class WebhookDeliveryPurge {

    /** Deliveries deleted by one statement. */
    static final int ROUND = 10_000;

    private final WebhookDeliveryRepository deliveries;
    private final Duration retention;
    private final Clock clock;

    public WebhookDeliveryPurge(WebhookDeliveryRepository deliveries, Clock clock,
                                @ConfigProperty(name = "points.webhooks.delivered-retention", defaultValue = "P7D")
                                Duration retention) {
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("points.webhooks.delivered-retention must be positive, was " + retention);
        }
        this.deliveries = deliveries;
        this.retention = retention;
        this.clock = clock;
    }

    @Scheduled(every = "${points.webhooks.purge-every:1m}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> scheduled() {
        return purge().invoke(forgotten -> {
            if (forgotten > 0) {
                Log.debugf("Webhooks: %d deliveries delivered before %s ago forgotten", forgotten, retention);
            }
        }).replaceWithVoid();
    }

    /** Deletes every DELIVERED delivery older than the retention, a round at a time; how many. */
    public Uni<Long> purge() {
        return Rounds.untilShort(() -> deliveries.forgetDelivered(clock.instant().minus(retention), ROUND), ROUND);
    }
}
