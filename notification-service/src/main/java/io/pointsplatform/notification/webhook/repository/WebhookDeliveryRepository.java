package io.pointsplatform.notification.webhook.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlResult;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

@ApplicationScoped
public class WebhookDeliveryRepository {

    /** One event read from the log, as it was there. */
    public record Event(String eventId, String memberId, String type, String body) {
    }

    /** A delivery due now, with what its attempt needs from its endpoint. */
    public record Due(long deliveryId, String endpointId, String eventId, String memberId, String body, int attempts,
                      String url, byte[] secretSealed, byte[] previousSealed, Instant previousValidUntil) {
    }

    public record Delivery(long deliveryId, String endpointId, String eventId, String memberId, String eventType,
                           String status, int attempts, Integer lastStatus, String lastError, Instant createdAt,
                           Instant finishedAt) {
    }

    /**
     * One delivery for each event and each endpoint that asked for its type, in the events' order (so
     * delivery ids follow the log), in one statement; an event seen before adds nothing.
     */
    private static final String ENQUEUE = """
            insert into webhook_delivery (endpoint_id, event_id, member_id, event_type, body, give_up_at)
            select e.endpoint_id, x.event_id, x.member_id, x.event_type, x.body, now() + make_interval(secs => $5)
            from unnest($1::text[], $2::text[], $3::text[], $4::text[]) with ordinality as x(event_id, member_id, event_type, body, n)
            join webhook_endpoint e on x.event_type = any(e.event_types)
            order by x.n, e.endpoint_id
            on conflict (endpoint_id, event_id) do nothing""";

    /**
     * Per endpoint, up to $1 deliveries due now that are first in their (endpoint, member) queue (the
     * queue's head, kept by V31's triggers), the longest due first; a delivery under way is leased
     * (due later) and still holds its queue. Reads the endpoint's heads, never its whole backlog.
     */
    private static final String DUE = """
            select d.delivery_id, d.endpoint_id, d.event_id, d.member_id, d.body, d.attempts,
                   e.url, e.secret_sealed, e.previous_sealed, e.previous_valid_until
            from webhook_endpoint e cross join lateral (
                select d.* from webhook_queue_head h join webhook_delivery d on d.delivery_id = h.delivery_id
                where h.endpoint_id = e.endpoint_id and d.status = 'PENDING' and d.next_attempt_at <= now()
                order by d.next_attempt_at, d.delivery_id limit $1) d""";

    private final Pool pool;

    public WebhookDeliveryRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<Integer> enqueue(List<Event> events, Duration retryWindow) {
        if (events.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return pool.preparedQuery(ENQUEUE).execute(Tuple.of(
                        events.stream().map(Event::eventId).toArray(String[]::new),
                        events.stream().map(Event::memberId).toArray(String[]::new),
                        events.stream().map(Event::type).toArray(String[]::new),
                        events.stream().map(Event::body).toArray(String[]::new),
                        retryWindow.toMillis() / 1000.0))
                .map(SqlResult::rowCount);
    }

    public Uni<List<Due>> due(int perEndpoint) {
        return pool.preparedQuery(DUE).execute(Tuple.of(perEndpoint)).map(rows -> {
            List<Due> due = new ArrayList<>(rows.size());
            rows.forEach(r -> due.add(new Due(r.getLong("delivery_id"), r.getString("endpoint_id"),
                    r.getString("event_id"), r.getString("member_id"), r.getString("body"), r.getInteger("attempts"),
                    r.getString("url"), WebhookEndpointRepository.bytes(r, "secret_sealed"),
                    WebhookEndpointRepository.bytes(r, "previous_sealed"),
                    WebhookEndpointRepository.instant(r, "previous_valid_until"))));
            return due;
        });
    }

    /** Leases these deliveries for one attempt (no other dispatcher takes them meanwhile); the ids it got. */
    public Uni<List<Long>> lease(List<Long> ids, Duration lease) {
        return pool.preparedQuery("update webhook_delivery set next_attempt_at = now() + make_interval(secs => $2)"
                        + " where delivery_id = any($1) and status = 'PENDING' and next_attempt_at <= now()"
                        + " returning delivery_id")
                .execute(Tuple.of(ids.toArray(Long[]::new), lease.toMillis() / 1000.0))
                .map(rows -> {
                    List<Long> got = new ArrayList<>(rows.size());
                    rows.forEach(r -> got.add(r.getLong(0)));
                    return got;
                });
    }

    public Uni<Void> delivered(long id, int status) {
        return pool.preparedQuery("update webhook_delivery set status = 'DELIVERED', attempts = attempts + 1,"
                        + " last_status = $2, last_error = null, finished_at = now() where delivery_id = $1")
                .execute(Tuple.of(id, status)).replaceWithVoid();
    }

    /** A failed attempt: tried again after {@code wait}, or DEAD when that would be past its give-up time. */
    public Uni<Void> failed(long id, Integer status, String error, Duration wait) {
        return pool.preparedQuery("""
                        update webhook_delivery set attempts = attempts + 1, last_status = $2, last_error = $3,
                            status = case when now() + make_interval(secs => $4) > give_up_at then 'DEAD' else 'PENDING' end,
                            finished_at = case when now() + make_interval(secs => $4) > give_up_at then now() end,
                            next_attempt_at = now() + make_interval(secs => $4)
                        where delivery_id = $1 and status = 'PENDING'""")
                .execute(Tuple.of(id, status, error, wait.toMillis() / 1000.0)).replaceWithVoid();
    }

    public Uni<List<Delivery>> dead(String endpointId, long afterId, int limit) {
        return pool.preparedQuery("select * from webhook_delivery where endpoint_id = $1 and status = 'DEAD'"
                        + " and delivery_id > $2 order by delivery_id limit $3")
                .execute(Tuple.of(endpointId, afterId, limit)).map(WebhookDeliveryRepository::deliveries);
    }

    public Uni<Delivery> byId(String endpointId, long id) {
        return pool.preparedQuery("select * from webhook_delivery where endpoint_id = $1 and delivery_id = $2")
                .execute(Tuple.of(endpointId, id))
                .map(rows -> rows.size() == 0 ? null : delivery(rows.iterator().next()));
    }

    /** A DEAD delivery PENDING again, due now, with a new retry window; null when it was not DEAD. */
    public Uni<Delivery> resend(String endpointId, long id, Duration retryWindow) {
        return pool.preparedQuery("update webhook_delivery set status = 'PENDING', attempts = 0, next_attempt_at = now(),"
                        + " give_up_at = now() + make_interval(secs => $3), finished_at = null"
                        + " where endpoint_id = $1 and delivery_id = $2 and status = 'DEAD' returning *")
                .execute(Tuple.of(endpointId, id, retryWindow.toMillis() / 1000.0))
                .map(rows -> rows.size() == 0 ? null : delivery(rows.iterator().next()));
    }

    private static List<Delivery> deliveries(RowSet<Row> rows) {
        List<Delivery> list = new ArrayList<>(rows.size());
        rows.forEach(r -> list.add(delivery(r)));
        return list;
    }

    private static Delivery delivery(Row r) {
        return new Delivery(r.getLong("delivery_id"), r.getString("endpoint_id"), r.getString("event_id"),
                r.getString("member_id"), r.getString("event_type"), r.getString("status"), r.getInteger("attempts"),
                r.getInteger("last_status"), r.getString("last_error"), WebhookEndpointRepository.instant(r, "created_at"),
                WebhookEndpointRepository.instant(r, "finished_at"));
    }
}
