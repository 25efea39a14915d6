package io.pointsplatform.redemption;

import io.pointsplatform.events.AccountFigures;
import io.pointsplatform.events.AccountState;
import io.pointsplatform.events.Allocation;
import io.pointsplatform.events.Lot;
import io.pointsplatform.events.OriginKind;
import io.pointsplatform.testing.LocalPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The member view's tables read back by plain JDBC, as whole account states, for tests to compare. */
final class ViewRows {

    private ViewRows() {
    }

    /**
     * The whole state of each member the view has, from its three tables, checked as a snapshot is.
     * Read in one repeatable-read transaction, as the view's own find() reads: the view may be
     * applying a batch meanwhile, and three reads at read committed could see a hold without its lot.
     */
    static Map<String, AccountState> read(String jdbcUrl, Set<String> memberIds) throws SQLException {
        Map<String, AccountFigures> figures = new HashMap<>();
        Map<String, List<Lot>> lots = new HashMap<>();
        Map<String, Map<String, List<Allocation>>> holds = new HashMap<>();
        try (Connection c = DriverManager.getConnection(jdbcUrl, LocalPostgres.USER, LocalPostgres.PASSWORD)) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setReadOnly(true);
            java.sql.Array members = c.createArrayOf("text", memberIds.toArray());
            eachRow(c, "select member_id, tier, lifetime_earned, spent, expired, reversed, debt, adjusted_in,"
                    + " adjusted_out, reserved from member_account where member_id = any(?)", members, row ->
                    figures.put(row.getString(1), new AccountFigures(row.getString(1), row.getString(2), row.getLong(3),
                            row.getLong(4), row.getLong(5), row.getLong(6), row.getLong(7), row.getLong(8),
                            row.getLong(9), row.getLong(10))));
            eachRow(c, "select member_id, lot_id, points, remaining, available_at, expires_at, origin"
                    + " from member_lot where member_id = any(?)", members, row ->
                    lots.computeIfAbsent(row.getString(1), m -> new ArrayList<>()).add(new Lot(row.getString(2),
                            row.getLong(3), row.getLong(4),
                            row.getString(5) == null ? null : Instant.parse(row.getString(5)),
                            Instant.parse(row.getString(6)),
                            row.getString(7) == null ? null : OriginKind.valueOf(row.getString(7)))));
            eachRow(c, "select member_id, hold_id, lot_ids, points from member_hold where member_id = any(?)", members,
                    row -> {
                        String[] lotIds = (String[]) row.getArray(3).getArray();
                        Long[] points = (Long[]) row.getArray(4).getArray();
                        List<Allocation> allocations = new ArrayList<>();
                        for (int i = 0; i < lotIds.length; i++) {
                            allocations.add(new Allocation(lotIds[i], points[i]));
                        }
                        holds.computeIfAbsent(row.getString(1), m -> new HashMap<>()).put(row.getString(2), allocations);
                    });
            c.commit();
        }
        Map<String, AccountState> stored = new HashMap<>();
        figures.forEach((memberId, f) -> stored.put(memberId,
                f.with(lots.getOrDefault(memberId, List.of()), holds.getOrDefault(memberId, Map.of()))));
        return stored;
    }

    private interface RowReader {
        void read(ResultSet row) throws SQLException;
    }

    private static void eachRow(Connection c, String sql, java.sql.Array members, RowReader reader) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setArray(1, members);
            try (ResultSet rows = s.executeQuery()) {
                while (rows.next()) {
                    reader.read(rows);
                }
            }
        }
    }

}
