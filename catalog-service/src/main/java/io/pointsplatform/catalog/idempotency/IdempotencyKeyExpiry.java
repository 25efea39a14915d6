package io.pointsplatform.catalog.idempotency;

import io.pointsplatform.kit.idempotency.IdempotencyKeys;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Deletes Idempotency-Keys past their retention, 10 000 a minute: admins create rewards far more slowly. */
@ApplicationScoped
public class IdempotencyKeyExpiry {

    private final IdempotencyKeys keys;

    public IdempotencyKeyExpiry(IdempotencyKeys keys) {
        this.keys = keys;
    }

    @Scheduled(every = "${points.idempotency.purge-every:1m}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> purge() {
        return keys.purgeExpired(10_000).replaceWithVoid();
    }
}
