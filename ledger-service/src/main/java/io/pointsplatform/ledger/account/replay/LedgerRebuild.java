package io.pointsplatform.ledger.account.replay;

import io.pointsplatform.events.Account;
import io.pointsplatform.events.AccountSnapshots;
import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.EventCodec;
import io.pointsplatform.events.PointsEvent;
import io.pointsplatform.events.PointsReserved;
import io.pointsplatform.kit.kafka.KafkaConnection;
import io.pointsplatform.kit.outbox.OutboxRelay;
import io.pointsplatform.kit.problem.ApiException;
import io.pointsplatform.ledger.account.repository.AccountCache;
import io.pointsplatform.ledger.account.repository.AccountStore;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Rebuilds every account from offset 0 into fresh tables and swaps them in. Reads go on all along
 * against the current tables. Each partition's accounts are written as soon as that partition is
 * folded, while the next one is, so the write mostly overlaps the replay and memory holds about
 * a partition's accounts, not the ledger's. Before the swap it waits for the live consumer to have
 * applied the log as far as the replay read it. Only the swap itself holds an exclusive lock,
 * during which the few events written since the replay started (the outbox drained first) that
 * the history records are folded into the accounts they concern, read back from the fresh table,
 * so no decision made meanwhile is lost and nothing the live consumer has yet to apply is applied
 * twice; and a log that lacks part of the history is refused. Entries are the append-only
 * history (and the memory of applied event ids), so they are kept, not rebuilt.
 */
@ApplicationScoped
public class LedgerRebuild {

    /**
     * {@code misplacedRecords}: records found on another partition than their member's, left out
     * there (docs/contract-extensions.md, "The log"); {@code strayCreditsFolded}: those of them that
     * are credits a ledger older than that rule applied where it found them, folded at the start of
     * their member's partition.
     */
    public record Report(long eventsReplayed, long duplicateEvents, int accounts, long catchUpEvents,
                         List<String> refusedRecords, long misplacedRecords, long strayCreditsFolded,
                         double replaySeconds, double totalSeconds, long eventsPerSecond) {
    }

    /** Rows per statement of the bulk write: a statement of a few megabytes, not tens. */
    private static final int ROWS_PER_STATEMENT = 250;
    /** Statements of one partition's write in flight at once, each on its own connection of the pool. */
    private static final int STATEMENTS_IN_FLIGHT = 4;
    /** Rows per statement when writing on the swap's connection (the accounts the catch-up changed, the holds). */
    private static final int BATCH = 5_000;
    /** How long the swap waits for every decided event to leave the outbox for Kafka. */
    private static final Duration DRAIN_WAIT = Duration.ofSeconds(30);
    /** How long a rebuild waits for the live consumer to reach the end of its replay. */
    private static final Duration LIVE_WAIT = Duration.ofSeconds(60);

    private static final String UPSERT_ACCOUNTS = "insert into member_points_rebuild (member_id, snapshot, updated_at,"
            + " next_expiry_at) select m, convert_from(s, 'UTF8'), $3, e"
            + " from unnest($1::text[], $2::bytea[], $4::timestamptz[]) as a(m, s, e)"
            + " on conflict (member_id) do update set snapshot = excluded.snapshot, updated_at = excluded.updated_at,"
            + " next_expiry_at = excluded.next_expiry_at, version = excluded.version";
    private static final String INSERT_HOLDS = "insert into hold_rebuild (member_id, hold_id, expires_at, reference)"
            + " select * from unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[])";

    /** An open hold's row: its TTL and reference. */
    private record HoldRow(OffsetDateTime expiresAt, String reference) {

        static HoldRow of(PointsReserved made) {
            return new HoldRow(AccountStore.utc(made.holdExpiresAt()), made.reference());
        }
    }

