package io.pointsplatform.ledger;

import static io.pointsplatform.ledger.Callers.asService;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.pointsplatform.events.Account;
import io.pointsplatform.events.AccountSnapshots;
import io.pointsplatform.events.Topics;
import io.pointsplatform.testing.LocalPostgres;
import io.pointsplatform.testing.PlatformTestResource;
import io.pointsplatform.testing.TestEvents;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * An account's snapshot is written now and then, not on every change (V9): the row holds the
 * entries up to {@code snapshot_seq}, and the entries after it are the rest of the account.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "ledger"))
class SnapshotTest {

    private static final int CREDITS = 40;

    @ConfigProperty(name = "points.test.database")
    String database;

    @Test
    void anAccountIsItsLastSnapshotAndTheEntriesAfterIt() throws Exception {
        String memberId = "snap-" + UUID.randomUUID();
        List<ProducerRecord<String, String>> credits = new ArrayList<>();
        for (int i = 0; i < CREDITS; i++) {
            credits.add(TestEvents.record(Topics.POINTS_LEDGER, TestEvents.earned(memberId, 1)));
        }
        PlatformTestResource.kafka().produceStrings().fromRecords(credits).awaitCompletion();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asService().get("/api/v1/accounts/{m}", memberId)
                .then().statusCode(200).body("available", equalTo(CREDITS)));

        try (Connection c = connection()) {
            Account inSnapshot;
            long pending;
            try (var read = c.prepareStatement("select snapshot, (select count(*) from entry e where e.member_id = m.member_id"
                    + " and e.seq > m.snapshot_seq), snapshot_seq > 0 from member_points m where member_id = ?")) {
                read.setString(1, memberId);
                try (var rows = read.executeQuery()) {
                    assertThat(rows.next()).isTrue();
                    inSnapshot = AccountSnapshots.fromJson(rows.getString(1));
                    pending = rows.getLong(2);
                    assertThat(rows.getBoolean(3)).as("a snapshot was written since the empty one").isTrue();
                }
            }
            // Written when at least 16 events had come since the last one (an empty account): 16 to
            // 40 lots, depending on how the credits were batched, and the entries after it the rest.
            assertThat(inSnapshot.lotCount()).isBetween(16, CREDITS);
            assertThat(inSnapshot.lotCount() + pending).isEqualTo(CREDITS);
            assertThat(pending).isLessThan(16);
            assertThat(AccountRows.current(c, memberId).snapshot().lots()).hasSize(CREDITS);

            // Not taken from memory (a new version, as another instance's write would give): the
            // ledger reads the snapshot and the entries after it, and holds every point.
            try (var bump = c.prepareStatement("update member_points set version = nextval('member_points_version')"
                    + " where member_id = ?")) {
                bump.setString(1, memberId);
                assertThat(bump.executeUpdate()).isEqualTo(1);
            }
        }
        double missesBefore = HoldTest.metric("points_ledger_account_cache_total{result=\"miss\"}");
        asService().contentType(ContentType.JSON).body(Map.of("holdId", "all", "points", CREDITS))
                .post("/api/v1/accounts/{m}/holds", memberId).then().statusCode(201);
        assertThat(HoldTest.metric("points_ledger_account_cache_total{result=\"miss\"}")).isGreaterThan(missesBefore);
        asService().contentType(ContentType.JSON).body(Map.of("holdId", "one-more", "points", 1))
                .post("/api/v1/accounts/{m}/holds", memberId).then().statusCode(409)
                .body("code", equalTo("INSUFFICIENT_POINTS"));
        asService().get("/api/v1/accounts/{m}", memberId).then().statusCode(200)
                .body("available", equalTo(0)).body("reserved", equalTo(CREDITS));
    }

    private Connection connection() throws Exception {
        return DriverManager.getConnection(LocalPostgres.jdbcUrl(database), LocalPostgres.USER, LocalPostgres.PASSWORD);
    }
}
