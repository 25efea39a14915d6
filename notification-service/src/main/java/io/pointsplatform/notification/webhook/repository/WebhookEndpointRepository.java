package io.pointsplatform.notification.webhook.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

@ApplicationScoped
public class WebhookEndpointRepository {

    public static final String COLUMNS = "endpoint_id, url, event_types, secret_sealed, previous_sealed,"
            + " previous_valid_until, creation_key, creation_hash, created_at, rotated_at";

    /** One row; the secrets sealed as stored. */
    public record Endpoint(String endpointId, String url, List<String> eventTypes, byte[] secretSealed,
                           byte[] previousSealed, Instant previousValidUntil, String creationKey, String creationHash,
                           Instant createdAt, Instant rotatedAt) {
    }

    private final Pool pool;

    public WebhookEndpointRepository(Pool pool) {
        this.pool = pool;
    }

    /** Inserts it unless its creation key is taken; completes with the row under that key (this one or the first). */
    public Uni<Endpoint> insertOnce(Endpoint e) {
        return pool.preparedQuery("insert into webhook_endpoint (endpoint_id, url, event_types, secret_sealed,"
                        + " creation_key, creation_hash) values ($1, $2, $3, $4, $5, $6)"
                        + " on conflict (creation_key) do nothing returning " + COLUMNS)
                .execute(Tuple.from(new Object[] {e.endpointId(), e.url(), e.eventTypes().toArray(String[]::new),
                        io.vertx.core.buffer.Buffer.buffer(e.secretSealed()), e.creationKey(),
                        e.creationHash()}))
                .chain(rows -> rows.size() == 1 ? Uni.createFrom().item(first(rows)) : byCreationKey(e.creationKey()));
    }

    public Uni<Endpoint> byCreationKey(String key) {
        return pool.preparedQuery("select " + COLUMNS + " from webhook_endpoint where creation_key = $1")
                .execute(Tuple.of(key)).map(WebhookEndpointRepository::first);
    }

    public Uni<Endpoint> byId(String id) {
        return pool.preparedQuery("select " + COLUMNS + " from webhook_endpoint where endpoint_id = $1")
                .execute(Tuple.of(id)).map(WebhookEndpointRepository::first);
    }

    /** Oldest first, after the given id (null: from the start). */
    public Uni<List<Endpoint>> page(String afterId, int limit) {
        return pool.preparedQuery("select " + COLUMNS + " from webhook_endpoint where $1::text is null"
                        + " or endpoint_id > $1 order by endpoint_id limit $2")
                .execute(Tuple.of(afterId, limit)).map(WebhookEndpointRepository::all);
    }

    /** Deletes it and its deliveries; whether it existed. */
    /**
     * The endpoint and, by cascade, its deliveries and queue heads. Locks the endpoint's row, then its
     * heads in member order, before the cascade deletes deliveries: the order the dispatcher and the
     * enqueue lock in (V32), so a deletion during dispatch waits instead of deadlocking.
     */
    private static final String DELETE = """
            with endpoint as (select endpoint_id from webhook_endpoint where endpoint_id = $1 for update),
            heads as (
                select 1 from webhook_queue_head h join endpoint using (endpoint_id)
                order by h.member_id for update of h)
            delete from webhook_endpoint where endpoint_id = $1 and (select count(*) from heads) >= 0""";

    public Uni<Boolean> delete(String id) {
        return pool.preparedQuery(DELETE).execute(Tuple.of(id))
                .map(rows -> rows.rowCount() == 1);
    }

    /**
     * The new secret signs from now on, the one it replaces beside it until previousValidUntil; null
     * when no such endpoint. One statement, the secret replaced read by it under the row's lock: two
     * rotations at once are one after the other (the second keeps the first's secret as the previous
     * one), never two that both keep the secret before them and lose the other's.
     */
    public Uni<Endpoint> rotate(String id, byte[] newSealed, Instant previousValidUntil) {
        return pool.preparedQuery("update webhook_endpoint set previous_sealed = secret_sealed, secret_sealed = $2,"
                        + " previous_valid_until = $3, rotated_at = now() where endpoint_id = $1 returning " + COLUMNS)
                .execute(Tuple.of(id, io.vertx.core.buffer.Buffer.buffer(newSealed),
                        OffsetDateTime.ofInstant(previousValidUntil, ZoneOffset.UTC)))
                .map(WebhookEndpointRepository::first);
    }

    private static Endpoint first(RowSet<Row> rows) {
        return rows.size() == 0 ? null : endpoint(rows.iterator().next());
    }

    private static List<Endpoint> all(RowSet<Row> rows) {
        List<Endpoint> list = new ArrayList<>(rows.size());
        rows.forEach(row -> list.add(endpoint(row)));
        return list;
    }

    public static Endpoint endpoint(Row row) {
        return new Endpoint(row.getString("endpoint_id"), row.getString("url"),
                List.of(row.getArrayOfStrings("event_types")), bytes(row, "secret_sealed"),
                bytes(row, "previous_sealed"), instant(row, "previous_valid_until"), row.getString("creation_key"),
                row.getString("creation_hash"), instant(row, "created_at"), instant(row, "rotated_at"));
    }

    static byte[] bytes(Row row, String column) {
        var buffer = row.getBuffer(column);
        return buffer == null ? null : buffer.getBytes();
    }

    static Instant instant(Row row, String column) {
        OffsetDateTime time = row.getOffsetDateTime(column);
        return time == null ? null : time.toInstant();
    }
}
