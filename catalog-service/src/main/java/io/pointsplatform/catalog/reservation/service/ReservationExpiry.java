package io.pointsplatform.catalog.reservation.service;

import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Releases reservations still RESERVED past their expiresAt (status EXPIRED): up to 500 a round, a
 * round every {@code catalog.reservations.expire-every} (2 s), so stock held by an abandoned
 * redemption comes back within seconds of its TTL.
 */
@ApplicationScoped
public class ReservationExpiry {

    static final int BATCH = 500;

    private final ReservationService reservations;

    public ReservationExpiry(ReservationService reservations) {
        this.reservations = reservations;
    }

    @Scheduled(every = "${catalog.reservations.expire-every:2s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> expire() {
        return reservations.expireDue(BATCH).invoke(expired -> {
            if (expired > 0) {
                Log.infof("Expired %d reservations", expired);
            }
        }).replaceWithVoid();
    }
}
