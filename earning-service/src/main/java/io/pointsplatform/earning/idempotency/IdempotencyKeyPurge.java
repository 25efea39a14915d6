package io.pointsplatform.earning.idempotency;

import io.pointsplatform.kit.idempotency.IdempotencyKeys;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Deletes Idempotency-Keys past their retention: batches of 10 000, at most 10 a round (a round
 * every minute keeps up with 1 000 keys a second and more).
 */
@ApplicationScoped
public class IdempotencyKeyPurge {

    private static final int BATCH = 10_000;
    private static final int MAX_BATCHES = 10;

    private final IdempotencyKeys keys;

    public IdempotencyKeyPurge(IdempotencyKeys keys) {
        this.keys = keys;
    }

    @Scheduled(every = "${points.idempotency.purge-every:1m}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> purge() {
        return purge(0, 0).replaceWithVoid();
    }

    private Uni<Integer> purge(int batches, int deletedBefore) {
        return keys.purgeExpired(BATCH).chain(deleted -> {
            int total = deletedBefore + deleted;
            if (deleted == BATCH && batches + 1 < MAX_BATCHES) {
                return purge(batches + 1, total);
            }
            if (total > 0) {
                Log.infof("Deleted %d expired idempotency keys", total);
            }
            return Uni.createFrom().item(total);
        });
    }
}
