package io.pointsplatform.ledger.account.replay;

import io.pointsplatform.events.Account;
import io.pointsplatform.events.AccountSnapshots;
import io.pointsplatform.events.EventCodec;
import io.pointsplatform.events.PointsReserved;
import io.pointsplatform.kit.outbox.OutboxRelay;
import io.pointsplatform.kit.problem.ApiException;
import io.pointsplatform.ledger.account.repository.AccountStore;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Rebuilds every account from offset 0 into fresh tables and swaps them in. Reads go on all along
 * against the current tables; only the swap itself holds an exclusive lock, during which the few
 * events written since the replay started (the outbox drained first) are folded in too, so no
 * decision made meanwhile is lost. Entries are the append-only history (and the memory of applied
 * event ids), so they are kept, not rebuilt.
 */
@ApplicationScoped
public class LedgerRebuild {

    public record Report(long eventsReplayed, long duplicateEvents, int accounts, long catchUpEvents,
                         List<String> refusedRecords, double replaySeconds, double totalSeconds,
                         long eventsPerSecond) {
    }

    /** Rows per statement of the bulk write: a statement of a few megabytes, not tens. */
    private static final int ROWS_PER_STATEMENT = 250;
    /** Statements of the bulk write in flight at once, each on its own connection of the pool. */
    private static final int STATEMENTS_IN_FLIGHT = 4;
    /** Rows per statement when writing on the swap's connection (the accounts the catch-up changed, the holds). */
    private static final int BATCH = 5_000;
    /** How long the swap waits for every decided event to leave the outbox for Kafka. */
    private static final Duration DRAIN_WAIT = Duration.ofSeconds(30);

    private static final String UPSERT_ACCOUNTS = "insert into member_points_rebuild (member_id, snapshot, updated_at,"
            + " next_expiry_at) select m, s, $3, e from unnest($1::text[], $2::text[], $4::timestamptz[]) as a(m, s, e)"
            + " on conflict (member_id) do update set snapshot = excluded.snapshot, updated_at = excluded.updated_at,"
            + " next_expiry_at = excluded.next_expiry_at";

    private final Pool pool;
    private final LogReplay replay;
    private final OutboxRelay relay;
    private final Clock clock;
    private final AtomicBoolean running = new AtomicBoolean();

    public LedgerRebuild(Pool pool, EventCodec codec, OutboxRelay relay, Clock clock,
                         @ConfigProperty(name = "kafka.bootstrap.servers", defaultValue = "localhost:9092") String bootstrap) {
        this.pool = pool;
        this.replay = new LogReplay(bootstrap, codec);
        this.relay = relay;
        this.clock = clock;
    }

    public Uni<Report> rebuild() {
        if (!running.compareAndSet(false, true)) {
            throw ApiException.conflict("REBUILD_RUNNING", "A rebuild is running already; try again when it is done");
        }
        long start = System.nanoTime();
        return onWorker(replay::replay)
                .chain(state -> prepare()
                        .chain(() -> writeAll(List.copyOf(state.accounts().values())))
                        .chain(() -> swap(state))
                        .map(catchUp -> {
                            double total = (System.nanoTime() - start) / 1e9;
                            Report report = new Report(state.events(), state.duplicates(), state.accounts().size(), catchUp,
                                    state.refused(), state.seconds(), total, Math.round(state.events() / total));
                            Log.infof("Rebuilt %d accounts from %d events in %.2fs (%d events/s)", report.accounts(),
                                    report.eventsReplayed(), total, report.eventsPerSecond());
                            return report;
                        }))
                .eventually(() -> running.set(false));
    }

    private Uni<Void> prepare() {
        return pool.withTransaction(c -> c.query("drop table if exists member_points_rebuild").execute()
                .chain(() -> c.query("drop table if exists hold_rebuild").execute())
                .chain(() -> c.query("create table member_points_rebuild (like member_points including all)").execute())
                .chain(() -> c.query("create table hold_rebuild (like hold including all)").execute())
                .replaceWithVoid());
    }

