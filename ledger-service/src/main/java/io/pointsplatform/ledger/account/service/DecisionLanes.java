package io.pointsplatform.ledger.account.service;

import io.pointsplatform.events.Account;
import io.pointsplatform.events.AccountState;
import io.pointsplatform.kit.problem.ApiException;
import io.pointsplatform.ledger.account.repository.AccountStore;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * One lane per member for the ledger's decisions: decisions asked for while one is in flight are
 * queued and then made together, in order, in one transaction under one row lock, with one save
 * and one commit. That is how a hot member (a flash sale, a big account) keeps up: commits are
 * amortised, as purpose-built ledgers do. Each decision in a batch runs inside a savepoint with a
 * copy of the account, so one refused decision (409) rolls back only itself. Answers are given
 * after the commit. The lanes are only an optimisation: the row lock alone keeps decisions on one
 * account serial, also across instances.
 */
@ApplicationScoped
public class DecisionLanes {

    /** A decision on the locked account; it must not save the account (the lane does, once). */
    @FunctionalInterface
    public interface Step<R> {
        Uni<R> on(SqlConnection connection, Account account);
    }

    private record Op<R>(Step<R> step, UniEmitter<? super R> emitter) {
    }

    /** The account being decided on in a batch; replaced by its copy when a decision is undone. */
    private static final class Held {
        Account account;

        Held(Account account) {
            this.account = account;
        }
    }

    /** A decision failed on the fast path: the batch is made again, each decision in its savepoint. */
    private static final class FastPathFailed extends RuntimeException {
        FastPathFailed(Throwable cause) {
            super(cause.toString(), cause, false, false);
        }
    }

    private final Pool pool;
    private final AccountStore store;
    private final Clock clock;
    private final int maxBatch;
    private final ConcurrentHashMap<String, Lane> lanes = new ConcurrentHashMap<>();

    public DecisionLanes(Pool pool, AccountStore store, Clock clock,
                         @ConfigProperty(name = "points.ledger.max-batch", defaultValue = "128") int maxBatch) {
        if (maxBatch < 1 || maxBatch > 1_000) {
            throw new IllegalArgumentException("points.ledger.max-batch must be within 1..1000, was " + maxBatch);
        }
        this.pool = pool;
        this.store = store;
        this.clock = clock;
        this.maxBatch = maxBatch;
    }

    public <R> Uni<R> submit(String memberId, Step<R> step) {
        return Uni.createFrom().emitter(emitter -> lanes.computeIfAbsent(memberId, Lane::new).offer(new Op<>(step, emitter)));
    }

    private final class Lane {
        private final String memberId;
        private final Queue<Op<?>> queue = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean running = new AtomicBoolean();

        Lane(String memberId) {
            this.memberId = memberId;
        }

        void offer(Op<?> op) {
            queue.add(op);
            next();
        }

        private void next() {
            if (!running.compareAndSet(false, true)) {
                return;
            }
            List<Op<?>> batch = new ArrayList<>();
            Op<?> op;
            while (batch.size() < maxBatch && (op = queue.poll()) != null) {
                batch.add(op);
            }
            if (batch.isEmpty()) {
                running.set(false);
                if (!queue.isEmpty()) {
                    next();
                } else {
                    // Idle: forget the lane. An offer racing with this runs on its own lane; the row lock keeps order.
                    lanes.remove(memberId, this);
                    if (!queue.isEmpty()) {
                        next();
                    }
                }
                return;
            }
            run(batch).subscribe().with(done -> {
                running.set(false);
                next();
            }, failure -> {
                running.set(false);
                next();
            });
        }

        /**
         * First the fast way: every decision of the batch in a row, no savepoints, one commit. If
         * any of them fails (a 409, a repeat found by the history's unique key) the whole
         * transaction is rolled back, nobody has been answered yet, and the batch is made again
         * with a savepoint around each decision, so only the failing ones fail.
         */
        private Uni<Void> run(List<Op<?>> batch) {
            if (batch.size() == 1) {
                return attempt(batch, false, true);
            }
            return attempt(batch, false, false)
                    .onFailure(FastPathFailed.class).recoverWithUni(() -> attempt(batch, true, true));
        }

        private Uni<Void> attempt(List<Op<?>> batch, boolean isolate, boolean last) {
            List<Runnable> answers = new ArrayList<>(batch.size());
            return pool.withTransaction(c -> store.lock(c, memberId).chain(found -> {
                        if (found.isEmpty()) {
                            ApiException missing = ApiException.notFound("Account", memberId);
                            batch.forEach(op -> answers.add(() -> op.emitter().fail(missing)));
                            return Uni.createFrom().voidItem();
                        }
                        Held held = new Held(found.get());
                        Uni<Void> chain = Uni.createFrom().voidItem();
                        for (Op<?> op : batch) {
                            chain = chain.chain(() -> isolate ? isolated(c, held, op, answers)
                                    : direct(c, held, op, answers, last));
                        }
                        return chain.chain(() -> store.save(c, held.account, clock.instant()));
                    }))
                    .invoke(() -> answers.forEach(Runnable::run))
                    .onFailure(e -> last || !(e instanceof FastPathFailed))
                    .invoke(e -> batch.forEach(op -> op.emitter().fail(e)))
                    .onFailure(e -> last || !(e instanceof FastPathFailed)).recoverWithNull();
        }

        /** Without a savepoint: a failure fails the transaction (a batch of one: the caller's answer). */
        private <R> Uni<Void> direct(SqlConnection c, Held held, Op<R> op, List<Runnable> answers, boolean alone) {
            return Uni.createFrom().deferred(() -> op.step().on(c, held.account))
                    .onFailure(e -> !alone).transform(e -> new FastPathFailed(e))
                    .invoke(result -> answers.add(() -> op.emitter().complete(result)))
                    .replaceWithVoid();
        }

        /** In a savepoint on a copy of the account: a failure undoes only this decision. */
        private <R> Uni<Void> isolated(SqlConnection c, Held held, Op<R> op, List<Runnable> answers) {
            AccountState before = held.account.snapshot();
            return c.query("savepoint decision").execute()
                    .chain(() -> Uni.createFrom().deferred(() -> op.step().on(c, held.account)))
                    .chain(result -> c.query("release savepoint decision").execute()
                            .invoke(() -> answers.add(() -> op.emitter().complete(result))))
                    .onFailure().recoverWithUni(e -> c.query("rollback to savepoint decision").execute()
                            .invoke(() -> {
                                held.account = Account.restore(before);
                                answers.add(() -> op.emitter().fail(e));
                            }))
                    .replaceWithVoid();
        }
    }
}
