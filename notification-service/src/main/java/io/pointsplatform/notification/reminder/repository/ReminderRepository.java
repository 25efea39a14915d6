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

    /**
     * A lot due a reminder, as the member view has it: its points left ({@code remaining}) and the
     * points open holds take from it ({@code held}, {@code member_hold}).
     */
    public record DueLot(String memberId, String lotId, long remaining, long held, Instant expiresAt) {

        /**
         * What the reminder tells of this lot: every point of it the ledger will expire unless the
         * member uses it. The ledger's {@code points.expired} at the lot's date takes {@code remaining}
         * only; held points stay with their hold: a capture spends them, a release (cancelled, failed,
         * or the hold's TTL) gives them back to the lot, which past its date the ledger expires on its
         * next run, without another reminder (the lot's was in time). Counting only
         * {@code remaining} (as until 2026-12-07) told a member fewer points than then expired.
         */
        public long points() {
            return remaining + held;
        }
    }

    /**
     * Lots with points left or held expiring by $1 without a reminder of lead $2: every such lot of
     * the members of the first $3 of them in expiry order, by member, with the points open holds take
     * from it ({@code held}). The first read follows the expiry instant's index (V33) in its order, so
     * it reads the lots with points left due within the window and stops at the limit, whatever the
     * planner knows; beside it, the lots whose points are all held are found from the open holds
     * (few: they last minutes) by key. The second reads each of those members' lots by key (lateral),
     * so a member's due lots come in one batch (one reminder), not split across batches.
     */
    public static final String DUE = """
            with first as (
                select distinct d.member_id
                from ((select l.member_id, lot_instant(l.expires_at) as due_at from member_lot l
                       where lot_instant(l.expires_at) <= $1 and l.remaining > 0
                         and not exists (select 1 from expiry_reminder r
                                         where r.member_id = l.member_id and r.lot_id = l.lot_id and r.lead_seconds = $2)
                       order by lot_instant(l.expires_at) limit $3)
                      union all
                      (select l.member_id, lot_instant(l.expires_at) as due_at
                       from member_hold h cross join lateral (
                           select l.member_id, l.expires_at from member_lot l
                           where l.member_id = h.member_id and l.lot_id = any(h.lot_ids) and l.remaining = 0
                             and lot_instant(l.expires_at) <= $1
                             and not exists (select 1 from expiry_reminder r
                                             where r.member_id = l.member_id and r.lot_id = l.lot_id
                                               and r.lead_seconds = $2)) l
                       order by 2 limit $3)
                      order by due_at limit $3) d)
            select l.member_id, l.lot_id, l.remaining, l.expires_at,
                   coalesce((select sum(u.points) from member_hold h
                                 cross join lateral unnest(h.lot_ids, h.points) as u(lot_id, points)
                             where h.member_id = l.member_id and u.lot_id = l.lot_id), 0)::bigint as held
            from first f cross join lateral (
                select l.member_id, l.lot_id, l.remaining, l.expires_at from member_lot l
                where l.member_id = f.member_id and lot_instant(l.expires_at) <= $1
                  and (l.remaining > 0 or exists (select 1 from member_hold h
                                                  where h.member_id = l.member_id and l.lot_id = any(h.lot_ids)))
                  and not exists (select 1 from expiry_reminder r
                                  where r.member_id = l.member_id and r.lot_id = l.lot_id and r.lead_seconds = $2)) l
            order by l.member_id, l.lot_id""";

    /**
     * Lots with points left or held that expire at or before {@code horizon} and have no reminder of
     * the window {@code leadSeconds} yet, by member: those of the members of the first {@code limit}
     * to expire (so at least {@code limit} lots while that many are due). Read by the expiry instant's
     * index (V33): a run reads the lots that expire within the window, not every lot.
     */
    public Uni<List<DueLot>> due(SqlConnection connection, Instant horizon, long leadSeconds, int limit) {
        return connection.preparedQuery(DUE)
                .execute(Tuple.of(utc(horizon), leadSeconds, limit))
                .map(rows -> {
                    List<DueLot> due = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        due.add(new DueLot(row.getString("member_id"), row.getString("lot_id"), row.getLong("remaining"),
                                row.getLong("held"), Instant.parse(row.getString("expires_at"))));
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
