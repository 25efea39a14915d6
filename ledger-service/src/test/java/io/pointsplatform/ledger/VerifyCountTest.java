package io.pointsplatform.ledger;

import static io.pointsplatform.ledger.LogRecordsSupport.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import io.pointsplatform.events.Topics;
import io.pointsplatform.ledger.account.replay.LedgerAudit;
import io.pointsplatform.ledger.account.replay.LedgerRebuild;
import io.pointsplatform.ledger.account.repository.AccountStore;
import io.pointsplatform.testing.LocalPostgres;
import io.pointsplatform.testing.PlatformTestResource;
import io.pointsplatform.testing.TestEvents;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * verify counts every member that differs ({@code mismatchCount}), lists the first hundred in member
 * order, and says how many it listed and whether that is all of them.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "ledger"))
class VerifyCountTest {

    private static final int MEMBERS = 103;

    @Inject
    AccountStore store;

    @Inject
    Pool pool;

    @Inject
    LedgerAudit audit;

    @Inject
    LedgerRebuild rebuild;

    @ConfigProperty(name = "points.test.database")
    String database;

    @Test
    void theCountIsOfEveryMismatchAndTheListSaysHowManyItHolds() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> members = new ArrayList<>();
        List<ProducerRecord<String, String>> credits = new ArrayList<>();
        for (int i = 0; i < MEMBERS; i++) {
            String memberId = String.format("count-%s-%03d", run, i);
            members.add(memberId);
            credits.add(TestEvents.record(Topics.POINTS_LEDGER, TestEvents.earned(memberId, 10 + i)));
        }
        PlatformTestResource.kafka().produceStrings().fromRecords(credits).awaitCompletion(WAIT);
        for (int i = 0; i < MEMBERS; i++) {
            LogRecordsSupport.awaitEarned(store, pool, members.get(i), 10 + i);
        }
        // What other tests changed behind the ledger's back is put right first: the counts are this test's.
        rebuild.rebuild().await().atMost(WAIT);

        tamper(members.subList(0, 2));
        LedgerAudit.Report two = audit.verify().await().atMost(WAIT);
        assertThat(two.mismatchCount()).isEqualTo(2);
        assertThat(two.mismatchesListed()).isEqualTo(2);
        assertThat(two.mismatches()).hasSize(2);
        assertThat(two.mismatchesTruncated()).isFalse();

        tamper(members.subList(2, MEMBERS));
        LedgerAudit.Report all = audit.verify().await().atMost(WAIT);
        assertThat(all.mismatchCount()).isEqualTo(MEMBERS);
        assertThat(all.mismatchesListed()).isEqualTo(100);
        assertThat(all.mismatches()).hasSize(100);
        assertThat(all.mismatchesTruncated()).isTrue();
        // The first hundred in member order.
        assertThat(all.mismatches()).extracting(LedgerAudit.Mismatch::memberId)
                .containsExactlyElementsOf(members.subList(0, 100));

        rebuild.rebuild().await().atMost(WAIT);
        LedgerAudit.Report none = audit.verify().await().atMost(WAIT);
        assertThat(none.mismatchCount()).isZero();
        assertThat(none.mismatchesListed()).isZero();
        assertThat(none.mismatchesTruncated()).isFalse();
    }

    /** Changes these members' tier behind the ledger's back. */
    private void tamper(List<String> members) throws Exception {
        try (Connection c = DriverManager.getConnection(LocalPostgres.jdbcUrl(database), LocalPostgres.USER,
                LocalPostgres.PASSWORD); var s = c.prepareStatement("update member_points set snapshot ="
                + " jsonb_set(snapshot::jsonb, '{tier}', '\"GOLD\"')::text where member_id = ?")) {
            for (String memberId : members) {
                s.setString(1, memberId);
                assertThat(s.executeUpdate()).isEqualTo(1);
            }
        }
    }
}
