package io.pointsplatform.notification.notice.repository;

import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlResult;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@ApplicationScoped
public class NotificationRepository {

    /** A repeat (its event delivered again, in this batch or before) changes nothing and is not returned. */
    private static final String INSERT_ONCE = """
            insert into notification (notification_id, member_id, kind, title, body, occurred_at, locale, params,
                                      before_contact)
            select i, m, k, t, b, o, l, p::jsonb, c
              from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::text[],
                          $8::text[], $9::boolean[]) as u(i, m, k, t, b, o, l, p, c)
            on conflict (notification_id) do nothing
            returning notification_id, sequence""";

    /** A notice written again in its member's language, now known (null: kept as written): the mark cleared. */
    private static final String REWRITE = """
            update notification n set title = coalesce(u.t, n.title), body = coalesce(u.b, n.body),
                                      locale = coalesce(u.l, n.locale), before_contact = false
              from unnest($1::text[], $2::text[], $3::text[], $4::text[]) as u(i, t, b, l)
             where n.notification_id = u.i and n.before_contact""";

    private final Pool pool;

    public NotificationRepository(Pool pool) {
        this.pool = pool;
    }

    /** A notice as written for its member; {@code beforeContact}: before the member's enrolment was read. */
    public record NewNotice(String notificationId, String memberId, String kind, String title, String body,
                            Instant occurredAt, String locale, String paramsJson, boolean beforeContact) {
    }

    /**
     * A notice written before its member's enrolment was read: what to write it again from, with the
     * locale the member now has (null: none given).
     */
    public record BeforeContact(String notificationId, String kind, Map<String, Object> params, String locale) {
    }

    /**
     * Up to {@code limit} notices written before their member's enrolment was read whose member is
     * known now, oldest first, locked until the transaction ends (another instance's run skips them).
     */
    public Uni<List<BeforeContact>> beforeContact(SqlClient client, int limit) {
        return client.preparedQuery("""
                        select n.notification_id, n.kind, n.params::text, c.locale
                          from notification n join member_contact c on c.member_id = n.member_id
                         where n.before_contact
                         order by n.sequence limit $1
                           for update of n skip locked""")
                .execute(Tuple.of(limit))
                .map(rows -> {
                    List<BeforeContact> found = new ArrayList<>();
                    for (Row r : rows) {
                        found.add(new BeforeContact(r.getString(0), r.getString(1),
                                new JsonObject(r.getString(2)).getMap(), r.getString(3)));
                    }
                    return found;
                });
    }

    /**
     * Clears the mark of notices whose member was still unknown {@code after} their storing (a member
     * never enrolled, which earning refuses by default): they stay as written, and no run looks at
     * them again. Completes with how many.
     */
    public Uni<Integer> giveUpBeforeContact(SqlClient client, java.time.Duration after) {
        return client.preparedQuery("update notification set before_contact = false"
                        + " where before_contact and created_at < now() - make_interval(secs => $1)")
                .execute(Tuple.of((double) after.toSeconds()))
                .map(SqlResult::rowCount);
    }

    /** Writes these notices again (title, body, locale by notice id) and clears their mark. */
    public Uni<Void> rewrite(SqlClient client, List<String> ids, List<String> titles, List<String> bodies,
                             List<String> locales) {
        if (ids.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return client.preparedQuery(REWRITE).execute(Tuple.of(ids.toArray(String[]::new),
                titles.toArray(String[]::new), bodies.toArray(String[]::new), locales.toArray(String[]::new)))
                .replaceWithVoid();
    }

    /**
     * Stores each notice unless its id is stored already, in one statement; completes with the new
     * ones' ids and sequences (id to sequence, in no particular order).
     */
    public Uni<Map<String, Long>> insertOnce(SqlClient client, List<NewNotice> notices) {
        Map<String, NewNotice> byId = new LinkedHashMap<>();
        for (NewNotice n : notices) {
            byId.putIfAbsent(n.notificationId(), n);
        }
        if (byId.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        int size = byId.size();
        String[] ids = new String[size];
        String[] members = new String[size];
        String[] kinds = new String[size];
        String[] titles = new String[size];
        String[] bodies = new String[size];
        OffsetDateTime[] times = new OffsetDateTime[size];
        String[] locales = new String[size];
        String[] params = new String[size];
        Boolean[] beforeContact = new Boolean[size];
        int i = 0;
        for (NewNotice n : byId.values()) {
            ids[i] = n.notificationId();
            members[i] = n.memberId();
            kinds[i] = n.kind();
            titles[i] = n.title();
            bodies[i] = n.body();
            times[i] = OffsetDateTime.ofInstant(n.occurredAt(), ZoneOffset.UTC);
            locales[i] = n.locale();
            params[i] = n.paramsJson();
            beforeContact[i] = n.beforeContact();
            i++;
        }
        return client.preparedQuery(INSERT_ONCE)
                .execute(Tuple.tuple(List.of(ids, members, kinds, titles, bodies, times, locales, params, beforeContact)))
                .map(rows -> {
                    Map<String, Long> stored = new LinkedHashMap<>();
                    for (Row row : rows) {
                        stored.put(row.getString(0), row.getLong(1));
                    }
                    return stored;
                });
    }

    /** Newest first, strictly before the cursor position (occurredAt, id) when one is given. */
    public Uni<List<Notification>> page(String memberId, Instant beforeTime, String beforeId, int limit) {
        if (beforeTime == null) {
            return Notification.<Notification>find("memberId = ?1 order by occurredAt desc, notificationId desc",
                    memberId).page(0, limit).list();
        }
        return Notification.<Notification>find("memberId = :m and (occurredAt < :t or (occurredAt = :t and "
                        + "notificationId < :id)) order by occurredAt desc, notificationId desc",
                Parameters.with("m", memberId).and("t", beforeTime).and("id", beforeId)).page(0, limit).list();
    }

    /** Marks one of the member's notices read (a second time keeps the first time); false if the member has no such notice. */
    public Uni<Boolean> markRead(String memberId, String notificationId) {
        return pool.preparedQuery("update notification set read_at = coalesce(read_at, now()) "
                        + "where member_id = $1 and notification_id = $2")
                .execute(Tuple.of(memberId, notificationId))
                .map(result -> result.rowCount() == 1);
    }

    /** Marks every unread notice of the member read; how many were unread. */
    public Uni<Integer> markAllRead(String memberId) {
        return pool.preparedQuery("update notification set read_at = now() where member_id = $1 and read_at is null")
                .execute(Tuple.of(memberId))
                .map(SqlResult::rowCount);
    }

    public Uni<Long> unread(String memberId) {
        return pool.preparedQuery("select count(*) from notification where member_id = $1 and read_at is null")
                .execute(Tuple.of(memberId))
                .map(rows -> rows.iterator().next().getLong(0));
    }
}
