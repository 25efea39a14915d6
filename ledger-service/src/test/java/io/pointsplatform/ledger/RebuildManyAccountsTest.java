package io.pointsplatform.ledger;

import static io.pointsplatform.ledger.Callers.asAdmin;
import static io.pointsplatform.ledger.Callers.asAnalyst;
import static io.pointsplatform.ledger.Callers.asService;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItems;

import io.pointsplatform.events.Account;
import io.pointsplatform.events.AccountSnapshots;
import io.pointsplatform.events.PointsEvent;
import io.pointsplatform.events.Topics;
import io.pointsplatform.testing.LocalPostgres;
import io.pointsplatform.testing.PlatformTestResource;
import io.pointsplatform.testing.TestEvents;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * A rebuild writes its accounts in many statements at once (a few hundred rows each, on several
 * connections): with more accounts than fit in two of them, every account is written, and ones
 * changed behind the ledger's back in different statements' share are all put right.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "ledger"))
class RebuildManyAccountsTest {

    private static final int MEMBERS = 620;

    @ConfigProperty(name = "points.test.database")
    String database;

    @Test
    void aRebuildOfManyStatementsWritesEveryAccount() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> members = new ArrayList<>();
        List<ProducerRecord<String, String>> credits = new ArrayList<>();
        for (int i = 0; i < MEMBERS; i++) {
            String memberId = "many-" + run + "-" + i;
            members.add(memberId);
            credits.add(TestEvents.record(Topics.POINTS_LEDGER, TestEvents.earned(memberId, 100)));
            credits.add(TestEvents.record(Topics.POINTS_LEDGER, TestEvents.earned(memberId, 1 + i)));
        }
        PlatformTestResource.kafka().produceStrings().fromRecords(credits).awaitCompletion();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(count(
                "select count(*) from entry where member_id like 'many-" + run + "-%'")).isEqualTo(2L * MEMBERS));

        List<String> tampered = List.of(members.get(0), members.get(MEMBERS / 2), members.get(MEMBERS - 1));
        try (Connection c = connection(); var s = c.prepareStatement(
                "update member_points set snapshot = jsonb_set(snapshot::jsonb, '{tier}', '\"GOLD\"')::text where member_id = ?")) {
            for (String memberId : tampered) {
                s.setString(1, memberId);
                assertThat(s.executeUpdate()).isEqualTo(1);
            }
        }
        // And an account the log knows nothing of (verify looks for these after the replay).
        String ghost = "many-" + run + "-ghost";
        Account made = new Account(ghost);
        made.apply((PointsEvent) TestEvents.earned(ghost, 5).data());
        try (Connection c = connection(); var s = c.prepareStatement(
                "insert into member_points (member_id, snapshot, updated_at) values (?, ?, now())")) {
            s.setString(1, ghost);
            s.setString(2, AccountSnapshots.toJson(made));
            assertThat(s.executeUpdate()).isEqualTo(1);
        }
        List<String> expected = new ArrayList<>(tampered);
        expected.add(ghost);
        asAnalyst().get("/api/v1/admin/verify").then().statusCode(200)
                .body("mismatches.memberId", hasItems(expected.toArray(String[]::new)));

        asAdmin().post("/api/v1/admin/rebuild").then().statusCode(200)
                .body("accounts", greaterThanOrEqualTo(MEMBERS))
                // The topic is shared with other tests, some of which write unreadable records on purpose.
                .body("refusedRecords.findAll { it.contains('many-" + run + "') }.size()", equalTo(0));
        asAnalyst().get("/api/v1/admin/verify").then().statusCode(200).body("mismatchCount", equalTo(0));
        // The ghost is gone: the rebuilt table holds what the log says, and nothing else.
        assertThat(count("select count(*) from member_points where member_id like 'many-" + run + "-%'"))
                .isEqualTo(MEMBERS);
        for (String memberId : tampered) {
            asService().get("/api/v1/accounts/{m}", memberId).then().statusCode(200).body("tier", equalTo("MEMBER"))
                    .body("available", equalTo(101 + Integer.parseInt(memberId.substring(memberId.lastIndexOf('-') + 1))));
        }
    }

    private Connection connection() throws Exception {
        return DriverManager.getConnection(LocalPostgres.jdbcUrl(database), LocalPostgres.USER, LocalPostgres.PASSWORD);
    }

    private long count(String sql) throws Exception {
        try (Connection c = connection(); var rows = c.createStatement().executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
