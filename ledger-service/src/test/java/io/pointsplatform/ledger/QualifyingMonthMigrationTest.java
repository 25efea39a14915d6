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
 * Migration V7: {@code qualifying_month} starts equal to the qualifying entries already recorded,
 * and its triggers keep it equal to them through inserts (several rows, repeats ignored) and deletes.
 */
class QualifyingMonthMigrationTest {

    /** What qualifying_month must hold: qualifying entries summed per member and UTC month. */
    private static final String FROM_ENTRIES = "select member_id || ' ' || date_trunc('month', occurred_at at time zone 'UTC')::date,"
            + " sum(points) from entry where type = 'points.earned' and reference not like 'TIER_BONUS:%'"
            + " group by 1 having sum(points) <> 0";

    private static final String KEPT = "select member_id || ' ' || month, points from qualifying_month where points <> 0";


    @RegisterExtension
    final ScratchDatabase database = new ScratchDatabase("ledger_migration");

    @Test
    void monthSumsStartFromTheHistoryAndFollowIt() throws Exception {
        try (Connection c = database.connect()) {
            LocalPostgres.migrate(c, "V1__foundation.sql", "V2__ledger.sql", "V3__hold_reference.sql", "V4__hold_lookup.sql",
                    "V5__text_documents.sql", "V6__qualifying_index.sql");
            // Before V7: credits either side of a UTC month's end (in Shanghai both are 1 March),
            // a tier bonus, a spend and an adjustment, which do not qualify.
            EntryRows.insert(c, new Object[][] {
                    {"m-1", "e-1", "points.earned", 100, "ORDER:o-1", "2026-02-28T15:59:59.999999Z"},
                    {"m-1", "e-2", "points.earned", 40, "ORDER:o-2", "2026-02-28T16:00:00Z"},
                    {"m-1", "e-3", "points.earned", 7, "ORDER:o-3", "2026-03-31T23:59:59.999999Z"},
                    {"m-1", "e-4", "points.earned", 1000, "TIER_BONUS:SILVER", "2026-03-02T00:00:00Z"},
                    {"m-1", "e-5", "points.spent", 30, "pay-1", "2026-03-02T00:00:00Z"},
                    {"m-2", "e-6", "points.adjusted", 500, "adj-1", "2026-03-02T00:00:00Z"},
                    {"m-2", "e-7", "points.earned", 5, "", "2026-04-01T00:00:00Z"}});
            LocalPostgres.migrate(c, "V7__qualifying_months.sql");
            assertThat(LocalPostgres.longsByKey(c, KEPT)).isEqualTo(Map.of("m-1 2026-02-01", 140L, "m-1 2026-03-01", 7L,
                    "m-2 2026-04-01", 5L));

            // Several rows in one statement, one of them a repeat (not inserted, not counted).
            EntryRows.insert(c, new Object[][] {
                    {"m-1", "e-8", "points.earned", 3, "ORDER:o-8", "2026-03-15T00:00:00Z"},
                    {"m-3", "e-9", "points.earned", 9, "ORDER:o-9", "2026-05-01T00:00:00Z"},
                    {"m-3", "e-10", "points.earned", 1000, "TIER_BONUS:GOLD", "2026-05-01T00:00:00Z"},
                    {"m-1", "e-1", "points.earned", 100, "ORDER:o-1", "2026-02-28T15:59:59.999999Z"}});
            try (Statement s = c.createStatement()) {
                assertThat(s.executeUpdate("delete from entry where event_id in ('e-2', 'e-4', 'e-7')")).isEqualTo(3);
            }
            assertThat(LocalPostgres.longsByKey(c, KEPT)).isEqualTo(LocalPostgres.longsByKey(c, FROM_ENTRIES))
                    .isEqualTo(Map.of("m-1 2026-02-01", 100L, "m-1 2026-03-01", 10L, "m-3 2026-05-01", 9L));
        }
    }
}
