package io.pointsplatform.ledger.reminder.repository;

import io.pointsplatform.events.ExpiryReminded;
import io.pointsplatform.events.RemindedLot;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The reminders the ledger read ({@code lot_reminder}) and the lots it deferred ({@code deferred_lot}). */
@ApplicationScoped
public class ReminderStore {

    /** A reminder of one lot for one window, as first recorded. */
    public record Reminder(String lotId, long leadSeconds, Instant remindedAt) {
    }

    /** Records each lot of the reminders once per window (the first reminder read wins); one statement. */
    public Uni<Void> record(SqlConnection connection, List<Recorded> reminders) {
        List<String> members = new ArrayList<>();
        List<String> lots = new ArrayList<>();
        List<Long> leads = new ArrayList<>();
        List<String> windows = new ArrayList<>();
        List<String> times = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (Recorded recorded : reminders) {
            ExpiryReminded data = recorded.data();
            for (RemindedLot lot : data.lots()) {
                members.add(data.memberId());
                lots.add(lot.lotId());
                leads.add(data.leadSeconds());
                windows.add(data.window());
                times.add(data.remindedAt().toString());
                ids.add(recorded.eventId());
            }
        }
        if (members.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return connection.preparedQuery("insert into lot_reminder (member_id, lot_id, lead_seconds, reminder_window,"
                        + " reminded_at, event_id) select * from unnest($1::text[], $2::text[], $3::bigint[], $4::text[],"
                        + " $5::text[], $6::text[]) on conflict do nothing")
                .execute(Tuple.of(members.toArray(String[]::new), lots.toArray(String[]::new),
                        leads.toArray(Long[]::new), windows.toArray(String[]::new), times.toArray(String[]::new),
                        ids.toArray(String[]::new)))
                .replaceWithVoid();
    }

    /** An expiry.reminded read from the log, with its event id. */
    public record Recorded(String eventId, ExpiryReminded data) {
    }

    /** The member's reminders of one window, by lot id. */
    public Uni<Map<String, Instant>> remindedAt(SqlConnection connection, String memberId, long leadSeconds) {
        return connection.preparedQuery("select lot_id, reminded_at from lot_reminder where member_id = $1"
                        + " and lead_seconds = $2")
                .execute(Tuple.of(memberId, leadSeconds))
                .map(rows -> {
                    Map<String, Instant> byLot = new HashMap<>();
                    for (Row row : rows) {
                        byLot.put(row.getString("lot_id"), Instant.parse(row.getString("reminded_at")));
                    }
                    return byLot;
                });
    }

    /** Every reminder of the member's lots, for tests and the docs' examples. */
    public Uni<List<Reminder>> reminders(SqlConnection connection, String memberId) {
        return connection.preparedQuery("select lot_id, lead_seconds, reminded_at from lot_reminder where member_id = $1"
                        + " order by lot_id, lead_seconds desc")
                .execute(Tuple.of(memberId))
                .map(rows -> {
                    List<Reminder> all = new ArrayList<>();
                    for (Row row : rows) {
                        all.add(new Reminder(row.getString("lot_id"), row.getLong("lead_seconds"),
                                Instant.parse(row.getString("reminded_at"))));
                    }
                    return all;
                });
    }

    /** The expiresAt each deferred lot of the member had before its first deferral, by lot id. */
    public Uni<Map<String, Instant>> scheduledAt(SqlConnection connection, String memberId) {
        return connection.preparedQuery("select lot_id, scheduled_at from deferred_lot where member_id = $1")
                .execute(Tuple.of(memberId))
                .map(rows -> {
                    Map<String, Instant> byLot = new HashMap<>();
                    for (Row row : rows) {
                        byLot.put(row.getString("lot_id"), Instant.parse(row.getString("scheduled_at")));
                    }
                    return byLot;
                });
    }

    /** A lot deferred: the first deferral's scheduledAt is kept (a later one's is the deferred time). */
    public Uni<Void> deferred(SqlConnection connection, String memberId, String lotId, Instant scheduledAt) {
        return connection.preparedQuery("insert into deferred_lot (member_id, lot_id, scheduled_at) values ($1, $2, $3)"
                        + " on conflict do nothing")
                .execute(Tuple.of(memberId, lotId, scheduledAt.toString()))
                .replaceWithVoid();
    }
}
