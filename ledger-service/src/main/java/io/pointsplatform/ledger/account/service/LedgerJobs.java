package io.pointsplatform.ledger.account.service;

import io.pointsplatform.events.ReleaseReason;
import io.pointsplatform.kit.problem.ApiException;
import io.pointsplatform.ledger.account.repository.AccountStore;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;

/**
 * The ledger's own decisions in time: lots expire at their expiresAt and holds nobody captured or
 * released are released at their TTL. Each run takes what is due now, in bounded batches, oldest
 * first, so a service that was down catches up on its next runs; the row lock and the account's
 * state make a second run find nothing left to do.
 */
@ApplicationScoped
public class LedgerJobs {

    static final int BATCH = 200;

    private final Pool pool;
    private final AccountStore store;
    private final LedgerBook book;
    private final Clock clock;

    public LedgerJobs(Pool pool, AccountStore store, LedgerBook book, Clock clock) {
        this.pool = pool;
        this.store = store;
        this.book = book;
        this.clock = clock;
    }

    @Scheduled(every = "${points.jobs.every:5s}", delayed = "${points.jobs.delay:5s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> run() {
        return expireLots().chain(this::releaseExpiredHolds).replaceWithVoid()
                .onFailure().invoke(e -> Log.warnf(e, "Ledger jobs failed; the next run retries"))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Expires every lot due now; returns how many accounts had points expired. */
    public Uni<Integer> expireLots() {
        return pool.withConnection(c -> store.membersWithExpiredLots(c, clock.instant(), BATCH))
                .onItem().transformToMulti(members -> Multi.createFrom().iterable(members))
                .onItem().transformToUniAndConcatenate(memberId -> book.expire(memberId))
                .collect().asList()
                .map(results -> (int) results.stream().filter(r -> r.isPresent()).count())
                .chain(count -> count == 0 ? Uni.createFrom().item(0)
                        : expireLots().map(more -> count + more));
    }

    /** Releases every hold past its TTL; returns how many. */
    public Uni<Integer> releaseExpiredHolds() {
        return pool.withConnection(c -> store.expiredHolds(c, clock.instant(), BATCH))
                .onItem().transformToMulti(holds -> Multi.createFrom().iterable(holds))
                .onItem().transformToUniAndConcatenate(hold -> book.release(hold[0], hold[1], ReleaseReason.EXPIRED)
                        .replaceWith(1)
                        // Captured or released between the query and the lock: nothing to do.
                        .onFailure(ApiException.class).recoverWithItem(0))
                .collect().asList()
                .map(results -> results.stream().mapToInt(Integer::intValue).sum())
                .chain(count -> count < BATCH ? Uni.createFrom().item(count)
                        : releaseExpiredHolds().map(more -> count + more));
    }

}
