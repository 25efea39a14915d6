package io.pointsplatform.notification.webhook.repository;

import io.pointsplatform.kit.validation.Texts;
import io.pointsplatform.notification.template.NoticeTemplates;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

@ApplicationScoped
public class WebhookDeliveryRepository {

    /** One event read from the log, as it was there. */
    public record Event(String eventId, String memberId, String type, String body) {
    }

    /** The most of an attempt's error kept. */
    static final int MAX_ERROR_CHARS = 500;

    /** A delivery due now, with what its attempt needs from its endpoint. */
    public record Due(long deliveryId, String endpointId, String eventId, String memberId, String body, int attempts,
                      String url, byte[] secretSealed, byte[] previousSealed, Instant previousValidUntil) {
    }

    /**
     * What an attempt came to: delivered (a 2xx, {@code status}), or failed ({@code status} when the
     * receiver answered, {@code error}) and tried again after {@code retryAfter}.
     */
    public record Outcome(long deliveryId, boolean delivered, Integer status, String error, Duration retryAfter) {

        /**
         * The error as stored: its text is the receiver's or the HTTP client's (a status line with
         * U+0000 in it, say), and one text PostgreSQL refuses would fail the statement that records
         * every outcome of a dispatch (then none is recorded, and each is sent again).
         */
        public Outcome {
            error = Texts.forStorage(error, MAX_ERROR_CHARS);
        }

        public static Outcome delivered(long deliveryId, int status) {
            return new Outcome(deliveryId, true, status, null, Duration.ZERO);
        }

        public static Outcome failed(long deliveryId, Integer status, String error, Duration retryAfter) {
            return new Outcome(deliveryId, false, status, error, retryAfter);
        }
    }

    public record Delivery(long deliveryId, String endpointId, String eventId, String memberId, String eventType,
                           String status, int attempts, Integer lastStatus, String lastError, Instant createdAt,
                           Instant finishedAt) {
    }

    /**
     * One delivery for each event and each endpoint that asked for its type, in one statement; an event
     * seen before adds nothing. Inserted in (endpoint, member) order and, within a queue, in the events'
     * order (so a queue's delivery ids follow the log): V31's trigger locks each queue's head row as
     * it goes, and every statement that touches many heads takes them in this order (no deadlock).
     */
    /**
     * The endpoints that want one of the types are read with a key-share lock: one being deleted is
     * waited for and then skipped, instead of the insert failing its foreign key (which would set a
     * good record of the log aside). An event of a notice kind ({@code NoticeTemplates.KINDS}, $6) is
     * not enqueued when its member opted out of that kind (or of every kind, {@code *}) on the
     * {@code webhook} channel; event types that are no notice kind (holds, redemption steps, member
     * updates) are no kind a preference names, so they are always enqueued. Until 2026-12-06 webhook
     * opt-outs were stored but never applied.
     */
    private static final String ENQUEUE = """
            with e as (select endpoint_id, event_types from webhook_endpoint where event_types && $3::text[] for key share)
            insert into webhook_delivery (endpoint_id, event_id, member_id, event_type, body, give_up_at)
            select e.endpoint_id, x.event_id, x.member_id, x.event_type, x.body, now() + make_interval(secs => $5)
            from unnest($1::text[], $2::text[], $3::text[], $4::text[]) with ordinality as x(event_id, member_id, event_type, body, n)
            join e on x.event_type = any(e.event_types)
            where not (x.event_type = any($6::text[]) and exists (
                select 1 from notification_preference p
                where p.member_id = x.member_id and p.channel = 'webhook' and p.kind in (x.event_type, '*')))
            order by e.endpoint_id, x.member_id, x.n
            on conflict (endpoint_id, event_id) do nothing""";

    /**
     * Takes the deliveries to send now, in one statement: per endpoint, up to its free places ($1 less
     * its busy count in $2/$3) of the heads of its (endpoint, member) queues that are due, the longest
     * due first, read from webhook_queue_head_due (V32: a range scan stopped by the limit, whatever the
     * backlog); then leases them until now + $4 seconds (a leased head is due later, so it is not taken
     * again and still holds its queue). A head another transaction holds (an enqueue or a record moving
     * it) is skipped, not waited for: it is taken at the next dispatch, and the take never waits for a
     * head, so it is never part of a deadlock over heads. The delivery is checked again (still PENDING
     * and due) as it is leased, so two dispatchers never lease it twice.
     */
    public static final String TAKE = """
            with heads as materialized (
                select h.delivery_id
                from webhook_endpoint e
                left join unnest($2::text[], $3::int[]) as b(endpoint_id, busy) on b.endpoint_id = e.endpoint_id
                cross join lateral (
                    select h.delivery_id from webhook_queue_head h
                    where h.endpoint_id = e.endpoint_id and h.next_attempt_at <= now()
                    order by h.next_attempt_at, h.delivery_id
                    limit greatest($1 - coalesce(b.busy, 0), 0)
                    for update of h skip locked) h
            )
            update webhook_delivery d set next_attempt_at = now() + make_interval(secs => $4)
            from webhook_endpoint e
            where d.delivery_id = any(array(select delivery_id from heads)) and e.endpoint_id = d.endpoint_id
              and d.status = 'PENDING' and d.next_attempt_at <= now()
            returning d.delivery_id, d.endpoint_id, d.event_id, d.member_id, d.body, d.attempts,
                      e.url, e.secret_sealed, e.previous_sealed, e.previous_valid_until""";

