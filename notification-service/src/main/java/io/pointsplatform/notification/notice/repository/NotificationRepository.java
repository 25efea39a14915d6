package io.pointsplatform.notification.notice.repository;

import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlResult;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@ApplicationScoped
public class NotificationRepository {

    /** A repeat (its event delivered again, in this batch or before) changes nothing. */
    private static final String INSERT_ONCE = """
            insert into notification (notification_id, member_id, kind, title, body, occurred_at)
            select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[])
            on conflict (notification_id) do nothing""";

    private final Pool pool;

    public NotificationRepository(Pool pool) {
        this.pool = pool;
    }

    /** Stores each notification unless its id is stored already, in one statement; completes with how many were new. */
    public Uni<Integer> insertOnce(List<Notification> notifications) {
        Map<String, Notification> byId = new LinkedHashMap<>();
        for (Notification n : notifications) {
            byId.putIfAbsent(n.notificationId, n);
        }
        if (byId.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        int size = byId.size();
        String[] ids = new String[size];
        String[] members = new String[size];
        String[] kinds = new String[size];
        String[] titles = new String[size];
        String[] bodies = new String[size];
        OffsetDateTime[] times = new OffsetDateTime[size];
        int i = 0;
        for (Notification n : byId.values()) {
            ids[i] = n.notificationId;
            members[i] = n.memberId;
            kinds[i] = n.kind;
            titles[i] = n.title;
            bodies[i] = n.body;
            times[i] = OffsetDateTime.ofInstant(n.occurredAt, ZoneOffset.UTC);
            i++;
        }
        return pool.preparedQuery(INSERT_ONCE)
                .execute(Tuple.of(ids, members, kinds, titles, bodies, times))
                .map(SqlResult::rowCount);
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
}
