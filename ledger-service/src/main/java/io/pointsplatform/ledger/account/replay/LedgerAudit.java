package io.pointsplatform.ledger.account.replay;

import io.pointsplatform.events.Account;
import io.pointsplatform.events.AccountSnapshots;
import io.pointsplatform.events.AccountState;
import io.pointsplatform.events.Balance;
import io.pointsplatform.events.EventCodec;
import io.pointsplatform.kit.outbox.OutboxRelay;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Checks the live accounts against an independent replay of {@code points.ledger}: every member's
 * account must equal what the shared fold makes of the log. Events still in flight (in the outbox,
 * or read but not yet applied) make a member differ for a moment, so differing members are checked
 * again once, after the outbox has drained, before they are reported.
 */
@ApplicationScoped
public class LedgerAudit {

    /** One member whose live account is not what the log says. */
    public record Mismatch(String memberId, Summary live, Summary replayed) {
    }

    public record Summary(long available, long pending, long reserved, long debt, long lifetimeEarned, long spent,
                          long expired, long reversed, String tier, int lots, int openHolds) {

        static Summary of(AccountState state, Instant now) {
            if (state == null) {
                return null;
            }
            Account account = Account.restore(state);
            Balance b = account.balance(now);
            return new Summary(b.available(), b.pending(), b.reserved(), b.debt(), state.lifetimeEarned(),
                    state.spent(), state.expired(), state.reversed(), state.tier(), state.lots().size(),
                    state.holds().size());
        }
    }

    public record Report(int membersChecked, long eventsReplayed, long duplicateEvents, List<String> refusedRecords,
                         int mismatchCount, List<Mismatch> mismatches, double replaySeconds) {
    }

    private static final int MAX_LISTED = 100;
    private static final int PAGE = 1_000;

    private final Pool pool;
    private final LogReplay replay;
    private final OutboxRelay relay;
    private final Clock clock;

    public LedgerAudit(Pool pool, EventCodec codec, OutboxRelay relay, Clock clock,
                       @ConfigProperty(name = "kafka.bootstrap.servers", defaultValue = "localhost:9092") String bootstrap) {
        this.pool = pool;
        this.replay = new LogReplay(bootstrap, codec);
        this.relay = relay;
        this.clock = clock;
    }

    public Uni<Report> verify() {
        return outboxDrained().chain(this::replayOnWorker).chain(first -> compare(first, null).chain(found -> {
            if (found.differing.isEmpty()) {
                return Uni.createFrom().item(found.report(first));
            }
            // Again, once: what differed may only have been in flight.
            return Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofSeconds(2))
                    .chain(this::outboxDrained).chain(this::replayOnWorker)
                    .chain(second -> compare(second, new HashSet<>(found.differing)).map(again -> again.report(second)));
        }));
    }

    /**
     * Compares the live accounts, read {@value #PAGE} at a time in member order (the whole table at
     * once would not fit in memory for a large ledger), with the replayed ones; {@code only}: the
     * members to check, or null for all.
     */
    private Uni<Comparison> compare(LogReplay.State replayed, Set<String> only) {
        Comparison comparison = new Comparison(replayed.accounts(), only, clock.instant());
        return page(comparison, "").invoke(comparison::finish).replaceWith(comparison);
    }

    private Uni<Void> page(Comparison comparison, String after) {
        return pool.preparedQuery("select member_id, snapshot from member_points where member_id > $1"
                        + " order by member_id limit " + PAGE)
                .execute(Tuple.of(after))
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .chain(rows -> {
                    String last = null;
                    for (Row row : rows) {
                        last = row.getString("member_id");
                        comparison.check(last, AccountSnapshots.fromJson(row.getString("snapshot")).snapshot());
                    }
                    return rows.size() < PAGE ? Uni.createFrom().voidItem() : page(comparison, last);
                });
    }

    /** Members found to differ, in member order, and the first {@value #MAX_LISTED} of them in full. */
    private static final class Comparison {
        private final Map<String, Account> replayed;
        private final Set<String> only;
        private final Instant now;
        private final Set<String> seen = new HashSet<>();
        private final List<String> differing = new ArrayList<>();
        private final List<Mismatch> listed = new ArrayList<>();

        Comparison(Map<String, Account> replayed, Set<String> only, Instant now) {
            this.replayed = replayed;
            this.only = only;
            this.now = now;
        }

        void check(String memberId, AccountState live) {
            seen.add(memberId);
            if (only != null && !only.contains(memberId)) {
                return;
            }
            Account account = replayed.get(memberId);
            AccountState fromLog = account == null ? empty(memberId) : account.snapshot();
            if (!live.equals(fromLog)) {
                differing.add(memberId);
                if (listed.size() < MAX_LISTED) {
                    listed.add(new Mismatch(memberId, Summary.of(live, now), Summary.of(fromLog, now)));
                }
            }
        }

        /** Members the log has and the live table does not. */
        void finish() {
            for (String memberId : new TreeSet<>(replayed.keySet())) {
                if (!seen.contains(memberId)) {
                    check(memberId, empty(memberId));
                }
            }
        }

        Report report(LogReplay.State result) {
            Set<String> members = new HashSet<>(seen);
            members.addAll(replayed.keySet());
            return new Report(members.size(), result.events(), result.duplicates(), result.refused(), differing.size(),
                    List.copyOf(listed), result.seconds());
        }
    }

    private static AccountState empty(String memberId) {
        return new Account(memberId).snapshot();
    }

    private Uni<LogReplay.State> replayOnWorker() {
        return Uni.createFrom().item(replay::replay).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    /** Waits (up to 30 s) for the outbox to drain; checks anyway after that (mismatches are checked twice). */
    private Uni<Void> outboxDrained() {
        return relay.drained(Duration.ofSeconds(30)).onFailure().recoverWithNull();
    }
}
