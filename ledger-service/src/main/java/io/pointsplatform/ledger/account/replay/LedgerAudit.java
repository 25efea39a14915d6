package io.pointsplatform.ledger.account.replay;

import io.pointsplatform.events.Account;
import io.pointsplatform.events.AccountState;
import io.pointsplatform.events.Balance;
import io.pointsplatform.events.EventCodec;
import io.pointsplatform.kit.kafka.KafkaConnection;
import io.pointsplatform.kit.outbox.OutboxRelay;
import io.pointsplatform.ledger.account.repository.AccountStore;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;
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

    /**
     * {@code mismatchCount}: every member found to differ; {@code mismatches}: the first
     * {@value #MAX_LISTED} of them in member order, {@code mismatchesListed} of them, and
     * {@code mismatchesTruncated} when that is fewer than {@code mismatchCount}.
     * {@code misplacedRecords}, {@code strayCreditsFolded}: as in a rebuild's report (records found
     * off their member's partition; credits among them applied where found by an older ledger, folded
     * at the start of their member's partition).
     */
    public record Report(int membersChecked, long eventsReplayed, long duplicateEvents, List<String> refusedRecords,
                         long misplacedRecords, long strayCreditsFolded, int mismatchCount, int mismatchesListed,
                         boolean mismatchesTruncated, List<Mismatch> mismatches, double replaySeconds) {
    }

    private static final int MAX_LISTED = 100;
    private static final int PAGE = 1_000;
    private static final Duration PAGE_WAIT = Duration.ofMinutes(2);

    private final Pool pool;
    private final LogReplay replay;
    private final OutboxRelay relay;
    private final Clock clock;
    private final AccountStore store;

    public LedgerAudit(Pool pool, EventCodec codec, OutboxRelay relay, Clock clock, AccountStore store,
                       KafkaConnection kafka) {
        this.pool = pool;
        this.store = store;
        this.replay = new LogReplay(kafka, codec, ids -> Forwarded.among(pool, ids));
        this.relay = relay;
        this.clock = clock;
    }

    public Uni<Report> verify() {
        return outboxDrained().chain(() -> check(null)).chain(first -> {
            Set<String> differing = first.differing();
            if (differing.isEmpty()) {
                return Uni.createFrom().item(first.report());
            }
            // Again, once: what differed may only have been in flight.
            return Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofSeconds(2))
                    .chain(this::outboxDrained)
                    .chain(() -> check(differing))
                    .map(Comparison::report);
        });
    }

    /**
     * Replays the log and compares each partition's accounts with the live ones as soon as that
     * partition is folded, reading those {@value #PAGE} at a time, so that memory holds a partition's
     * accounts rather than the ledger's; then looks for live accounts the log has no event for.
     * {@code only}: the members to check, or null for all.
     */
    private Uni<Comparison> check(Set<String> only) {
        Comparison comparison = new Comparison(only, clock.instant());
        return Uni.createFrom().item(() -> replay.replay(part -> compareWithLive(comparison, part)))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .invoke(comparison::done)
                .chain(() -> liveOnly(comparison, ""))
                .replaceWith(comparison);
    }

    /**
     * On a replay thread: reads the live accounts of one partition's members and compares. A partition
     * folded again ({@link LogReplay.Part#again()}) is compared again, and that replaces the first.
     */
    private void compareWithLive(Comparison comparison, LogReplay.Part part) {
        Map<String, Account> replayed = part.accounts();
        Compared compared = comparison.replayed(part.partition(), replayed.keySet());
        List<String> members = compared.wanted;
        for (int from = 0; from < members.size(); from += PAGE) {
            List<String> page = members.subList(from, Math.min(members.size(), from + PAGE));
            Map<String, Account> live = store.readAll(pool, page).await().atMost(PAGE_WAIT);
            for (String memberId : page) {
                Account account = live.get(memberId);
                comparison.check(compared, memberId, account == null ? empty(memberId) : account.snapshot(),
                        replayed.get(memberId).snapshot());
            }
        }
    }

    /** Live accounts of members the log has no event for, {@value #PAGE} ids at a time in member order: each should be empty. */
    private Uni<Void> liveOnly(Comparison comparison, String after) {
        return pool.preparedQuery("select member_id from member_points where member_id > $1 order by member_id limit " + PAGE)
                .execute(Tuple.of(after))
                .chain(rows -> {
                    List<String> ids = new ArrayList<>();
                    rows.forEach(row -> ids.add(row.getString("member_id")));
                    List<String> unknown = comparison.liveOnly(ids);
                    Uni<Void> checked = unknown.isEmpty() ? Uni.createFrom().voidItem()
                            : store.readAll(pool, unknown)
                                    .invoke(live -> live.forEach((memberId, account) -> comparison.check(
                                            comparison.liveOnly, memberId, account.snapshot(), empty(memberId))))
                                    .replaceWithVoid();
                    return ids.size() < PAGE ? checked : checked.chain(() -> liveOnly(comparison, ids.get(ids.size() - 1)));
                });
    }

    /** What one partition's fold (or the live accounts the log has no event for) was compared to: members checked, those that differ. */
    private static final class Compared {
        final List<String> wanted;
        int checked;
        final Set<String> differing = new HashSet<>();
        /** The first {@value #MAX_LISTED} that differ, in member order, in full. */
        final TreeMap<String, Mismatch> listed = new TreeMap<>();

        Compared(List<String> wanted, int checked) {
            this.wanted = wanted;
            this.checked = checked;
        }
    }

    /**
     * Members checked and found to differ, by partition: a partition folded again replaces what its
     * first fold found, so a member is counted once, in the partition's last fold.
     */
    private static final class Comparison {
        private final Set<String> only;
        private final Instant now;
        private final Set<String> replayedMembers = new HashSet<>();
        private final Map<TopicPartition, Compared> byPartition = new HashMap<>();
        private final Compared liveOnly = new Compared(List.of(), 0);
        private LogReplay.State replay;

        Comparison(Set<String> only, Instant now) {
            this.only = only;
            this.now = now;
        }

        /** A partition's members, checked (again, for a partition folded again): those to compare. */
        synchronized Compared replayed(TopicPartition partition, Set<String> members) {
            replayedMembers.addAll(members);
            Compared compared = new Compared(members.stream().filter(this::wanted).toList(), members.size());
            byPartition.put(partition, compared);
            return compared;
        }

        /** Of these live members, counts those the log has no event for as checked; returns those to compare. */
        synchronized List<String> liveOnly(List<String> live) {
            List<String> unknown = live.stream().filter(m -> !replayedMembers.contains(m)).toList();
            liveOnly.checked += unknown.size();
            return unknown.stream().filter(this::wanted).toList();
        }

        private boolean wanted(String memberId) {
            return only == null || only.contains(memberId);
        }

        synchronized void check(Compared into, String memberId, AccountState live, AccountState fromLog) {
            if (!live.equals(fromLog)) {
                into.differing.add(memberId);
                into.listed.put(memberId, new Mismatch(memberId, Summary.of(live, now), Summary.of(fromLog, now)));
                if (into.listed.size() > MAX_LISTED) {
                    into.listed.pollLastEntry();
                }
            }
        }

        synchronized void done(LogReplay.State state) {
            this.replay = state;
        }

        private List<Compared> all() {
            List<Compared> all = new ArrayList<>(byPartition.values());
            all.add(liveOnly);
            return all;
        }

        /** Every member found to differ. */
        synchronized Set<String> differing() {
            Set<String> differing = new HashSet<>();
            all().forEach(compared -> differing.addAll(compared.differing));
            return differing;
        }

        synchronized Report report() {
            int checked = 0;
            TreeMap<String, Mismatch> listed = new TreeMap<>();
            for (Compared compared : all()) {
                checked += compared.checked;
                listed.putAll(compared.listed);
            }
            List<Mismatch> first = List.copyOf(listed.values()).subList(0, Math.min(listed.size(), MAX_LISTED));
            int count = differing().size();
            return new Report(checked, replay.events(), replay.duplicates(), replay.refused(), replay.misplaced(),
                    replay.strayCreditsFolded(), count, first.size(), count > first.size(), List.copyOf(first),
                    replay.seconds());
        }
    }

    private static AccountState empty(String memberId) {
        return new Account(memberId).snapshot();
    }

    /** Waits (up to 30 s) for the outbox to drain; checks anyway after that (mismatches are checked twice). */
    private Uni<Void> outboxDrained() {
        return relay.drained(Duration.ofSeconds(30)).onFailure().recoverWithNull();
    }
}
