package io.pointsplatform.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.pointsplatform.testing.LocalPostgres;
import io.pointsplatform.testing.ScratchDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Migration V13: each refund's qualifying points are filed under the time of the order's credit it
 * refunds (not the month of the refund), for the refunds already recorded and, by the trigger, for
 * those recorded after; the ledger's own reversals stay out, and a refund whose order's credit is not
 * there counts from its own time.
 */
class QualifyingRefundMigrationTest {

    private static final String KEPT = "select event_id || ' ' || to_char(credited_at at time zone 'UTC',"
            + " 'YYYY-MM-DD\"T\"HH24:MI:SS'), points from qualifying_refund";


    @RegisterExtension
    final ScratchDatabase database = new ScratchDatabase("ledger_refund_migration");

    @Test
    void refundsAreFiledUnderTheirOrdersCredit() throws Exception {
        try (Connection c = database.connect()) {
            LocalPostgres.migrate(c, "V1__foundation.sql", "V2__ledger.sql", "V3__hold_reference.sql",
                    "V4__hold_lookup.sql", "V5__text_documents.sql", "V6__qualifying_index.sql",
                    "V7__qualifying_months.sql", "V8__account_versions.sql", "V9__snapshot_position.sql",
                    "V10__forwarded_event.sql", "V11__expiry_reminders.sql", "V12__qualifying_refunds.sql");
            // Before V13: an order of January refunded in March (with debt and an expired part), a
            // refund whose order's credit is not here, a settlement and a tier bonus taken back.
            EntryRows.insert(c, new Object[][] {
                    {"m-1", "e-1", "points.earned", 100, "ORDER:o-1", "{}", "2025-01-10T08:00:00Z"},
                    {"m-1", "e-2", "points.reversed", 60, "o-1/r-1", refund("o-1", 60, 30, 10), "2025-03-05T09:00:00Z"},
                    {"m-1", "e-3", "points.reversed", 5, "o-x/r-x", refund("o-x", 5, 0, 0), "2025-03-06T09:00:00Z"},
                    {"m-1", "e-4", "points.reversed", 20, "debt settlement", "{\"data\":{\"points\":20}}",
                            "2025-03-07T09:00:00Z"},
                    {"m-1", "e-5", "points.reversed", 1000, "o-1/tier-bonus:SILVER", refund("o-1", 1000, 0, 0),
                            "2025-03-05T09:00:00Z"},
                    // Another member's order of the same id is not this member's credit.
                    {"m-2", "e-6", "points.earned", 50, "ORDER:o-1", "{}", "2024-12-01T00:00:00Z"}});
            LocalPostgres.migrate(c, "V13__qualifying_refunds_by_credit.sql");
            assertThat(LocalPostgres.longsByKey(c, KEPT)).isEqualTo(Map.of(
                    "e-2 2025-01-10T08:00:00", 100L, "e-3 2025-03-06T09:00:00", 5L));

            // After: a credit and its refund in one statement, a repeat (not counted again), and a
            // refund of m-2's order of the same id.
            EntryRows.insert(c, new Object[][] {
                    {"m-3", "e-7", "points.earned", 70, "ORDER:o-7", "{}", "2025-05-31T23:00:00Z"},
                    {"m-3", "e-8", "points.reversed", 70, "o-7/r-7", refund("o-7", 70, 0, 0), "2025-06-02T00:00:00Z"},
                    {"m-1", "e-2", "points.reversed", 60, "o-1/r-1", refund("o-1", 60, 30, 10), "2025-03-05T09:00:00Z"},
                    {"m-2", "e-9", "points.reversed", 50, "o-1/r-9", refund("o-1", 50, 0, 0), "2025-07-01T00:00:00Z"}});
            try (Statement s = c.createStatement()) {
                assertThat(s.executeUpdate("delete from entry where event_id = 'e-3'")).isEqualTo(1);
            }
            assertThat(LocalPostgres.longsByKey(c, KEPT)).isEqualTo(Map.of("e-2 2025-01-10T08:00:00", 100L,
                    "e-8 2025-05-31T23:00:00", 70L, "e-9 2024-12-01T00:00:00", 50L));
        }
    }

    private static String refund(String orderId, long points, long debt, long alreadyExpired) {
        return "{\"data\":{\"orderId\":\"" + orderId + "\",\"points\":" + points + ",\"debt\":" + debt
                + ",\"alreadyExpired\":" + alreadyExpired + "}}";
    }
}
