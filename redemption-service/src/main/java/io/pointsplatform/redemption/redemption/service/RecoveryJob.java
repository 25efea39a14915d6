package io.pointsplatform.redemption.redemption.service;

import io.pointsplatform.kit.idempotency.IdempotencyKeys;
import io.pointsplatform.redemption.payment.service.PaymentCodes;
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
 * A job of its own gives back the points of payment refunds the ledger did not answer and purges
 * expired Idempotency-Keys and lapsed payment codes, so that a ledger that does not answer those never holds up the sagas
 * (until 2026-12-06 one run did both, one after the other, and a hundred refunds waiting 3 s each on
 * a silent ledger kept every saga, catalog's compensations included, waiting for minutes).
 */
@ApplicationScoped
public class RecoveryJob {

    private static final Duration LEASE = Duration.ofSeconds(30);

    private final RedemptionRepository repository;
    private final RedemptionSaga saga;
    private final SagaSettings settings;
    private final IdempotencyKeys keys;
    private final PaymentService payments;
    private final PaymentCodes codes;
    private final Clock clock;

    public RecoveryJob(RedemptionRepository repository, RedemptionSaga saga, SagaSettings settings,
                       IdempotencyKeys keys, PaymentService payments, PaymentCodes codes, Clock clock) {
        this.repository = repository;
        this.saga = saga;
        this.settings = settings;
        this.keys = keys;
        this.payments = payments;
        this.codes = codes;
        this.clock = clock;
    }

    @Scheduled(every = "${points.redemption.recovery-every:5s}", delayed = "${points.redemption.recovery-every:5s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> run() {
        return recover().replaceWithVoid()
                .onFailure().invoke(failure -> Log.warnf(failure, "Recovery run failed; the next run tries again"))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    @Scheduled(every = "${points.redemption.recovery-every:5s}", delayed = "${points.redemption.recovery-every:5s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> refundsAndKeys() {
        return payments.resumeRefunds(settings.recoveryStaleAfter(), settings.recoveryBatch())
                .chain(() -> keys.purgeExpired(10_000)).chain(() -> codes.forgetLapsed(10_000)).replaceWithVoid()
                .onFailure().invoke(failure -> Log.warnf(failure, "Refund recovery failed; the next run tries again"))
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
