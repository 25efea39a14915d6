package io.pointsplatform.redemption;

import static org.assertj.core.api.Assertions.assertThat;

import io.pointsplatform.events.Account;
import io.pointsplatform.events.AccountSnapshots;
import io.pointsplatform.events.Allocation;
import io.pointsplatform.events.Origin;
import io.pointsplatform.events.OriginKind;
import io.pointsplatform.events.PointsAdjusted;
import io.pointsplatform.events.PointsEarned;
import io.pointsplatform.events.PointsReserved;
import io.pointsplatform.events.PointsSpent;
import io.pointsplatform.events.TierChanged;
import io.pointsplatform.testing.LocalPostgres;
import io.pointsplatform.testing.ScratchDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Migration V3 moves the member view from one snapshot per member to rows: a database with
 * snapshots in it comes out with the same accounts, to the nanosecond (catalog-service's V3 is the
 * same text).
 */
class MemberViewMigrationTest {

    @RegisterExtension
    final ScratchDatabase database = new ScratchDatabase("redemption_migration");

    @Test
    void snapshotsBecomeRowsWithTheSameAccounts() throws Exception {
        Instant t = Instant.parse("2026-03-01T08:00:00.123456789Z");
        Account busy = new Account("m-busy");
        busy.apply(new PointsEarned("m-busy", "lot-a", 300, new Origin(OriginKind.ORDER, "o-1"), List.of(),
                t, t.plusSeconds(86_400 * 365)));
        busy.apply(new PointsEarned("m-busy", "lot-b", 50, new Origin(OriginKind.SIGNUP, "m-busy"), List.of(),
                t.minusSeconds(60), t.plusSeconds(86_400 * 30)));
        busy.apply(new PointsAdjusted("m-busy", "adj-1", 20, "lot-c", t.plusSeconds(3_600), null, "goodwill", "a", "b"));
        busy.apply(new PointsSpent("m-busy", null, 50, List.of(new Allocation("lot-b", 50)), "pay-1"));
        busy.apply(new PointsReserved("m-busy", "h-1", 120, List.of(new Allocation("lot-c", 20),
                new Allocation("lot-a", 100)), t.plusSeconds(900), "rd-1"));
        busy.apply(new TierChanged("m-busy", "MEMBER", "SILVER", 0));
        Account quiet = new Account("m-quiet \"quoted\"");

        try (Connection c = database.connect()) {
            LocalPostgres.migrate(c, "V1__foundation.sql", "V2__text_snapshot.sql");
            try (PreparedStatement insert = c.prepareStatement(
                     "insert into member_points (member_id, snapshot, updated_at) values (?, ?, ?)")) {
                for (Account account : List.of(busy, quiet)) {
                    insert.setString(1, account.memberId());
                    insert.setString(2, AccountSnapshots.toJson(account));
                    insert.setObject(3, OffsetDateTime.of(2026, 3, 2, 0, 0, 0, 0, ZoneOffset.UTC));
                    insert.executeUpdate();
                }
            }
            LocalPostgres.migrate(c, "V3__member_view_rows.sql");
        }

        var stored = ViewRows.read(database.url(), Set.of(busy.memberId(), quiet.memberId()));
        assertThat(stored).hasSize(2);
        assertThat(stored.get(busy.memberId())).isEqualTo(busy.snapshot());
        assertThat(stored.get(quiet.memberId())).isEqualTo(quiet.snapshot());
        assertThat(stored.get(busy.memberId()).holds().get("h-1"))
                .as("a hold's allocations keep their order")
                .containsExactly(new Allocation("lot-c", 20), new Allocation("lot-a", 100));
    }
}
