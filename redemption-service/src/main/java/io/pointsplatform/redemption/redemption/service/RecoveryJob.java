package io.pointsplatform.redemption.redemption.service;

import io.pointsplatform.kit.idempotency.IdempotencyKeys;
import io.pointsplatform.redemption.payment.service.PaymentService;
import io.pointsplatform.redemption.redemption.repository.RedemptionRepository;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;

/**
 * Finishes or compensates every saga left unsettled (a crash, a restart, a side that did not
 * answer): each run claims those untouched for {@code points.redemption.recovery-stale-after}
 * and due for another try, and drives each once more (its calls are idempotent by derived ids).
 * Also gives back the points of payment refunds the ledger did not answer, and purges expired
 * Idempotency-Keys.
 */
@ApplicationScoped
public class RecoveryJob {

    private static final Duration LEASE = Duration.ofSeconds(30);

    private final RedemptionRepository repository;
    private final RedemptionSaga saga;
    private final SagaSettings settings;
    private final IdempotencyKeys keys;
    private final PaymentService payments;
    private final Clock clock;

    public RecoveryJob(RedemptionRepository repository, RedemptionSaga saga, SagaSettings settings,
                       IdempotencyKeys keys, PaymentService payments, Clock clock) {
        this.repository = repository;
        this.saga = saga;
        this.settings = settings;
        this.keys = keys;
        this.payments = payments;
        this.clock = clock;
    }

    @Scheduled(every = "${points.redemption.recovery-every:5s}", delayed = "${points.redemption.recovery-every:5s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> run() {
        return recover()
                .chain(() -> payments.resumeRefunds(settings.recoveryStaleAfter(), settings.recoveryBatch()))
                .chain(() -> keys.purgeExpired(10_000)).replaceWithVoid()
                .onFailure().invoke(failure -> Log.warnf(failure, "Recovery run failed; the next run tries again"))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** One run: the number of sagas it drove. */
    public Uni<Integer> recover() {
        return repository.claimStale(settings.recoveryStaleAfter(), LEASE, settings.recoveryBatch(), clock.instant())
                .chain(claimed -> Multi.createFrom().iterable(claimed)
                        .onItem().transformToUniAndMerge(r -> saga.drive(r, clock.instant())
                                .onFailure().invoke(failure -> Log.warnf(failure, "Recovery of %s failed",
                                        r.redemptionId()))
                                .onFailure().recoverWithNull())
                        .collect().asList()
                        .invoke(driven -> {
                            if (!driven.isEmpty()) {
                                Log.infof("Recovery drove %d unsettled redemptions", driven.size());
                            }
                        })
                        .map(driven -> driven.size()));
    }
}