    /** The advisory lock's name: one rebuild of a database at a time, whichever instance runs it. */
    public static final String REBUILD_LOCK = "points.ledger.rebuild";
    private static final String TAKE_REBUILD_LOCK = "select pg_try_advisory_lock(hashtextextended('" + REBUILD_LOCK
            + "', 0))";
    private static final String LEAVE_REBUILD_LOCK = "select pg_advisory_unlock(hashtextextended('" + REBUILD_LOCK
            + "', 0))";

    private final Pool pool;
    private final LogReplay replay;
    private final KafkaConnection kafka;
    private final String liveGroup;
    private final OutboxRelay relay;
    private final Clock clock;
    private final AccountCache cache;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile Supplier<Uni<Void>> beforeSwap = () -> Uni.createFrom().voidItem();

    public LedgerRebuild(Pool pool, EventCodec codec, OutboxRelay relay, Clock clock, AccountCache cache,
                         KafkaConnection kafka,
                         @ConfigProperty(name = "mp.messaging.incoming.points-ledger.group.id") String liveGroup) {
        this.pool = pool;
        this.replay = new LogReplay(kafka, codec, ids -> Forwarded.among(pool, ids));
        this.kafka = kafka;
        this.liveGroup = liveGroup;
        this.relay = relay;
        this.clock = clock;
        this.cache = cache;
    }

    public Uni<Report> rebuild() {
        if (!running.compareAndSet(false, true)) {
            throw alreadyRunning();
        }
        // One rebuild of a database at a time across instances too: a second one's prepare would empty
        // the tables the first is about to swap in (every balance and open hold gone). The lock is the
        // session's of a connection kept for the rebuild, so a process that dies lets it go.
        return pool.getConnection().chain(lockHolder -> lockHolder.preparedQuery(TAKE_REBUILD_LOCK).execute()
                        .chain(taken -> {
                            if (!taken.iterator().next().getBoolean(0)) {
                                return Uni.createFrom().<Report>failure(alreadyRunning());
                            }
                            return rebuildHoldingTheLock().eventually(() ->
                                    lockHolder.preparedQuery(LEAVE_REBUILD_LOCK).execute().onFailure().recoverWithNull());
                        })
                        .eventually(lockHolder::close))
                .eventually(() -> running.set(false));
    }

    private static ApiException alreadyRunning() {
        return ApiException.conflict("REBUILD_RUNNING", "A rebuild is running already; try again when it is done");
    }

    private Uni<Report> rebuildHoldingTheLock() {
        long start = System.nanoTime();
        return prepare()
                .chain(this::replayAndWrite)
                .call(state -> onWorker(() -> liveConsumerReached(state.position())))
                .call(state -> beforeSwap.get())
                .chain(state -> swap(state)
                        .map(catchUp -> {
                            double total = (System.nanoTime() - start) / 1e9;
                            Report report = new Report(state.events(), state.duplicates(), state.members(), catchUp,
                                    state.refused(), state.misplaced(), state.strayCreditsFolded(), state.seconds(),
                                    total, Math.round(state.events() / total));
                            Log.infof("Rebuilt %d accounts from %d events in %.2fs (%d events/s)", report.accounts(),
                                    report.eventsReplayed(), total, report.eventsPerSecond());
                            return report;
                        }));
    }

    /**
     * Something to wait for between the write and the swap, each rebuild; none by default. Tests
     * hold a rebuild there to make decisions that only the swap's catch-up can bring in.
     */
    public void beforeSwap(Supplier<Uni<Void>> wait) {
        this.beforeSwap = wait;
    }

    private Uni<Void> prepare() {
        return pool.withTransaction(c -> c.query("drop table if exists member_points_rebuild").execute()
                .chain(() -> c.query("drop table if exists hold_rebuild").execute())
                .chain(() -> c.query("create table member_points_rebuild (like member_points including all)").execute())
                .chain(() -> c.query("create table hold_rebuild (like hold including all)").execute())
                .replaceWithVoid());
    }

