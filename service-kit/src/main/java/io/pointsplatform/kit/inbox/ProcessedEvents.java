package io.pointsplatform.kit.inbox;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * Remembers which event ids a consumer has applied, in the same transaction as their effect, so
 * a redelivered event (Kafka is at least once) changes nothing the second time.
 */
@ApplicationScoped
public class ProcessedEvents {

    private static final String MARK =
            "insert into processed_event (event_id) values (?1) on conflict (event_id) do nothing";
    /**
     * Ids in sorted order, so that two transactions marking overlapping ids (a partition handed
     * from one consumer to another) wait for each other instead of deadlocking.
     */
    private static final String MARK_ALL = "insert into processed_event (event_id)"
            + " select id from unnest($1::text[]) as ids(id) order by id on conflict (event_id) do nothing"
            + " returning event_id";
    private static final String FORGET_ALL = "delete from processed_event where event_id = any($1::text[])";
    /** The oldest marks made before a time, a bounded number (by the index on {@code processed_at}). */
    private static final String FORGET_OLD = "delete from processed_event where event_id in (select event_id"
            + " from processed_event where processed_at < now() - make_interval(secs => $1) order by processed_at"
            + " limit $2)";

    /** True the first time this id is seen; call inside the transaction that applies the event. */
    public Uni<Boolean> firstTime(String eventId) {
        return Panache.getSession()
                .chain(session -> session.createNativeQuery(MARK).setParameter(1, eventId).executeUpdate())
                .map(inserted -> inserted == 1);
    }

    /**
     * Marks every id as applied in one statement, on a connection inside the caller's transaction;
     * completes with the ids seen for the first time. A mark another transaction has made but not
     * committed yet waits for it: the id is new here only if that transaction rolls back.
     */
    public Uni<Set<String>> firstTimes(SqlConnection connection, Collection<String> eventIds) {
        if (eventIds.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        return connection.preparedQuery(MARK_ALL)
                .execute(Tuple.of(eventIds.toArray(String[]::new)))
                .map(rows -> {
                    Set<String> fresh = new HashSet<>(rows.size() * 2);
                    for (Row row : rows) {
                        fresh.add(row.getString("event_id"));
                    }
                    return fresh;
                });
    }

    /** Takes back marks of this transaction for events that were not applied after all. */
    public Uni<Void> forget(SqlConnection connection, Collection<String> eventIds) {
        if (eventIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return connection.preparedQuery(FORGET_ALL)
                .execute(Tuple.of(eventIds.toArray(String[]::new)))
                .replaceWithVoid();
    }

    /**
     * Forgets up to {@code limit} of the oldest marks made more than {@code retention} ago, in one
     * statement of its own; the number forgotten. A repeat of an event comes within moments of its
     * first delivery (a redelivery after a consumer's restart, a relay's second send after a
     * crash), so marks need not be kept for ever (docs/member-view.md, "How long an event is
     * remembered"). Needs the index on {@code processed_at}.
     */
    public Uni<Integer> forgetOlderThan(SqlClient client, Duration retention, int limit) {
        return client.preparedQuery(FORGET_OLD).execute(Tuple.of(retention.toSeconds(), limit))
                .map(rows -> rows.rowCount());
    }
}
