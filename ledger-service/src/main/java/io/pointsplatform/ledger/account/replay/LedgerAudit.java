package io.pointsplatform.ledger.account.replay;

import io.pointsplatform.events.Account;
import io.pointsplatform.events.AccountSnapshots;
import io.pointsplatform.events.AccountState;
import io.pointsplatform.events.Balance;
import io.pointsplatform.events.EventCodec;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    private final Pool pool;
    private final LogReplay replay;
    private final Clock clock;

    public LedgerAudit(Pool pool, EventCodec codec, Clock clock,
                       @ConfigProperty(name = "kafka.bootstrap.servers", defaultValue = "localhost:9092") String bootstrap) {
        this.pool = pool;
        this.replay = new LogReplay(bootstrap, codec);
        this.clock = clock;
    }

    public Uni<Report> verify() {
        return outboxDrained().chain(this::replayOnWorker).chain(first -> liveStates().chain(live -> {
            Map<String, AccountState> replayed = states(first.accounts());
            List<String> differing = differing(live, replayed);
            if (differing.isEmpty()) {
                return Uni.createFrom().item(report(first, live, replayed, differing));
            }
            // Again, once: what differed may only have been in flight.
            return Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofSeconds(2))
                    .chain(this::outboxDrained).chain(this::replayOnWorker)
                    .chain(second -> liveStates().map(liveAgain -> {
                        Map<String, AccountState> replayedAgain = states(second.accounts());
                        List<String> still = differing(liveAgain, replayedAgain).stream()
                                .filter(differing::contains).toList();
                        return report(second, liveAgain, replayedAgain, still);
                    }));
        }));
    }

    private Report report(LogReplay.State result, Map<String, AccountState> live, Map<String, AccountState> replayed,
                          List<String> differing) {
        Instant now = clock.instant();
        List<Mismatch> listed = differing.stream().limit(MAX_LISTED)
                .map(m -> new Mismatch(m, Summary.of(live.get(m), now), Summary.of(replayed.get(m), now)))
                .toList();
        TreeSet<String> members = new TreeSet<>(live.keySet());
        members.addAll(replayed.keySet());
        return new Report(members.size(), result.events(), result.duplicates(), result.refused(), differing.size(),
                listed, result.seconds());
    }

    private static List<String> differing(Map<String, AccountState> live, Map<String, AccountState> replayed) {
        TreeSet<String> members = new TreeSet<>(live.keySet());
        members.addAll(replayed.keySet());
        List<String> differing = new ArrayList<>();
        for (String memberId : members) {
            AccountState a = live.getOrDefault(memberId, empty(memberId));
            AccountState b = replayed.getOrDefault(memberId, empty(memberId));
            if (!a.equals(b)) {
                differing.add(memberId);
            }
        }
        return differing;
    }

    private static AccountState empty(String memberId) {
        return new Account(memberId).snapshot();
    }

    private static Map<String, AccountState> states(Map<String, Account> accounts) {
        Map<String, AccountState> states = new HashMap<>(accounts.size() * 2);
        accounts.forEach((memberId, account) -> states.put(memberId, account.snapshot()));
        return states;
    }

    private Uni<LogReplay.State> replayOnWorker() {
        return Uni.createFrom().item(replay::replay).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private Uni<Map<String, AccountState>> liveStates() {
        return pool.query("select member_id, snapshot from member_points").execute().map(rows -> {
            Map<String, AccountState> states = new HashMap<>();
            for (Row row : rows) {
                Object snapshot = row.getValue("snapshot");
                String json = snapshot instanceof JsonObject object ? object.encode() : String.valueOf(snapshot);
                states.put(row.getString("member_id"), AccountSnapshots.fromJson(json).snapshot());
            }
            return states;
        });
    }

    /** Waits (up to 30 s) until every decided event has left the outbox for Kafka. */
    private Uni<Void> outboxDrained() {
        return pool.query("select count(*) as n from outbox").execute()
                .map(rows -> rows.iterator().next().getLong("n"))
                .chain(n -> n == 0 ? Uni.createFrom().voidItem()
                        : Uni.createFrom().<Void>failure(new IllegalStateException("outbox not empty")))
                .onFailure().retry().withBackOff(Duration.ofMillis(100), Duration.ofMillis(500)).expireIn(30_000)
                .onFailure().recoverWithNull();
    }
}
