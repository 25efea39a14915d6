package io.pointsplatform.notification.notice.repository;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;

@ApplicationScoped
public class NotificationRepository {

    private static final String INSERT_ONCE = """
            insert into notification (notification_id, member_id, kind, title, body, occurred_at)
            values (?1, ?2, ?3, ?4, ?5, ?6) on conflict (notification_id) do nothing""";

    /** True if stored now, false if this notification (its event) was stored before. */
    public Uni<Boolean> insertOnce(Notification n) {
        return Panache.getSession().chain(session -> session.createNativeQuery(INSERT_ONCE)
                        .setParameter(1, n.notificationId)
                        .setParameter(2, n.memberId)
                        .setParameter(3, n.kind)
                        .setParameter(4, n.title)
                        .setParameter(5, n.body)
                        .setParameter(6, n.occurredAt)
                        .executeUpdate())
                .map(inserted -> inserted == 1);
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
