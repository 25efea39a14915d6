package io.pointsplatform.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.pointsplatform.events.Account;
import io.pointsplatform.events.AccountSnapshots;
import io.pointsplatform.events.EventCodec;
import io.pointsplatform.events.PointsEvent;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Reads and writes a {@code member_points} row behind the ledger's back, as another instance, a
 * job or a tampering hand would: the account is its snapshot with the member's entries after it
 * (V9).
 */
final class AccountRows {

    private static final EventCodec CODEC = new EventCodec();

    private AccountRows() {
    }

    /** The member's account as committed: its snapshot with the entries written after it applied. */
    static Account current(Connection c, String memberId) throws SQLException {
        try (var read = c.prepareStatement("select m.snapshot, array(select e.event from entry e"
                + " where e.member_id = m.member_id and e.seq > m.snapshot_seq order by e.seq)"
                + " from member_points m where m.member_id = ?")) {
            read.setString(1, memberId);
            try (var rows = read.executeQuery()) {
                assertThat(rows.next()).as("account of %s", memberId).isTrue();
                Account account = AccountSnapshots.fromJson(rows.getString(1));
                for (Object event : (Object[]) rows.getArray(2).getArray()) {
                    account.apply((PointsEvent) CODEC.read((String) event).data());
                }
                return account;
            }
        }
    }

    /**
     * Writes {@code snapshot} as the member's whole account: it stands for every entry so far, and
     * the row gets a new version (so the ledger reads it again rather than use what it keeps).
     */
    static void write(Connection c, String memberId, String snapshot) throws SQLException {
        try (var write = c.prepareStatement("update member_points set snapshot = ?,"
                + " snapshot_seq = (select coalesce(max(seq), 0) from entry where member_id = ?),"
                + " version = nextval('member_points_version') where member_id = ?")) {
            write.setString(1, snapshot);
            write.setString(2, memberId);
            write.setString(3, memberId);
            assertThat(write.executeUpdate()).isEqualTo(1);
        }
    }
}