    /**
     * Writes every account to {@code member_points_rebuild}: {@value #ROWS_PER_STATEMENT} rows per
     * statement (arrays through {@code unnest}), made on worker threads, {@value #STATEMENTS_IN_FLIGHT}
     * statements at once in transactions of their own, so that the JVM's and PostgreSQL's share of
     * the work (JSON out, rows and TOAST in) run side by side. The table is not read before the swap, so a
     * statement needs nothing from another.
     */
    private Uni<Void> writeAll(List<Account> accounts) {
        Instant now = clock.instant();
        List<List<Account>> parts = new ArrayList<>();
        for (int from = 0; from < accounts.size(); from += ROWS_PER_STATEMENT) {
            parts.add(accounts.subList(from, Math.min(accounts.size(), from + ROWS_PER_STATEMENT)));
        }
        return Multi.createFrom().iterable(parts)
                .onItem().transformToUni(part -> onWorker(() -> rows(part, now))
                        .chain(rows -> pool.preparedQuery(UPSERT_ACCOUNTS).execute(rows)))
                .merge(STATEMENTS_IN_FLIGHT)
                .collect().last().replaceWithVoid();
    }

    /** Writes accounts to {@code member_points_rebuild} on {@code within}, {@value #BATCH} rows per statement. */
    private Uni<Void> writeAccounts(List<Account> accounts, SqlConnection within) {
        Instant now = clock.instant();
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (int from = 0; from < accounts.size(); from += BATCH) {
            List<Account> part = accounts.subList(from, Math.min(accounts.size(), from + BATCH));
            chain = chain.chain(() -> within.preparedQuery(UPSERT_ACCOUNTS).execute(rows(part, now)).replaceWithVoid());
        }
        return chain;
    }

    /** The parameters of one {@link #UPSERT_ACCOUNTS}: member ids, snapshots, now, next expiries. */
    private static Tuple rows(List<Account> part, Instant now) {
        int n = part.size();
        String[] members = new String[n];
        String[] snapshots = new String[n];
        OffsetDateTime[] expiries = new OffsetDateTime[n];
        for (int i = 0; i < n; i++) {
            Account account = part.get(i);
            members[i] = account.memberId();
            snapshots[i] = AccountSnapshots.toJson(account);
            expiries[i] = AccountStore.utc(AccountStore.nextExpiry(account));
        }
        return Tuple.of(members, snapshots, AccountStore.utc(now), expiries);
    }

    private Uni<Void> writeBatches(List<Tuple> rows, String sql, SqlConnection within) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (int from = 0; from < rows.size(); from += BATCH) {
            List<Tuple> batch = rows.subList(from, Math.min(rows.size(), from + BATCH));
            chain = chain.chain(() -> within.preparedQuery(sql).executeBatch(batch).replaceWithVoid());
        }
        return chain;
    }

    /** Locks the live tables, folds in what came since, writes the holds and swaps. Returns catch-up events. */
    private Uni<Long> swap(LogReplay.State state) {
        return pool.withTransaction(c -> c.query("lock table member_points, hold in access exclusive mode").execute()
                        .chain(() -> relay.drained(DRAIN_WAIT))
                        .chain(() -> onWorker(() -> {
                            long before = state.events();
                            java.util.Set<String> touched = replay.catchUp(state);
                            return Map.entry(touched, state.events() - before);
                        }))
                        .chain(caught -> {
                            List<Account> changed = caught.getKey().stream().map(state.accounts()::get).toList();
                            Instant now = clock.instant();
                            List<Tuple> holds = new ArrayList<>();
                            for (Account account : state.accounts().values()) {
                                for (String holdId : account.holds().keySet()) {
                                    PointsReserved made = state.holds().get(account.memberId() + "/" + holdId);
                                    holds.add(Tuple.of(account.memberId(), holdId,
                                            AccountStore.utc(made == null ? now : made.holdExpiresAt()),
                                            made == null ? null : made.reference()));
                                }
                            }
                            return writeAccounts(changed, c)
                                    .chain(() -> writeBatches(holds, "insert into hold_rebuild (member_id, hold_id, expires_at,"
                                            + " reference) values ($1, $2, $3, $4)", c))
                                    .chain(() -> c.query("alter table member_points rename to member_points_old").execute())
                                    .chain(() -> c.query("alter table member_points_rebuild rename to member_points").execute())
                                    .chain(() -> c.query("drop table member_points_old").execute())
                                    .chain(() -> c.query("alter table hold rename to hold_old").execute())
                                    .chain(() -> c.query("alter table hold_rebuild rename to hold").execute())
                                    .chain(() -> c.query("drop table hold_old").execute())
                                    .replaceWith(caught.getValue());
                        }))
                .invoke(relay::wake);
    }

    private static <T> Uni<T> onWorker(java.util.function.Supplier<T> work) {
        return Uni.createFrom().item(work).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
}
