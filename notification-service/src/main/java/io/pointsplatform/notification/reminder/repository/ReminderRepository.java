package io.pointsplatform.notification.reminder.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The statements of the reminder job: lots of the member view ({@code member_lot}) due a reminder,
 * and the reminders made ({@code expiry_reminder}, once per lot and window by its key). Their notices
 * are stored as every notice is (NotificationService#storeIn).
 */
@ApplicationScoped
public class ReminderRepository {

    /** A lot with points left, as the member view has it. */
    public record DueLot(String memberId, String lotId, long remaining, Instant expiresAt) {
    }

    /**
     * Lots with points left expiring by $1 without a reminder of lead $2: every such lot of the
     * members of the first $3 of them in expiry order, by member. The first read follows the expiry
     * instant's index (V33) in its order, so it reads the lots due within the window and stops at
     * the limit, whatever the planner knows; the second reads each of those members' lots by key (lateral), so a
     * member's due lots come in one batch (one reminder), not split across batches.
     */
    public static final String DUE = """
            with first as (
                select distinct l.member_id
                from (select l.member_id from member_lot l
                      where lot_instant(l.expires_at) <= $1 and l.remaining > 0
                        and not exists (select 1 from expiry_reminder r
                                        where r.member_id = l.member_id and r.lot_id = l.lot_id and r.lead_seconds = $2)
                      order by lot_instant(l.expires_at) limit $3) l)
            select l.member_id, l.lot_id, l.remaining, l.expires_at
            from first f cross join lateral (
                select l.member_id, l.lot_id, l.remaining, l.expires_at from member_lot l
                where l.member_id = f.member_id and lot_instant(l.expires_at) <= $1 and l.remaining > 0
                  and not exists (select 1 from expiry_reminder r
                                  where r.member_id = l.member_id and r.lot_id = l.lot_id and r.lead_seconds = $2)) l
            order by l.member_id, l.lot_id""";

    /**
     * Lots with points left that expire at or before {@code horizon} and have no reminder of the
     * window {@code leadSeconds} yet, by member: those of the members of the first {@code limit} to
     * expire (so at least {@code limit} lots while that many are due). Read by the expiry instant's
     * index (V33): a run reads the lots that expire within the window, not every lot.
     */
    public Uni<List<DueLot>> due(SqlConnection connection, Instant horizon, long leadSeconds, int limit) {
        return connection.preparedQuery(DUE)
                .execute(Tuple.of(utc(horizon), leadSeconds, limit))
                .map(rows -> {
                    List<DueLot> due = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        due.add(new DueLot(row.getString("member_id"), row.getString("lot_id"), row.getLong("remaining"),
                                Instant.parse(row.getString("expires_at"))));
                    }
                    return due;
                });
    }

    /**
     * Records the reminder of one window for these lots of one member; answers the lots it was
     * recorded for now (not those another run recorded first).
     */
    public Uni<Set<String>> record(SqlConnection connection, String memberId, List<String> lotIds, long leadSeconds,
            String window, String eventId, Instant remindedAt) {
        int n = lotIds.size();
        String[] members = new String[n];
        Long[] leads = new Long[n];
        String[] windows = new String[n];
        String[] events = new String[n];
        for (int i = 0; i < n; i++) {
            members[i] = memberId;
            leads[i] = leadSeconds;
            windows[i] = window;
            events[i] = eventId;
        }
        return connection.preparedQuery("insert into expiry_reminder (member_id, lot_id, lead_seconds, reminder_window,"
                        + " event_id, reminded_at) select u.*, $6 from unnest($1::text[], $2::text[], $3::bigint[],"
                        + " $4::text[], $5::text[]) as u on conflict do nothing returning lot_id")
                .execute(Tuple.of(members, lotIds.toArray(String[]::new), leads, windows, events, utc(remindedAt)))
                .map(rows -> {
                    Set<String> recorded = new HashSet<>();
                    for (Row row : rows) {
                        recorded.add(row.getString("lot_id"));
                    }
                    return recorded;
                });
    }

    /** The windows a member's lot was reminded in, by lead, for tests and support. */
    public Uni<List<String>> remindersOf(SqlConnection connection, String memberId) {
        return connection.preparedQuery("select lot_id, reminder_window, event_id from expiry_reminder"
                        + " where member_id = $1 order by lot_id, lead_seconds desc")
                .execute(Tuple.of(memberId))
                .map(rows -> {
                    List<String> all = new ArrayList<>();
                    for (Row row : rows) {
                        all.add(row.getString("lot_id") + " " + row.getString("reminder_window") + " "
                                + row.getString("event_id"));
                    }
                    return all;
                });
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
