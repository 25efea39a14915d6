package io.pointsplatform.notification.stream.repository;

import io.pointsplatform.notification.preference.Preferences;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A member's notices in the order they were stored (their sequence), as the live stream sends them. */
@ApplicationScoped
public class NoticeFeed {

    public record Notice(long sequence, String notificationId, String kind, String title, String body, Instant occurredAt) {
    }

    private final Pool pool;

    public NoticeFeed(Pool pool) {
        this.pool = pool;
    }

    /**
     * Up to {@code limit} notices stored after {@code sequence}, oldest first, leaving out those of
     * kinds the member opted out of on the {@code stream} channel (that kind or every kind, {@code *},
     * as the preferences stand at the read). Until 2026-12-06 the stream sent every notice, opt-outs
     * or not.
     */
    public Uni<List<Notice>> after(String memberId, long sequence, int limit) {
        return pool.preparedQuery("select sequence, notification_id, kind, title, body, occurred_at from notification n"
                        + " where member_id = $1 and sequence > $2"
                        + " and not exists (select 1 from notification_preference p where p.member_id = $1"
                        + " and p.channel = '" + Preferences.STREAM + "' and p.kind in (n.kind, '" + Preferences.EVERY_KIND
                        + "')) order by sequence limit $3")
                .execute(Tuple.of(memberId, sequence, limit)).map(rows -> {
                    List<Notice> notices = new ArrayList<>(rows.size());
                    rows.forEach(r -> notices.add(new Notice(r.getLong("sequence"), r.getString("notification_id"),
                            r.getString("kind"), r.getString("title"), r.getString("body"),
                            r.getOffsetDateTime("occurred_at").toInstant())));
                    return notices;
                });
    }

    /** The sequence of the member's latest notice; 0 when none. */
    public Uni<Long> latest(String memberId) {
        return pool.preparedQuery("select coalesce(max(sequence), 0) from notification where member_id = $1")
                .execute(Tuple.of(memberId)).map(rows -> rows.iterator().next().getLong(0));
    }
}
