package io.pointsplatform.earning.refund.service;

import io.pointsplatform.earning.order.service.EarningService;
import io.pointsplatform.earning.refund.repository.RefundRepository;
import io.pointsplatform.earning.refund.service.LedgerClient.ReversalRequest;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Sends recorded refunds' reversals to the ledger until it confirms or refuses. At least once: the
 * ledger is idempotent per refundId, so a reversal sent twice (a retry after a lost answer, or the
 * immediate attempt racing the scheduled one) takes back the points once.
 */
@ApplicationScoped
public class ReversalDispatcher {

    private static final int BATCH = 100;

    private final Pool pool;
    private final RefundRepository refunds;
    private final LedgerClient ledger;
    private final int maxBackoffSeconds;

    public ReversalDispatcher(Pool pool, RefundRepository refunds, @RestClient LedgerClient ledger,
                              @ConfigProperty(name = "points.refunds.max-backoff-seconds", defaultValue = "300")
                              int maxBackoffSeconds) {
        this.pool = pool;
        this.refunds = refunds;
        this.ledger = ledger;
        this.maxBackoffSeconds = maxBackoffSeconds;
    }

    @Scheduled(every = "${points.refunds.dispatch-every:2s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
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
        return ledger.reverse(refund.memberId(), request)
                .chain(result -> refunds.confirm(pool, refund.refundId(), result.taken(), result.debt()))
                .onFailure().recoverWithUni(error -> {
                    if (error instanceof WebApplicationException web && web.getResponse().getStatus() == 409) {
                        Log.warnf("Ledger refused reversal of refund %s: %s", refund.refundId(), error.getMessage());
                        return refunds.refuse(pool, refund.refundId(), "409 " + error.getMessage());
                    }
                    Log.debugf("Reversal of refund %s not confirmed yet: %s", refund.refundId(), error.getMessage());
                    return refunds.retryLater(pool, refund.refundId(), String.valueOf(error.getMessage()),
                            maxBackoffSeconds);
                })
                .onFailure().invoke(e -> Log.warnf(e, "Could not record the outcome of refund %s", refund.refundId()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }
}
