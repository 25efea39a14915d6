package io.pointsplatform.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.pointsplatform.testing.LocalPostgres;
import io.pointsplatform.testing.ScratchDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Migration V9: until then every snapshot held every entry of its member, so each account's
 * {@code snapshot_seq} starts at its member's last entry (0 without any), and no entry is left
 * after it to be applied a second time.
 */
class SnapshotPositionMigrationTest {

    @RegisterExtension
    final ScratchDatabase database = new ScratchDatabase("ledger_snapshot_migration");

    @Test
    void everySnapshotStartsAtItsMembersLastEntry() throws Exception {
        try (Connection c = database.connect()) {
            LocalPostgres.migrate(c, "V1__foundation.sql", "V2__ledger.sql", "V3__hold_reference.sql", "V4__hold_lookup.sql",
                    "V5__text_documents.sql", "V6__qualifying_index.sql", "V7__qualifying_months.sql",
                    "V8__account_versions.sql");
            try (Statement s = c.createStatement()) {
                s.executeUpdate("insert into member_points (member_id, snapshot, updated_at)"
                        + " values ('m-1', '{}', now()), ('m-2', '{}', now()), ('m-3', '{}', now())");
                // Interleaved, so that a member's last entry is not the last of all.
                s.executeUpdate("insert into entry (member_id, event_id, type, points, reference, event, occurred_at)"
                        + " select m, 'e-' || n, 'points.earned', 1, '', '{}', now()"
                        + " from unnest(array['m-1', 'm-2', 'm-1', 'm-2', 'm-1']) with ordinality as t(m, n) order by n");
            }
            Map<String, Long> last = LocalPostgres.longsByKey(c, "select member_id, max(seq) from entry group by member_id");
            LocalPostgres.migrate(c, "V9__snapshot_position.sql");

            assertThat(LocalPostgres.longsByKey(c, "select member_id, snapshot_seq from member_points"))
                    .isEqualTo(Map.of("m-1", last.get("m-1"), "m-2", last.get("m-2"), "m-3", 0L));
            assertThat(last.get("m-2")).isLessThan(last.get("m-1"));
            try (Statement s = c.createStatement(); ResultSet rows = s.executeQuery("select count(*) from entry e"
                    + " join member_points m on m.member_id = e.member_id where e.seq > m.snapshot_seq")) {
                rows.next();
                assertThat(rows.getLong(1)).isZero();
            }
        }
    }
}
