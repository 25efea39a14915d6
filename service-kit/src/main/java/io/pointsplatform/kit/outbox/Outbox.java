package io.pointsplatform.kit.outbox;

import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.EventCodec;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * Writes an event to the service's {@code outbox} table inside the caller's transaction, so the
 * event exists exactly when the change that caused it was committed. {@link OutboxRelay} publishes
 * it afterwards. The table is created by each service's own migrations (see V1 in each service).
 */
@ApplicationScoped
public class Outbox {

    static final String INSERT =
            "insert into outbox (topic, message_key, event_id, payload) values ($1, $2, $3, $4)";
    private static final String INSERT_NATIVE =
            "insert into outbox (topic, message_key, event_id, payload) values (?1, ?2, ?3, ?4)";

    private final EventCodec codec;

    public Outbox(EventCodec codec) {
        this.codec = codec;
    }

    /** Enqueues within the current Hibernate Reactive transaction (call inside {@code @WithTransaction}). */
    public Uni<Void> enqueue(String topic, CloudEvent event) {
        String payload = codec.write(event);
        return Panache.getSession().chain(session -> session.createNativeQuery(INSERT_NATIVE)
                        .setParameter(1, topic)
                        .setParameter(2, event.subject())
                        .setParameter(3, event.id())
                        .setParameter(4, payload)
                        .executeUpdate())
                .replaceWithVoid();
    }

    /**
     * Enqueues several events in order within the current transaction. One after the other: a
     * reactive session runs one statement at a time.
     */
    public Uni<Void> enqueueAll(List<OutgoingEvent> events) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (OutgoingEvent event : events) {
            chain = chain.chain(() -> enqueue(event.topic(), event.event()));
        }
        return chain;
    }

    /** An event and the topic it goes to. */
    public record OutgoingEvent(String topic, CloudEvent event) {
    }

    /**
     * The event as the outbox stores it (its payload): for a statement that writes its outbox row
     * itself, from this payload and values only the statement knows (a level after a change).
     */
    public String payload(CloudEvent event) {
        return codec.write(event);
    }

    /** Enqueues on a reactive SQL connection that is inside a transaction the caller owns. */
    public Uni<Void> enqueue(SqlConnection connection, String topic, CloudEvent event) {
        return connection.preparedQuery(INSERT)
                .execute(Tuple.of(topic, event.subject(), event.id(), codec.write(event)))
                .replaceWithVoid();
    }

    /**
     * {@code change} (a statement ending in a {@code returning} clause, with {@code parameters}
     * parameters of its own) made to also write an event to the outbox for each row it returns, in
     * the same statement: atomic on its own, so one round trip where a transaction takes four
     * (BEGIN, the change, the event, COMMIT), and no event when the change touched no row. The
     * statement answers the change's rows; its values are the change's followed by
     * {@link #eventValues}.
     */
    public static String withEvent(String change, int parameters) {
        return "with changed as (" + change + "), queued as (insert into outbox (topic, message_key, event_id, payload)"
                + " select $" + (parameters + 1) + "::text, $" + (parameters + 2) + "::text, $" + (parameters + 3)
                + "::text, $" + (parameters + 4) + "::text from changed) select * from changed";
    }

    /**
     * {@link #withEvent} with {@code events} events for each row the change returns, queued in the
     * order their values follow the change's (one {@link #eventValues} each, in that order): the
     * relay publishes them in that order.
     */
    public static String withEvents(String change, int parameters, int events) {
        if (events == 1) {
            return withEvent(change, parameters);
        }
        StringBuilder rows = new StringBuilder();
        for (int e = 0; e < events; e++) {
            int first = parameters + 4 * e;
            rows.append(e == 0 ? "" : ", ").append("(").append(e).append(", $").append(first + 1).append("::text, $")
                    .append(first + 2).append("::text, $").append(first + 3).append("::text, $").append(first + 4)
                    .append("::text)");
        }
        return "with changed as (" + change + "), queued as (insert into outbox (topic, message_key, event_id, payload)"
                + " select e.topic, e.message_key, e.event_id, e.payload from changed, (values " + rows
                + ") as e(n, topic, message_key, event_id, payload) order by e.n) select * from changed";
    }

    /** {@code values} of a {@link #withEvent} statement's change, followed by the event's. */
    public Tuple eventValues(Tuple values, String topic, CloudEvent event) {
        return values.addString(topic).addString(event.subject()).addString(event.id()).addString(codec.write(event));
    }

    /**
     * Enqueues many events to one topic on a connection inside the caller's transaction, as one
     * batch (the driver pipelines it): a bulk grant's thousands of credits in a few round trips.
     */
    public Uni<Void> enqueueBatch(SqlConnection connection, String topic, List<CloudEvent> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Tuple> rows = events.stream()
                .map(event -> Tuple.of(topic, event.subject(), event.id(), codec.write(event)))
                .toList();
        return connection.preparedQuery(INSERT).executeBatch(rows).replaceWithVoid();
    }
}
