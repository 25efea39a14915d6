package io.pointsplatform.ledger.account.replay;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/** What the live ledger forwarded to its member's partition ({@code forwarded_event}), for a replay to tell from what an older ledger applied in place. */
final class Forwarded {

    private static final Duration WAIT = Duration.ofMinutes(1);

    private Forwarded() {
    }

    /** Which of these event ids were forwarded. Blocking: called on a replay thread. */
    static Set<String> among(Pool pool, Set<String> eventIds) {
        if (eventIds.isEmpty()) {
            return Set.of();
        }
        Set<String> forwarded = new HashSet<>();
        pool.preparedQuery("select event_id from forwarded_event where event_id = any($1)")
                .execute(Tuple.of((Object) eventIds.toArray(String[]::new)))
                .await().atMost(WAIT)
                .forEach(row -> forwarded.add(row.getString("event_id")));
        return forwarded;
    }
}