    /**
     * Replays the log, writing each partition's accounts and open holds as soon as it is folded; ends
     * when all are written. A partition folded again (credits found off it, see {@link LogReplay}) is
     * written again once its first write is done.
     */
    private Uni<LogReplay.State> replayAndWrite() {
        Instant now = clock.instant();
        Map<TopicPartition, CompletableFuture<Void>> writes = new ConcurrentHashMap<>();
        return onWorker(() -> replay.replay(part -> writes.compute(part.partition(), (partition, first) -> first == null
                        ? write(part, now).subscribeAsCompletionStage()
                        : first.thenCompose(written -> write(part, now).subscribeAsCompletionStage()))))
                .chain(state -> Uni.createFrom().completionStage(CompletableFuture.allOf(
                                writes.values().toArray(CompletableFuture[]::new)))
                        .replaceWith(state));
    }

    /**
     * Writes one partition's accounts to {@code member_points_rebuild}, {@value #ROWS_PER_STATEMENT}
     * rows per statement (arrays through {@code unnest}) made on worker threads,
     * {@value #STATEMENTS_IN_FLIGHT} statements at once in transactions of their own, then its open
     * holds. The tables are not read before the swap, so a statement needs nothing from another.
     */
    private Uni<Void> write(LogReplay.Part part, Instant now) {
        List<Account> accounts = List.copyOf(part.accounts().values());
        List<List<Account>> chunks = new ArrayList<>();
        for (int from = 0; from < accounts.size(); from += ROWS_PER_STATEMENT) {
            chunks.add(accounts.subList(from, Math.min(accounts.size(), from + ROWS_PER_STATEMENT)));
        }
        Map<String, HoldRow> holds = new HashMap<>();
        part.openHolds().forEach((key, made) -> holds.put(key, HoldRow.of(made)));
        // Folded again: the first fold's holds of these members go (some were open only because an
        // event naming a credit found off the partition was refused then).
        Uni<Void> firstHoldsGone = !part.again() ? Uni.createFrom().voidItem()
                : pool.preparedQuery("delete from hold_rebuild where member_id = any($1)")
                        .execute(Tuple.of((Object) part.accounts().keySet().toArray(String[]::new))).replaceWithVoid();
        return Multi.createFrom().iterable(chunks)
                .onItem().transformToUni(chunk -> onWorker(() -> accountRows(chunk, now))
                        .chain(rows -> pool.preparedQuery(UPSERT_ACCOUNTS).execute(rows)))
                .merge(STATEMENTS_IN_FLIGHT)
                .collect().last()
                .chain(() -> firstHoldsGone)
                .chain(() -> pool.preparedQuery(INSERT_HOLDS).execute(holdRows(accounts, holds, now)))
                .replaceWithVoid();
    }

    /** Writes accounts to {@code member_points_rebuild} on {@code within}, {@value #BATCH} rows per statement. */
    private Uni<Void> writeAccounts(List<Account> accounts, SqlConnection within) {
        Instant now = clock.instant();
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (int from = 0; from < accounts.size(); from += BATCH) {
            List<Account> part = accounts.subList(from, Math.min(accounts.size(), from + BATCH));
            chain = chain.chain(() -> within.preparedQuery(UPSERT_ACCOUNTS).execute(accountRows(part, now)).replaceWithVoid());
        }
        return chain;
    }

    /** The parameters of one {@link #UPSERT_ACCOUNTS}: member ids, snapshots, now, next expiries. */
    private static Tuple accountRows(List<Account> part, Instant now) {
        int n = part.size();
        String[] members = new String[n];
        Buffer[] snapshots = new Buffer[n];
        OffsetDateTime[] expiries = new OffsetDateTime[n];
        for (int i = 0; i < n; i++) {
            Account account = part.get(i);
            members[i] = account.memberId();
            snapshots[i] = AccountStore.snapshotOnce(account);
            expiries[i] = AccountStore.utc(account.nextExpiry());
        }
        return Tuple.of(members, snapshots, AccountStore.utc(now), expiries);
    }

