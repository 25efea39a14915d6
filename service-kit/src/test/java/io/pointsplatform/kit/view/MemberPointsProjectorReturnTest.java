package io.pointsplatform.kit.view;

import static org.assertj.core.api.Assertions.assertThat;

import io.pointsplatform.events.Account;
import io.pointsplatform.events.Allocation;
import io.pointsplatform.events.Allocator;
import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.HoldMove;
import io.pointsplatform.events.InvariantViolation;
import io.pointsplatform.events.Lot;
import io.pointsplatform.events.Origin;
import io.pointsplatform.events.OriginKind;
import io.pointsplatform.events.PointsEarned;
import io.pointsplatform.events.PointsEvent;
import io.pointsplatform.events.PointsReleased;
import io.pointsplatform.events.PointsReserved;
import io.pointsplatform.events.PointsReturned;
import io.pointsplatform.events.PointsReversed;
import io.pointsplatform.events.PointsSpent;
import io.pointsplatform.events.ReleaseReason;
import io.pointsplatform.events.ReversalPlan;
import io.pointsplatform.events.Timestamps;
import io.pointsplatform.kit.inbox.Batches.Refusal;
import io.pointsplatform.kit.inbox.ProcessedEvents;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgBuilder;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The member view ({@link MemberPointsProjector}, on real PostgreSQL: a database of its own on the
 * server {@code deploy/local/postgres.sh} runs) applies or refuses a {@code points.returned}
 * exactly as the whole account does. The whole account refuses a return to a lot that would leave
 * no room for the open holds taking from it; the view, which reads only the rows a batch names,
 * must read those holds too, also when they were opened in an earlier batch and the return names
 * another hold.
 */
class MemberPointsProjectorReturnTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Instant NOW = Instant.parse("2026-06-01T08:00:00.123456789Z");
    private static final Instant EXPIRES = Instant.parse("2027-06-01T08:00:00Z");
    private static final String HOST = env("POINTS_DB_HOST", "127.0.0.1");
    private static final int PORT = Integer.parseInt(env("POINTS_DB_PORT", "5432"));
    private static final String USER = env("POINTS_DB_USER", "points");
    private static final String PASSWORD = env("POINTS_DB_PASSWORD", "points");
    /** The view's tables as the services' migrations leave them (redemption's V1, V3 and V6). */
    private static final List<String> SCHEMA = List.of("""
            create table processed_event (
                event_id     text primary key,
                processed_at timestamptz not null default now())""",
            "create index processed_event_processed_at on processed_event (processed_at)",
            """
            create table member_account (
                member_id text primary key, tier text not null, lifetime_earned bigint not null,
                spent bigint not null, expired bigint not null, reversed bigint not null, debt bigint not null,
                adjusted_in bigint not null, adjusted_out bigint not null, reserved bigint not null,
                updated_at timestamptz not null)""",
            """
            create table member_lot (
                member_id text not null, lot_id text not null, points bigint not null, remaining bigint not null,
                available_at text, expires_at text not null, origin text, primary key (member_id, lot_id))""",
            """
            create table member_hold (
                member_id text not null, hold_id text not null, lot_ids text[] not null, points bigint[] not null,
                primary key (member_id, hold_id))""",
            """
            create table member_view_offset (
                topic text not null, kafka_partition int not null, next_offset bigint not null,
                primary key (topic, kafka_partition))""");

    private Vertx vertx;
    private String database;
    private Pool pool;
    private MemberPointsProjector projector;

    @BeforeEach
    void createDatabase() {
        vertx = Vertx.vertx();
        database = "test_member_view_return_" + Long.toString(System.currentTimeMillis(), 36) + "_"
                + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 20), 36);
        admin("create database " + database);
        pool = pool(database);
        for (String statement : SCHEMA) {
            pool.query(statement).execute().await().atMost(WAIT);
        }
        projector = new MemberPointsProjector(pool, new ProcessedEvents(), Clock.systemUTC());
    }

    @AfterEach
    void dropDatabase() {
        if (pool != null) {
            pool.close().await().atMost(WAIT);
        }
        if (database != null) {
            admin("drop database if exists " + database + " with (force)");
        }
        if (vertx != null) {
            vertx.close().await().atMost(WAIT);
        }
    }

    /**
     * Lot 1 had 100 points: 60 spent, then 40 held by h-1 (a batch before the return). Of its
     * points only 60 may come back while h-1 is open (its release gives the other 40 back): a return
     * of 80 is refused, one of 60 is applied, and the release then fills the lot again.
     */
    @Test
    void aReturnLeavingNoRoomForAnOpenHoldIsRefusedAsTheWholeAccountRefusesIt() {
        String m = "m-return-1";
        List<PointsEvent> opening = List.of(
                earned(m, "lot-1", 100),
                earned(m, "lot-2", 100),
                new PointsSpent(m, null, 110, List.of(new Allocation("lot-1", 60), new Allocation("lot-2", 50)),
                        "order-1"),
                reserved(m, "h-1", new Allocation("lot-1", 40)),
                // Another member's lot of the same id, and a hold on it, are no part of m's account.
                earned("m-return-2", "lot-1", 100),
                reserved("m-return-2", "h-2", new Allocation("lot-1", 100)));
        PointsReturned tooMuch = returned(m, "r-1", new Allocation("lot-1", 80));
        PointsReturned enough = returned(m, "r-2", new Allocation("lot-1", 60));
        PointsReleased release = new PointsReleased(m, "h-1", 40, List.of(new Allocation("lot-1", 40)),
                ReleaseReason.CANCELLED);

        Oracle whole = new Oracle();
        List<CloudEvent> first = whole.events(opening);
        List<CloudEvent> second = whole.events(List.of(tooMuch, enough));
        List<CloudEvent> third = whole.events(List.of(release));
        assertThat(whole.expectedRefusals(first)).isEmpty();
        assertThat(whole.expectedRefusals(second)).containsOnlyKeys(0);
        assertThat(whole.expectedRefusals(second).get(0)).contains("returns 80 to lot lot-1").contains("40 held");
        assertThat(whole.expectedRefusals(third)).isEmpty();

        assertThat(apply(first).refused()).isEmpty();
        MemberPointsProjector.Outcome returns = apply(second);
        assertThat(refusals(returns)).isEqualTo(whole.expectedRefusals(second));
        assertThat(returns.applied()).isEqualTo(1);
        assertThat(lotRemaining(m, "lot-1")).isEqualTo(60);
        MemberPointsProjector.Outcome released = apply(third);
        assertThat(released.refused()).isEmpty();
        assertThat(released.applied()).isEqualTo(1);

        assertViewIs(whole);
        assertThat(lotRemaining(m, "lot-1")).isEqualTo(100);
        assertThat(view(m).spent()).isEqualTo(50);
    }

    /**
     * A refund that finds its order's points held moves the hold onto the other lots it takes from
     * (a {@code points.reversed} with {@code holdsMoved}): the view reads that hold though the
     * reversal names it in no allocation, writes it re-pointed, and its release, in a later batch,
     * gives the points back to the lot the hold now names, as the whole account does.
     */
    @Test
    void aRefundMovingAHoldRewritesItsRowAsTheWholeAccountMovesIt() {
        String m = "m-refund-1";
        Oracle whole = new Oracle();
        List<CloudEvent> first = whole.events(List.of(earned(m, "lot-a-order", 100), earned(m, "lot-b-other", 100),
                reserved(m, "h-1", new Allocation("lot-a-order", 60))));
        ReversalPlan plan = Allocator.forReversal(whole.accounts.get(m), "lot-a-order", 100, 0, NOW);
        assertThat(plan.holdsMoved()).containsExactly(new HoldMove("h-1", "lot-a-order", "lot-b-other", 60));
        List<CloudEvent> second = whole.events(List.of(PointsReversed.refund(m, "order-a", "rf-1", plan)));
        List<Allocation> moved = whole.accounts.get(m).holds().get("h-1");
        assertThat(moved).containsExactly(new Allocation("lot-b-other", 60));
        List<CloudEvent> third = whole.events(List.of(new PointsReleased(m, "h-1", 60, moved, ReleaseReason.CANCELLED)));

        assertThat(apply(first).refused()).isEmpty();
        assertThat(apply(second).refused()).isEmpty();
        assertThat(view(m).holds()).isEqualTo(Map.of("h-1", moved));
        assertThat(apply(third).refused()).isEmpty();
        assertViewIs(whole);
        assertThat(lotRemaining(m, "lot-a-order")).isZero();
        assertThat(lotRemaining(m, "lot-b-other")).isEqualTo(100);
    }

    /**
     * Events read from the log with their positions: the view saves, per partition, the offset after
     * them, and events before it are repeats though their marks were forgotten (a week after) and the
     * consumer group started again at the log's beginning (Kafka forgets an idle group's offsets after
     * a week). Until 2026-12-08 the debits among them were applied a second time.
     */
    @Test
    void eventsBeforeTheSavedOffsetAreRepeatsThoughTheirMarksAreGone() {
        String m = "m-offsets-1";
        Oracle ids = new Oracle();
        List<CloudEvent> first = ids.events(List.of(earned(m, "lot-1", 100),
                new PointsSpent(m, null, 30, List.of(new Allocation("lot-1", 30)), "order-1")));
        // Records of a month ago (their marks would be gone by now).
        long monthAgo = NOW.minus(Duration.ofDays(30)).toEpochMilli();
        List<MemberPointsProjector.Position> at = List.of(
                new MemberPointsProjector.Position("points.ledger", 2, 10, monthAgo),
                new MemberPointsProjector.Position("points.ledger", 2, 11, monthAgo));
        assertThat(projector.apply(first, at).await().atMost(WAIT).applied()).isEqualTo(2);
        // The marks forgotten, the same records read again from the beginning: nothing applied twice.
        pool.query("delete from processed_event").execute().await().atMost(WAIT);
        MemberPointsProjector.Outcome again = projector.apply(first, at).await().atMost(WAIT);
        assertThat(again.applied()).isZero();
        assertThat(again.repeats()).isEqualTo(2);
        assertThat(view(m).spent()).isEqualTo(30);
        assertThat(lotRemaining(m, "lot-1")).isEqualTo(70);
        // A record after the saved offset is applied; the offset never goes back.
        List<CloudEvent> later = ids.events(List.of(
                new PointsSpent(m, null, 5, List.of(new Allocation("lot-1", 5)), "order-2")));
        assertThat(projector.apply(later, List.of(new MemberPointsProjector.Position("points.ledger", 2, 12, monthAgo)))
                .await().atMost(WAIT).applied()).isEqualTo(1);
        // A recent record the fold refused is refused again when it comes again, though it lies
        // before the saved offset: its mark tells, and it must reach the dead-letter topic.
        List<CloudEvent> refused = ids.events(List.of(
                new PointsSpent(m, null, 5, List.of(new Allocation("lot-nowhere", 5)), "order-3")));
        List<MemberPointsProjector.Position> recent = List.of(new MemberPointsProjector.Position("points.ledger", 2, 13,
                java.time.Instant.now().toEpochMilli()));
        assertThat(projector.apply(refused, recent).await().atMost(WAIT).refused()).hasSize(1);
        assertThat(projector.apply(refused, recent).await().atMost(WAIT).refused()).hasSize(1);
        assertThat(projector.apply(later.subList(0, 0), List.of()).await().atMost(WAIT).applied()).isZero();
        assertThat(pool.query("select next_offset from member_view_offset where kafka_partition = 2").execute()
                .await().atMost(WAIT).iterator().next().getLong(0)).isEqualTo(14);
        assertThat(lotRemaining(m, "lot-1")).isEqualTo(65);
    }

    /**
     * Random histories of a few members (credits, direct spends, holds opened, captured and
     * released, returns of any size, events delivered again), folded by the view in random batches:
     * every event is applied, skipped as a repeat or refused exactly as the whole account, folded
     * one event at a time, does it, and the view's rows end as the whole accounts.
     */
    @Test
    void randomHistoriesAreRefusedAndAppliedAsByTheWholeAccount() {
        for (long seed = 1; seed <= 6; seed++) {
            Random random = new Random(seed);
            Oracle whole = new Oracle();
            List<CloudEvent> log = History.of(random, whole, "s" + seed + "-", 4, 250);
            Map<Integer, String> expected = whole.expectedRefusals(log);
            assertThat(expected.values()).as("seed %d refuses some returns for their held lots", seed)
                    .anyMatch(reason -> reason.matches(".*points.returned returns .* and [1-9][0-9]* held"));
            assertThat(log).as("seed %d has refunds that move holds", seed).anyMatch(event ->
                    event.data() instanceof PointsReversed reversal && !reversal.holdsMoved().isEmpty());
            int applied = 0;
            int repeats = 0;
            for (int from = 0; from < log.size(); ) {
                List<CloudEvent> batch = log.subList(from, Math.min(log.size(), from + 1 + random.nextInt(25)));
                MemberPointsProjector.Outcome outcome = apply(batch);
                Map<Integer, String> wanted = new LinkedHashMap<>();
                for (int i = 0; i < batch.size(); i++) {
                    String reason = expected.get(from + i);
                    if (reason != null) {
                        wanted.put(i, reason);
                    }
                }
                assertThat(refusals(outcome)).as("seed %d, batch from %d", seed, from).isEqualTo(wanted);
                applied += outcome.applied();
                repeats += outcome.repeats();
                from += batch.size();
            }
            assertThat(applied).isEqualTo(whole.applied.size());
            assertThat(repeats + applied + expected.size()).isEqualTo(log.size());
            assertViewIs(whole);
        }
    }

    /** Folds events one at a time on whole accounts, as the ledger and a rebuild do: the oracle. */
    private static final class Oracle {
        final Map<String, Account> accounts = new LinkedHashMap<>();
        final Set<String> applied = new HashSet<>();
        /** Each folded event's refusal, in fold order: null when applied or a repeat. */
        final List<String> outcomes = new ArrayList<>();
        final List<CloudEvent> folded = new ArrayList<>();
        int nextId;

        List<CloudEvent> events(List<PointsEvent> data) {
            List<CloudEvent> events = new ArrayList<>();
            for (PointsEvent event : data) {
                events.add(fold(CloudEvent.of("e-" + nextId++, "test", NOW, event)));
            }
            return events;
        }

        /** Folds the event (a repeat of an applied id changes nothing; a refused one may come again). */
        CloudEvent fold(CloudEvent event) {
            String outcome = null;
            if (!applied.contains(event.id())) {
                PointsEvent data = (PointsEvent) event.data();
                Account account = accounts.computeIfAbsent(data.memberId(), Account::new);
                try {
                    account.apply(data);
                    applied.add(event.id());
                } catch (InvariantViolation refused) {
                    outcome = refused.getMessage();
                }
            }
            folded.add(event);
            outcomes.add(outcome);
            return event;
        }

        /** The refusals the whole accounts made of these events (a sublist folded), by position in it. */
        Map<Integer, String> expectedRefusals(List<CloudEvent> events) {
            int start = indexOf(events);
            Map<Integer, String> refusals = new LinkedHashMap<>();
            for (int i = 0; i < events.size(); i++) {
                String outcome = outcomes.get(start + i);
                if (outcome != null) {
                    refusals.put(i, outcome);
                }
            }
            return refusals;
        }

        private int indexOf(List<CloudEvent> events) {
            if (events.isEmpty()) {
                return 0;
            }
            for (int start = 0; start + events.size() <= folded.size(); start++) {
                if (folded.get(start) == events.get(0) && folded.subList(start, start + events.size()).equals(events)) {
                    return start;
                }
            }
            throw new IllegalArgumentException("events not folded");
        }
    }

    /** Random events that a ledger might write, or might be asked for and refuse. */
    private static final class History {

        static List<CloudEvent> of(Random random, Oracle whole, String prefix, int members, int length) {
            List<CloudEvent> log = new ArrayList<>();
            Map<String, Integer> counters = new HashMap<>();
            for (int n = 0; n < length; n++) {
                String m = prefix + "m-" + random.nextInt(members);
                Account account = whole.accounts.computeIfAbsent(m, Account::new);
                int next = counters.merge(m, 1, Integer::sum);
                int roll = random.nextInt(100);
                PointsEvent event = null;
                if (roll < 8 && !log.isEmpty()) {
                    log.add(whole.fold(log.get(random.nextInt(log.size()))));
                    continue;
                } else if (roll < 25 || account.lots().isEmpty()) {
                    event = earned(m, "lot-" + next, 1 + random.nextInt(100));
                } else if (roll < 40) {
                    List<Allocation> take = take(random, account);
                    event = new PointsSpent(m, null, Allocation.total(take), take, "order-" + next);
                } else if (roll < 58) {
                    List<Allocation> take = take(random, account);
                    event = new PointsReserved(m, "h-" + next, Allocation.total(take), take, EXPIRES, "redemption-" + next);
                } else if (roll < 72 && !account.holds().isEmpty()) {
                    List<String> open = new ArrayList<>(account.holds().keySet());
                    open.sort(null);
                    String holdId = open.get(random.nextInt(open.size()));
                    List<Allocation> held = account.holds().get(holdId);
                    event = random.nextBoolean()
                            ? new PointsReleased(m, holdId, Allocation.total(held), held, ReleaseReason.CANCELLED)
                            : new PointsSpent(m, holdId, Allocation.total(held), held, "redemption-" + holdId);
                } else if (roll < 80) {
                    // A refund of one of the member's lots, which may find some of it held.
                    List<Lot> all = account.snapshot().lots();
                    Lot order = all.get(random.nextInt(all.size()));
                    ReversalPlan plan = Allocator.forReversal(account, order.lotId(), 1 + random.nextInt(150), 0, NOW);
                    event = PointsReversed.refund(m, "order-" + order.lotId(), "refund-" + next, plan);
                } else {
                    event = giveBack(random, account, m, next);
                }
                if (event != null) {
                    log.add(whole.fold(CloudEvent.of(prefix + "e-" + n, "test", NOW, event)));
                }
            }
            return log;
        }

        /** Points from one or two of the lots with points left, in spending order. */
        private static List<Allocation> take(Random random, Account account) {
            List<Lot> lots = account.lots();
            List<Allocation> take = new ArrayList<>();
            for (Lot lot : lots.subList(0, Math.min(lots.size(), 1 + random.nextInt(2)))) {
                take.add(new Allocation(lot.lotId(), 1 + random.nextInt((int) lot.remaining())));
            }
            return take;
        }

        /**
         * A return to one or two lots something was taken from, of up to what was taken (held points
         * included, so that some are refused for the holds), or null if nothing was taken.
         */
        private static PointsReturned giveBack(Random random, Account account, String m, int next) {
            List<Lot> taken = new ArrayList<>();
            for (Lot lot : account.snapshot().lots()) {
                if (lot.remaining() < lot.points()) {
                    taken.add(lot);
                }
            }
            if (taken.isEmpty()) {
                return null;
            }
            taken.sort((a, b) -> a.lotId().compareTo(b.lotId()));
            List<Allocation> back = new ArrayList<>();
            int first = random.nextInt(taken.size());
            for (Lot lot : taken.subList(first, Math.min(taken.size(), first + 1 + random.nextInt(2)))) {
                back.add(new Allocation(lot.lotId(), 1 + random.nextInt((int) (lot.points() - lot.remaining()))));
            }
            return new PointsReturned(m, "h-captured-" + next, "return-" + next, Allocation.total(back), back,
                    "refund-" + next);
        }
    }

    private MemberPointsProjector.Outcome apply(List<CloudEvent> batch) {
        return projector.apply(batch).await().atMost(WAIT);
    }

    private static Map<Integer, String> refusals(MemberPointsProjector.Outcome outcome) {
        Map<Integer, String> refusals = new LinkedHashMap<>();
        for (Refusal refusal : outcome.refused()) {
            assertThat(refusal.reason()).isInstanceOf(InvariantViolation.class);
            refusals.put(refusal.position(), refusal.reason().getMessage());
        }
        return refusals;
    }

    /** Every member's rows (figures, every lot emptied or not, open holds) are the whole account's. */
    private void assertViewIs(Oracle whole) {
        for (Account account : whole.accounts.values()) {
            if (account.lotCount() == 0 && account.figures().equals(new Account(account.memberId()).figures())) {
                continue;
            }
            Account view = view(account.memberId());
            assertThat(view.figures()).as(account.memberId()).isEqualTo(account.figures());
            assertThat(view.lots()).as(account.memberId()).isEqualTo(account.lots());
            assertThat(view.holds()).as(account.memberId()).isEqualTo(account.holds());
            assertThat(allLots(account.memberId())).as(account.memberId())
                    .containsExactlyInAnyOrderElementsOf(account.snapshot().lots());
        }
    }

    private Account view(String memberId) {
        return projector.find(memberId).await().atMost(WAIT).orElseThrow();
    }

    private long lotRemaining(String memberId, String lotId) {
        return allLots(memberId).stream().filter(l -> l.lotId().equals(lotId)).findFirst().orElseThrow().remaining();
    }

    private List<Lot> allLots(String memberId) {
        List<Lot> lots = new ArrayList<>();
        for (Row row : pool.preparedQuery("select lot_id, points, remaining, available_at, expires_at, origin"
                + " from member_lot where member_id = $1").execute(Tuple.of(memberId)).await().atMost(WAIT)) {
            String availableAt = row.getString("available_at");
            String origin = row.getString("origin");
            lots.add(new Lot(row.getString("lot_id"), row.getLong("points"), row.getLong("remaining"),
                    availableAt == null ? null : Timestamps.parse(availableAt),
                    Timestamps.parse(row.getString("expires_at")), origin == null ? null : OriginKind.valueOf(origin)));
        }
        return lots;
    }

    private static PointsEarned earned(String memberId, String lotId, long points) {
        return new PointsEarned(memberId, lotId, points, new Origin(OriginKind.ORDER, "order-" + lotId), List.of(),
                NOW, EXPIRES);
    }

    private static PointsReserved reserved(String memberId, String holdId, Allocation allocation) {
        return new PointsReserved(memberId, holdId, allocation.points(), List.of(allocation), EXPIRES, "redemption-1");
    }

    private static PointsReturned returned(String memberId, String returnId, Allocation allocation) {
        return new PointsReturned(memberId, "h-captured", returnId, allocation.points(), List.of(allocation), "refund");
    }

    private Pool pool(String name) {
        return PgBuilder.pool()
                .connectingTo(new PgConnectOptions().setHost(HOST).setPort(PORT).setDatabase(name).setUser(USER)
                        .setPassword(PASSWORD))
                .with(new PoolOptions().setMaxSize(2))
                .using(vertx)
                .build();
    }

    private void admin(String sql) {
        Pool admin = pool("postgres");
        try {
            admin.query(sql).execute().await().atMost(WAIT);
        } finally {
            admin.close().await().atMost(WAIT);
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
