package io.pointsplatform.earning.refund.service;

import io.pointsplatform.kit.remote.RemoteProblem;
import io.pointsplatform.earning.order.service.EarningService;
import io.pointsplatform.earning.refund.repository.RefundRepository;
import io.pointsplatform.earning.refund.service.LedgerClient.ReversalRequest;
import io.pointsplatform.kit.security.ServiceTokens;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Sends recorded refunds' reversals to the ledger until it confirms or refuses, or until
 * {@code points.refunds.max-attempts} attempts have failed. At least once: the ledger is idempotent
 * per refundId, so a reversal sent twice (a retry after a lost answer, or the immediate attempt
 * racing the scheduled one) takes back the points once.
 */
@ApplicationScoped
public class ReversalDispatcher {

    private static final int BATCH = 100;

    /**
     * Answers that say the ledger will never take this reversal as sent: a conflict with what the
     * refundId reversed before, or a request it finds invalid. Anything else (404 while the order's
     * credit has not reached the ledger, 5xx, no answer) may pass later and is tried again.
     */
    private static final Set<Integer> REFUSALS = Set.of(400, 409, 422);

    private final Pool pool;
    private final RefundRepository refunds;
    private final LedgerClient ledger;
    private final ServiceTokens tokens;
    private final int maxBackoffSeconds;
    private final int maxAttempts;

    public ReversalDispatcher(Pool pool, RefundRepository refunds, @RestClient LedgerClient ledger, ServiceTokens tokens,
                              @ConfigProperty(name = "points.refunds.max-backoff-seconds", defaultValue = "300")
                              int maxBackoffSeconds,
                              @ConfigProperty(name = "points.refunds.max-attempts", defaultValue = "300")
                              int maxAttempts) {
        if (maxBackoffSeconds < 1 || maxAttempts < 1) {
            throw new IllegalArgumentException("points.refunds.max-backoff-seconds and points.refunds.max-attempts"
                    + " must be at least 1");
        }
        this.pool = pool;
        this.refunds = refunds;
        this.ledger = ledger;
        this.tokens = tokens;
        this.maxBackoffSeconds = maxBackoffSeconds;
        this.maxAttempts = maxAttempts;
    }

    @Scheduled(every = "${points.refunds.dispatch-every:2s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> dispatchDue() {
        return refunds.due(pool, BATCH)
                .chain(due -> Multi.createFrom().iterable(due).onItem().transformToUniAndConcatenate(this::dispatch)
                        .collect().last())
                .replaceWithVoid();
    }

    /** One attempt; never fails: the outcome is recorded on the refund. */
    public Uni<Void> dispatch(Refund refund) {
        ReversalRequest request = new ReversalRequest(refund.refundId(), refund.orderId(),
                EarningService.lotId(refund.orderId()), refund.points());
        // earning-service's own service token, made again before it runs out (ServiceTokens).
        return Uni.createFrom().item(tokens::authorization)
                .chain(authorization -> ledger.reverse(authorization, refund.memberId(), request))
                .chain(result -> refunds.confirm(pool, refund.refundId(), result.taken(), result.debt(),
                        result.alreadyExpired()))
                .onFailure().recoverWithUni(error -> failed(refund, error))
                .onFailure().invoke(e -> Log.warnf(e, "Could not record the outcome of refund %s", refund.refundId()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    private Uni<Void> failed(Refund refund, Throwable error) {
        if (error instanceof RemoteProblem problem && REFUSALS.contains(problem.status())) {
            Log.warnf("Ledger refused reversal of refund %s of order %s: %s", refund.refundId(), refund.orderId(),
                    problem.getMessage());
            return refunds.refuse(pool, refund.refundId(), new Refund.Failure(problem.status(),
                    problem.code() != null ? problem.code() : "REVERSAL_REFUSED", problem.detail()));
        }
        Integer status = error instanceof RemoteProblem problem ? problem.status() : null;
        String reason = describe(error);
        return refunds.retryLater(pool, refund.refundId(), reason, status, maxBackoffSeconds, maxAttempts)
                .invoke(now -> {
                    if (Refund.FAILED.equals(now)) {
                        Log.errorf("Gave up the reversal of refund %s (order %s, member %s, %d points) after %d"
                                        + " attempts; the last: %s. Repeating the refund tries again.",
                                refund.refundId(), refund.orderId(), refund.memberId(), refund.points(), maxAttempts,
                                reason);
                    } else {
                        Log.debugf("Reversal of refund %s not confirmed yet: %s", refund.refundId(), reason);
                    }
                })
                .replaceWithVoid();
    }

    private static String describe(Throwable error) {
        String text = error instanceof RemoteProblem ? error.getMessage()
                : error.getClass().getSimpleName() + (error.getMessage() == null ? "" : ": " + error.getMessage());
        return text.length() <= RemoteProblem.MAX_DETAIL_CHARS ? text : text.substring(0, RemoteProblem.MAX_DETAIL_CHARS);
    }
}