    /**
     * The parameters of one {@link #INSERT_HOLDS}: a row for every open hold of these accounts, its
     * TTL and reference from {@code made} (by {@link AccountStore#holdKey}); a hold found nowhere (not expected)
     * gets {@code now}, so the TTL job releases it.
     */
    private static Tuple holdRows(Collection<Account> accounts, Map<String, HoldRow> made, Instant now) {
        List<String> members = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        List<OffsetDateTime> expiries = new ArrayList<>();
        List<String> references = new ArrayList<>();
        for (Account account : accounts) {
            for (String holdId : account.holds().keySet()) {
                HoldRow row = made.get(AccountStore.holdKey(account.memberId(), holdId));
                members.add(account.memberId());
                ids.add(holdId);
                expiries.add(row == null ? AccountStore.utc(now) : row.expiresAt());
                references.add(row == null ? null : row.reference());
            }
        }
        return Tuple.of(members.toArray(String[]::new), ids.toArray(String[]::new),
                expiries.toArray(OffsetDateTime[]::new), references.toArray(String[]::new));
    }

    /** Locks the live tables, folds in what came since, and swaps. Returns the catch-up's events. */
    private Uni<Long> swap(LogReplay.State state) {
        return pool.withTransaction(c -> c.query("lock table member_points, hold in access exclusive mode").execute()
                        .chain(() -> relay.drained(DRAIN_WAIT))
                        .chain(() -> {
                            long before = state.events();
                            return onWorker(() -> replay.since(state))
                                    .chain(events -> recordedOnly(events, c))
                                    .chain(events -> catchUp(state, events, c))
                                    .chain(() -> logHoldsTheHistory(state, c))
                                    .map(nothing -> state.events() - before);
                        })
                        // Each rebuilt account now holds every entry of its member: none can be
                        // written while the lock is held, and the next one's seq is above them all.
                        .call(() -> c.query("update member_points_rebuild set snapshot_seq ="
                                + " (select coalesce(max(seq), 0) from entry)").execute())
                        .call(() -> c.query("alter table member_points rename to member_points_old").execute())
                        .call(() -> c.query("alter table member_points_rebuild rename to member_points").execute())
                        .call(() -> c.query("drop table member_points_old").execute())
                        .call(() -> c.query("alter table hold rename to hold_old").execute())
                        .call(() -> c.query("alter table hold_rebuild rename to hold").execute())
                        .call(() -> c.query("drop table hold_old").execute()))
                // The accounts kept in memory were written to the table swapped out; their
                // versions match nothing now, and they would only take room.
                .invoke(cache::clear)
                .invoke(relay::wake);
    }

    /**
     * Waits until the live consumer has applied the log up to where the replay stopped (its
     * committed offsets, which follow its database commits), so that every event the rebuilt
     * accounts hold up to there is in the history too: one the live ledger had yet to apply would
     * otherwise be applied again, after the swap, to an account that already has it.
     */
    private Void liveConsumerReached(Map<TopicPartition, Long> position) {
        long deadline = System.nanoTime() + LIVE_WAIT.toNanos();
        try (Admin admin = Admin.create(kafka.properties())) {
            while (true) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(liveGroup)
                        .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
                long behind = 0;
                for (Map.Entry<TopicPartition, Long> end : position.entrySet()) {
                    OffsetAndMetadata at = committed.get(end.getKey());
                    behind += Math.max(0, end.getValue() - (at == null ? 0 : at.offset()));
                }
                if (behind == 0) {
                    return null;
                }
                if (System.nanoTime() > deadline) {
                    throw new ApiException(503, "LEDGER_BEHIND", "The ledger is behind the log", "ledger-service's consumer"
                            + " is " + behind + " events behind the log the rebuild replayed; nothing was changed, try again"
                            + " when it has caught up");
                }
                Thread.sleep(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for the live consumer", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read the live consumer's offsets: " + e.getMessage(), e);
        }
    }