    /**
     * The outcomes of many attempts in one statement: DELIVERED, or PENDING again after the outcome's
     * wait, or DEAD when that would be past the delivery's give-up time. The heads of their queues are
     * locked in (endpoint, member) order first (the triggers then move or re-time them in whatever
     * order the rows come); an outcome of a delivery no longer PENDING changes nothing.
     */
    private static final String RECORD = """
            with queues as materialized (
                select 1 from webhook_delivery d
                join webhook_queue_head h on h.endpoint_id = d.endpoint_id and h.member_id = d.member_id
                where d.delivery_id = any($1)
                order by h.endpoint_id, h.member_id
                for update of h
            )
            update webhook_delivery d set
                attempts = d.attempts + 1, last_status = o.status, last_error = o.error,
                status = case when o.delivered then 'DELIVERED'
                              when now() + make_interval(secs => o.wait_seconds) > d.give_up_at then 'DEAD'
                              else 'PENDING' end,
                finished_at = case when o.delivered or now() + make_interval(secs => o.wait_seconds) > d.give_up_at
                                   then now() end,
                next_attempt_at = case when o.delivered then d.next_attempt_at
                                       else now() + make_interval(secs => o.wait_seconds) end
            from unnest($1::bigint[], $2::boolean[], $3::int[], $4::text[], $5::float8[])
                as o(delivery_id, delivered, status, error, wait_seconds)
            where d.delivery_id = o.delivery_id and d.status = 'PENDING' and (select count(*) from queues) >= 0""";

    /**
     * A DEAD delivery PENDING again. Locks its endpoint's row (key share), then its queue's head, before
     * the delivery: the order of V32 (a deletion of the endpoint meanwhile waits, or is waited for).
     */
    private static final String RESEND = """
            with endpoint as (select endpoint_id from webhook_endpoint where endpoint_id = $1 for key share),
            head as (
                select 1 from webhook_queue_head h
                where (h.endpoint_id, h.member_id) = (select d.endpoint_id, d.member_id from webhook_delivery d
                                                      join endpoint using (endpoint_id) where d.delivery_id = $2)
                for update of h)
            update webhook_delivery set status = 'PENDING', attempts = 0, next_attempt_at = now(),
                give_up_at = now() + make_interval(secs => $3), finished_at = null
            where endpoint_id = $1 and delivery_id = $2 and status = 'DEAD' and (select count(*) from head) >= 0
            returning *""";

    private final Pool pool;

    public WebhookDeliveryRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * The event types some endpoint asks for now. Read before each enqueue, so that events no endpoint
     * wants are not shipped to the database at all (most of a log's events, often all of them).
     */
    public Uni<Set<String>> wantedTypes() {
        return pool.preparedQuery("select distinct unnest(event_types) from webhook_endpoint").execute()
                .map(rows -> {
                    Set<String> types = new HashSet<>();
                    rows.forEach(r -> types.add(r.getString(0)));
                    return types;
                });
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
                        retryWindow.toMillis() / 1000.0, NoticeTemplates.KINDS.toArray(String[]::new)))
                .map(SqlResult::rowCount);
    }

    /**
     * Takes and leases the deliveries to send now: per endpoint at most {@code perEndpoint} less its
     * count in {@code busy} (attempts this dispatcher still has under way there).
     */
    public Uni<List<Due>> take(int perEndpoint, Map<String, Integer> busy, Duration lease) {
        List<Map.Entry<String, Integer>> places = List.copyOf(busy.entrySet());
        return pool.preparedQuery(TAKE).execute(Tuple.of(perEndpoint,
                        places.stream().map(Map.Entry::getKey).toArray(String[]::new),
                        places.stream().map(Map.Entry::getValue).toArray(Integer[]::new), lease.toMillis() / 1000.0))
                .map(rows -> {
                    List<Due> due = new ArrayList<>(rows.size());
                    rows.forEach(r -> due.add(new Due(r.getLong("delivery_id"), r.getString("endpoint_id"),
                            r.getString("event_id"), r.getString("member_id"), r.getString("body"),
                            r.getInteger("attempts"), r.getString("url"),
                            WebhookEndpointRepository.bytes(r, "secret_sealed"),
                            WebhookEndpointRepository.bytes(r, "previous_sealed"),
                            WebhookEndpointRepository.instant(r, "previous_valid_until"))));
                    return due;
                });
    }

    /** Records these attempts' outcomes in one statement; how many deliveries it changed. */
    public Uni<Integer> record(List<Outcome> outcomes) {
        if (outcomes.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return pool.preparedQuery(RECORD).execute(Tuple.of(
                        outcomes.stream().map(Outcome::deliveryId).toArray(Long[]::new),
                        outcomes.stream().map(Outcome::delivered).toArray(Boolean[]::new),
                        outcomes.stream().map(Outcome::status).toArray(Integer[]::new),
                        outcomes.stream().map(Outcome::error).toArray(String[]::new),
                        outcomes.stream().map(o -> o.retryAfter().toMillis() / 1000.0).toArray(Double[]::new)))
                .map(SqlResult::rowCount);
    }

    /**
     * Deletes up to {@code limit} DELIVERED deliveries made before {@code before}, oldest first (by
     * the primary key: no index of their own); how many. PENDING and DEAD ones stay, whatever their age.
     */
    public Uni<Integer> forgetDelivered(Instant before, int limit) {
        return pool.preparedQuery("delete from webhook_delivery where delivery_id in (select delivery_id"
                        + " from webhook_delivery where status = 'DELIVERED' and created_at < $1"
                        + " order by delivery_id limit $2)")
                .execute(Tuple.of(before.atOffset(java.time.ZoneOffset.UTC), limit)).map(SqlResult::rowCount);
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
        return pool.preparedQuery(RESEND)
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
