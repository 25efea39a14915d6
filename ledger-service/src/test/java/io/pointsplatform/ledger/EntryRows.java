package io.pointsplatform.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.OffsetDateTime;

/** Ledger entries written straight into a migration test's database, one statement for all rows. */
final class EntryRows {

    private static final String INSERT = "insert into entry (member_id, event_id, type, points, reference, event, occurred_at)"
            + " select * from unnest(?::text[], ?::text[], ?::text[], ?::bigint[], ?::text[], ?::text[], ?::timestamptz[])"
            + " on conflict (event_id) do nothing";

    private EntryRows() {
    }

    /**
     * Rows of {member, event id, type, points (int), reference, occurredAt (ISO text)}, or of seven with
     * the event's JSON before occurredAt; six-column rows get the event {@code {}}.
     */
    static void insert(Connection c, Object[][] rows) throws Exception {
        int n = rows.length;
        Object[][] columns = new Object[7][n];
        for (int i = 0; i < n; i++) {
            Object[] row = rows[i];
            boolean withEvent = row.length == 7;
            columns[0][i] = row[0];
            columns[1][i] = row[1];
            columns[2][i] = row[2];
            columns[3][i] = ((Integer) row[3]).longValue();
            columns[4][i] = row[4];
            columns[5][i] = withEvent ? row[5] : "{}";
            columns[6][i] = OffsetDateTime.parse((String) row[withEvent ? 6 : 5]);
        }
        String[] types = {"text", "text", "text", "bigint", "text", "text", "timestamptz"};
        try (PreparedStatement insert = c.prepareStatement(INSERT)) {
            for (int k = 0; k < 7; k++) {
                insert.setArray(k + 1, c.createArrayOf(types[k], columns[k]));
            }
            insert.executeUpdate();
        }
    }
}