    /**
     * Of the events written since the replay, those the live ledger has recorded, in log order. The
     * others (credits its consumer has yet to apply) are left to it: it applies them to the swapped-in
     * accounts, with the decisions they call for, as it would have to the old ones.
     */
    private static Uni<List<PointsEvent>> recordedOnly(List<CloudEvent> events, SqlConnection c) {
        if (events.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return c.preparedQuery("select event_id from entry where event_id = any($1)")
                .execute(Tuple.of((Object) events.stream().map(CloudEvent::id).toArray(String[]::new)))
                .map(rows -> {
                    Set<String> recorded = new HashSet<>();
                    rows.forEach(row -> recorded.add(row.getString("event_id")));
                    return events.stream().filter(event -> recorded.contains(event.id()))
                            .map(event -> (PointsEvent) event.data()).toList();
                });
    }

    /**
     * Under the swap's lock, with the outbox drained, every event in the ledger's history is on the
     * log: a log with fewer events than the history (another Kafka cluster, a topic made anew) would
     * rebuild accounts that lost points, so the rebuild is refused and nothing is swapped.
     */
    private Uni<Void> logHoldsTheHistory(LogReplay.State state, SqlConnection c) {
        return c.query("select count(*) as n from entry").execute().map(rows -> rows.iterator().next().getLong("n"))
                .invoke(history -> {
                    if (history > state.applied()) {
                        throw ApiException.conflict("LOG_INCOMPLETE", "points.ledger holds " + state.applied()
                                + " distinct ledger events but the ledger's history holds " + history
                                + "; a rebuild from this log would lose points, so nothing was changed");
                    }
                })
                .replaceWithVoid();
    }

    /**
     * Folds the events written during the replay into the accounts they concern, read back from
     * {@code member_points_rebuild} with their open holds, and writes those accounts and holds again.
     */
    private Uni<Void> catchUp(LogReplay.State state, List<PointsEvent> events, SqlConnection c) {
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        String[] members = events.stream().map(PointsEvent::memberId).distinct().toArray(String[]::new);
        Map<String, Account> accounts = new HashMap<>();
        Map<String, HoldRow> holds = new HashMap<>();
        return c.preparedQuery("select member_id, snapshot from member_points_rebuild where member_id = any($1)")
                .execute(Tuple.of((Object) members))
                .invoke(rows -> rows.forEach(row -> accounts.put(row.getString("member_id"),
                        AccountSnapshots.fromJson(row.getString("snapshot")))))
                .chain(() -> c.preparedQuery("select member_id, hold_id, expires_at, reference from hold_rebuild"
                        + " where member_id = any($1)").execute(Tuple.of((Object) members)))
                .invoke(rows -> rows.forEach(row -> holds.put(AccountStore.holdKey(row.getString("member_id"), row.getString("hold_id")),
                        new HoldRow(row.getOffsetDateTime("expires_at"), row.getString("reference")))))
                .chain(() -> {
                    Instant now = clock.instant();
                    Map<String, PointsReserved> opened = new HashMap<>();
                    int before = accounts.size();
                    for (PointsEvent event : events) {
                        try {
                            LogReplay.apply(accounts, opened, event);
                            state.countApplied(1);
                        } catch (RuntimeException e) {
                            state.refuse("catch-up " + event.getClass().getSimpleName() + " of " + event.memberId()
                                    + ": " + e.getMessage());
                        }
                    }
                    state.addMembers(accounts.size() - before);
                    opened.forEach((key, made) -> holds.put(key, HoldRow.of(made)));
                    return writeAccounts(List.copyOf(accounts.values()), c)
                            .chain(() -> c.preparedQuery("delete from hold_rebuild where member_id = any($1)")
                                    .execute(Tuple.of((Object) members)))
                            .chain(() -> c.preparedQuery(INSERT_HOLDS).execute(holdRows(accounts.values(), holds, now)))
                            .replaceWithVoid();
                });
    }

    private static <T> Uni<T> onWorker(Supplier<T> work) {
        return Uni.createFrom().item(work).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
}
