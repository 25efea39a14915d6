package io.pointsplatform.ledger.account.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.pointsplatform.events.Account;
import io.pointsplatform.events.AccountState;
import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.kit.batch.GroupCommit;
import io.pointsplatform.kit.batch.GroupCommit.Outcome;
import io.pointsplatform.kit.problem.ApiException;
import io.pointsplatform.ledger.account.repository.AccountStore;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Group commit for the ledger's decisions (holds, captures, releases, reversals, expiry): decisions
 * asked for while others are being written wait, and are then made together in one transaction,
 * whatever members they are on. That is how the ledger amortises commits and statements, as
 * purpose-built ledgers do:
 *
 * <ol>
 *   <li>one statement locks every account of the batch, in member id order (so two batches, or a
 *       batch and the consumer, never wait on each other in a cycle);
 *   <li>one statement closes the holds that captures and releases name, returning their references;
 *   <li>each decision is made in memory, in arrival order, on its account;
 *   <li>one statement writes every decided event to the history and the outbox, one opens the new
 *       holds, one saves each changed account; then one commit, and only then the answers.
 * </ol>
 *
 * <p>A decision refused before it changed anything (409 INSUFFICIENT_POINTS, a hold that is not
 * open, a repeat; lookups see the events decided earlier in the same batch) is answered so, and
 * the batch goes on. If a decision fails after it changed something, or the batch's writes fail
 * (a repeat found by the history's unique key), the transaction is rolled back, nobody has been
 * answered yet, and the batch is made again with each decision in its own savepoint (its account
 * restored from a snapshot if it fails), so that only the failing ones fail. A batch of one is
 * made directly: its failure is its answer. The row lock alone keeps decisions on one account
 * serial, also across instances; batching only amortises.
 */
@ApplicationScoped
public class DecisionBatches {

    /**
     * A decision on the locked account. It writes through {@code decide}; it must not save the account.
     * A refusal that must still write something (a capture that finds its hold lapsed releases it)
     * completes with an item that says so, and is raised only once the batch has committed.
     */
    @FunctionalInterface
    public interface Step<R> {
        Uni<R> on(Decide decide, Account account);
    }

    /** The event was decided before: its id is in the history already. Nothing was written. */
    public static final class AlreadyDecided extends RuntimeException {
        public AlreadyDecided() {
            super("decided before", null, false, false);
        }
    }

    /** What a step decides with: the transaction's connection, for rare lookups, and the batch's writes. */
    public static final class Decide {
        private final SqlConnection connection;
        private final DecisionWrites writes;
        private final Map<String, AccountStore.ClosedHold> closed;

        Decide(SqlConnection connection, DecisionWrites writes, Map<String, AccountStore.ClosedHold> closed) {
            this.connection = connection;
            this.writes = writes;
            this.closed = closed;
        }

        public SqlConnection connection() {
            return connection;
        }

        public DecisionWrites writes() {
            return writes;
        }

        /**
         * Closes an open hold; returns the reference it was made with and its expiry. Within a batch
         * the holds named by captures and releases were closed in one statement before any decision
         * was made.
         */
        public Uni<Optional<AccountStore.ClosedHold>> closeHold(AccountStore store, String memberId, String holdId) {
            Optional<AccountStore.ClosedHold> opened = writes.cancelOpen(memberId, holdId);
            if (opened != null) {
                return Uni.createFrom().item(opened);
            }
            if (closed == null) {
                return store.closeHold(connection, memberId, holdId);
            }
            writes.changed();
            return Uni.createFrom().item(Optional.ofNullable(closed.remove(AccountStore.holdKey(memberId, holdId))));
        }

        /** The event decided under this id: earlier in this batch, or in the history. */
        public Uni<Optional<CloudEvent>> decided(AccountStore store, String eventId) {
            Optional<CloudEvent> here = writes.find(eventId);
            return here.isPresent() ? Uni.createFrom().item(here) : store.findEvent(connection, eventId);
        }
    }

    private record Request(String memberId, String closesHold, Step<?> step) {
    }

    /** A decision failed on the fast path: the batch is made again, each decision in its savepoint. */
    private static final class FastPathFailed extends RuntimeException {
        FastPathFailed(Throwable cause) {
            super(cause.toString(), cause, false, false);
        }
    }

    private enum Mode { ALONE, FAST, ISOLATED }

    private final Pool pool;
    private final AccountStore store;
    private final Clock clock;
    private final GroupCommit<Request, Object> batches;
    private final DistributionSummary batchSizes;
    private final Counter retried;

    public DecisionBatches(Pool pool, AccountStore store, Clock clock, MeterRegistry registry,
                           @ConfigProperty(name = "points.ledger.max-batch", defaultValue = "128") int maxBatch,
                           @ConfigProperty(name = "points.ledger.batches-in-flight", defaultValue = "1") int inFlight,
                           @ConfigProperty(name = "points.ledger.max-queued", defaultValue = "10000") int maxQueued) {
        if (maxBatch < 1 || maxBatch > 1_000) {
            throw new IllegalArgumentException("points.ledger.max-batch must be within 1..1000, was " + maxBatch);
        }
        this.pool = pool;
        this.store = store;
        this.clock = clock;
        this.batches = new GroupCommit<>(this::process, maxBatch, inFlight, maxQueued);
        this.batchSizes = DistributionSummary.builder("points.ledger.decision.batch.size")
                .description("Decisions made per transaction").register(registry);
        this.retried = Counter.builder("points.ledger.decision.batch.retried")
                .description("Batches made again with a savepoint per decision").register(registry);
    }

    /**
     * Makes a decision on {@code memberId}'s account in the next batch. {@code closesHold}: the hold
     * the decision closes (a capture's or a release's), or null.
     */
    @SuppressWarnings("unchecked")
    public <R> Uni<R> submit(String memberId, String closesHold, Step<R> step) {
        return batches.submit(new Request(memberId, closesHold, step)).map(result -> (R) result);
    }

    private Uni<List<Outcome<Object>>> process(List<Request> batch) {
        batchSizes.record(batch.size());
        if (batch.size() == 1) {
            return attempt(batch, Mode.ALONE).onFailure().recoverWithItem(e -> List.of(Outcome.failed(e)));
        }
        return attempt(batch, Mode.FAST).onFailure(FastPathFailed.class).recoverWithUni(() -> {
            retried.increment();
            return attempt(batch, Mode.ISOLATED);
        });
    }

    private Uni<List<Outcome<Object>>> attempt(List<Request> batch, Mode mode) {
        @SuppressWarnings("unchecked")
        Outcome<Object>[] outcomes = new Outcome[batch.size()];
        Set<String> members = new TreeSet<>();
        List<String[]> closing = new ArrayList<>();
        for (Request request : batch) {
            members.add(request.memberId());
            if (request.closesHold() != null) {
                closing.add(new String[] {request.memberId(), request.closesHold()});
            }
        }
        return pool.withTransaction(c -> store.lockAll(c, members).chain(accounts -> {
            Uni<Map<String, AccountStore.ClosedHold>> closed = mode != Mode.FAST || closing.isEmpty()
                    ? Uni.createFrom().nullItem() : store.closeHolds(c, closing);
            return closed.chain(closedHolds -> {
                DecisionWrites writes = new DecisionWrites();
                Set<String> changed = new TreeSet<>();
                Uni<Void> chain = Uni.createFrom().voidItem();
                for (int i = 0; i < batch.size(); i++) {
                    int index = i;
                    Request request = batch.get(i);
                    chain = chain.chain(() -> {
                        Account account = accounts.get(request.memberId());
                        if (account == null) {
                            outcomes[index] = Outcome.failed(ApiException.notFound("Account", request.memberId()));
                            return Uni.createFrom().voidItem();
                        }
                        return switch (mode) {
                            case ALONE -> run(new Decide(c, writes, null), account, request)
                                    .call(() -> writes.flush(c, store))
                                    .invoke(result -> outcomes[index] = Outcome.of(result))
                                    .invoke(() -> changed.add(request.memberId())).replaceWithVoid();
                            case FAST -> fast(new Decide(c, writes, closedHolds), account, request, outcomes, index,
                                    changed);
                            case ISOLATED -> isolated(c, accounts, request, outcomes, index, changed);
                        };
                    });
                }
                Uni<Void> written = chain.chain(() -> {
                    List<Account> toSave = changed.stream().map(accounts::get).toList();
                    return writes.flushAndSave(c, store, toSave, clock.instant());
                });
                // On the fast path a repeat shows only when the batch's events are written.
                return mode == Mode.FAST ? written.onFailure(e -> !(e instanceof FastPathFailed))
                        .transform(FastPathFailed::new) : written;
            });
        })).map(ignored -> Arrays.asList(outcomes));
    }

    /**
     * On the fast path: a decision refused before it changed anything (a 409, a repeat) is simply
     * answered so, and the batch goes on; one that failed after changing something sends the
     * whole batch to the savepoint path.
     */
    private static Uni<Void> fast(Decide decide, Account account, Request request, Outcome<Object>[] outcomes,
            int index, Set<String> changed) {
        int before = decide.writes.changes();
        return run(decide, account, request).onItemOrFailure().transformToUni((result, failure) -> {
            if (failure == null) {
                outcomes[index] = Outcome.of(result);
                changed.add(request.memberId());
                return Uni.createFrom().voidItem();
            }
            if (decide.writes.changes() != before) {
                return Uni.createFrom().failure(new FastPathFailed(failure));
            }
            outcomes[index] = Outcome.failed(failure);
            return Uni.createFrom().voidItem();
        });
    }

    private static Uni<Object> run(Decide decide, Account account, Request request) {
        return Uni.createFrom().deferred(() -> request.step().on(decide, account)).map(result -> (Object) result);
    }

    /** In a savepoint on a copy of the account: a failure undoes only this decision. */
    private Uni<Void> isolated(SqlConnection c, Map<String, Account> accounts, Request request,
            Outcome<Object>[] outcomes, int index, Set<String> changed) {
        Account account = accounts.get(request.memberId());
        AccountState before = account.snapshot();
        DecisionWrites own = new DecisionWrites();
        return c.query("savepoint decision").execute()
                .chain(() -> run(new Decide(c, own, null), account, request))
                .call(() -> own.flush(c, store))
                .call(() -> c.query("release savepoint decision").execute())
                .invoke(result -> {
                    outcomes[index] = Outcome.of(result);
                    changed.add(request.memberId());
                })
                .replaceWithVoid()
                .onFailure().recoverWithUni(e -> c.query("rollback to savepoint decision").execute()
                        .invoke(() -> {
                            accounts.put(request.memberId(), Account.restore(before));
                            outcomes[index] = Outcome.failed(e);
                        })
                        .replaceWithVoid());
    }
}
