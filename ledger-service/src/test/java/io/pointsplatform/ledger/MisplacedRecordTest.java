package io.pointsplatform.ledger;

import static io.pointsplatform.ledger.LogRecordsSupport.DLQ;
import static io.pointsplatform.ledger.LogRecordsSupport.WAIT;
import static io.pointsplatform.ledger.LogRecordsSupport.header;
import static io.pointsplatform.ledger.LogRecordsSupport.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pointsplatform.events.AccountState;
import io.pointsplatform.events.Allocation;
import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.PointsEarned;
import io.pointsplatform.events.PointsSpent;
import io.pointsplatform.events.Topics;
import io.pointsplatform.ledger.account.replay.LedgerAudit;
import io.pointsplatform.ledger.account.replay.LedgerRebuild;
import io.pointsplatform.ledger.account.repository.AccountStore;
import io.pointsplatform.ledger.account.service.LedgerBook;
import io.pointsplatform.testing.LocalPostgres;
import io.pointsplatform.testing.TestEvents;
import io.pointsplatform.testing.TopicReader;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.pointsplatform.testing.PlatformTestResource;
import io.smallrye.reactive.messaging.ChannelRegistry;
import io.smallrye.reactive.messaging.PausableChannel;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One member, one partition (docs/contract-extensions.md, "The log"): a record on another partition
 * than the one Kafka's default partitioner gives its member, as a producer with librdkafka's default
 * partitioner writes it, makes live and replay disagree in nothing. A credit is forwarded to the
 * member's partition (once) and the holds made on it replay; a credit an older ledger applied where it
 * found it leaves the log rebuildable; any other event found so is refused, live and in replay.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "ledger"))
class MisplacedRecordTest {

    @Inject
    AccountStore store;

    @Inject
    Pool pool;

    @Inject
    LedgerBook book;

    @Inject
    LedgerAudit audit;

    @Inject
    LedgerRebuild rebuild;

    @Inject
    ChannelRegistry channels;

    @ConfigProperty(name = "points.test.database")
    String database;

    /** A statement behind the ledger's back. */
    private void execute(String sql, Object... parameters) throws Exception {
        try (Connection c = DriverManager.getConnection(LocalPostgres.jdbcUrl(database), LocalPostgres.USER,
                LocalPostgres.PASSWORD); var s = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                s.setObject(i + 1, parameters[i]);
            }
            s.executeUpdate();
        }
    }

    /**
     * The module's tests share the ledger's database and log; a rebuild first puts right what another
     * test may have changed behind the ledger's back, so that what verify finds is this test's.
     */
    @BeforeEach
    void ledgerAsTheLogSays() {
        rebuild.rebuild().await().atMost(WAIT);
    }

    @Test
    void aCreditOnAnotherPartitionIsForwardedOnceAndTheHoldsOnItReplayAsTheyWereMade() throws Exception {
        String memberId = TestEvents.memberOnPartition("stray-", 1);
        int foreign = LogRecordsSupport.foreignPartition(memberId);
        CloudEvent credit = TestEvents.earned(memberId, 500);
        String lotId = ((PointsEarned) credit.data()).lotId();
        // As a producer with another partitioner (kcat, Python, Go) puts it: not on the member's partition.
        LogRecordsSupport.produceOn(foreign, memberId, write(credit));

        LogRecordsSupport.awaitEarned(store, pool, memberId, 500);
        List<ConsumerRecord<String, String>> copies = TopicReader.await(Topics.POINTS_LEDGER,
                r -> write(credit).equals(r.value()), 2, WAIT);
        assertThat(copies).extracting(ConsumerRecord::partition).containsExactlyInAnyOrder(foreign, 1);
        assertThat(copies).extracting(ConsumerRecord::key).containsOnly(memberId);
        assertThat(LogRecordsSupport.count(database, "select count(*) from forwarded_event where event_id = ?",
                credit.id())).isEqualTo(1);

        // Holds on the credit's lot, decided by the ledger on the member's partition.
        assertThat(book.hold(memberId, "h-1", 120, 900, "order-1").await().atMost(WAIT).data().allocations())
                .containsExactly(new Allocation(lotId, 120));
        book.hold(memberId, "h-2", 80, 900, null).await().atMost(WAIT);
        book.capture(memberId, "h-1").await().atMost(WAIT);

        // The record delivered again (a crash before its offset was committed) forwards nothing more.
        assertThat(book.consumeLog(List.of(LedgerBook.FromLog.misplaced(new AccountStore.Misplaced(credit,
                write(credit), foreign, copies.get(0).offset())))).await().atMost(WAIT)).isEmpty();
        LogRecordsSupport.awaitConsumerPast(store, pool, 1);
        assertThat(TopicReader.all(Topics.POINTS_LEDGER, r -> write(credit).equals(r.value()))).hasSize(2);

        AccountState live = LogRecordsSupport.state(store, pool, memberId);
        assertThat(live.lots()).hasSize(1);
        LedgerAudit.Report verified = audit.verify().await().atMost(WAIT);
        assertThat(verified.mismatches()).extracting(LedgerAudit.Mismatch::memberId).doesNotContain(memberId);
        assertThat(verified.mismatchCount()).isZero();
        assertThat(verified.misplacedRecords()).isPositive();
        assertThat(verified.refusedRecords()).noneMatch(why -> why.contains(credit.id()));

        LedgerRebuild.Report rebuilt = rebuild.rebuild().await().atMost(WAIT);
        assertThat(rebuilt.refusedRecords()).noneMatch(why -> why.contains(memberId));
        assertThat(LogRecordsSupport.state(store, pool, memberId)).isEqualTo(live);
        assertThat(audit.verify().await().atMost(WAIT).mismatchCount()).isZero();
    }

    @Test
    void aLogHoldingACreditAppliedWhereItWasFoundBeforeTheRuleIsRebuildableAndVerifiesClean() throws Exception {
        String memberId = TestEvents.memberOnPartition("legacy-", 4);
        int foreign = LogRecordsSupport.foreignPartition(memberId);
        CloudEvent credit = TestEvents.earned(memberId, 300);
        String lotId = ((PointsEarned) credit.data()).lotId();
        // What a ledger older than the rule did with the record it found on another partition: applied it there.
        book.consumeAll(List.of(credit)).await().atMost(WAIT);
        LogRecordsSupport.produceOn(foreign, memberId, write(credit));
        LogRecordsSupport.awaitConsumerPast(store, pool, foreign);
        // Its id is in the history: nothing to forward, and no copy on the member's partition.
        assertThat(LogRecordsSupport.count(database, "select count(*) from forwarded_event where event_id = ?",
                credit.id())).isZero();
        assertThat(TopicReader.all(Topics.POINTS_LEDGER, r -> write(credit).equals(r.value())))
                .extracting(ConsumerRecord::partition).containsExactly(foreign);

        // Debits on its lot on the member's partition: the replay before the rule refused them (its
        // partition had no such lot), so verify reported the member and a rebuild answered LOG_INCOMPLETE.
        assertThat(book.hold(memberId, "h-1", 100, 900, "order-1").await().atMost(WAIT).data().allocations())
                .containsExactly(new Allocation(lotId, 100));
        book.capture(memberId, "h-1").await().atMost(WAIT);
        book.hold(memberId, "h-2", 50, 900, null).await().atMost(WAIT);
        AccountState live = LogRecordsSupport.state(store, pool, memberId);

        LedgerAudit.Report verified = audit.verify().await().atMost(WAIT);
        assertThat(verified.mismatches()).extracting(LedgerAudit.Mismatch::memberId).doesNotContain(memberId);
        assertThat(verified.mismatchCount()).isZero();
        assertThat(verified.strayCreditsFolded()).isPositive();
        assertThat(verified.refusedRecords()).noneMatch(why -> why.contains(memberId));

        LedgerRebuild.Report rebuilt = rebuild.rebuild().await().atMost(WAIT);
        assertThat(rebuilt.strayCreditsFolded()).isPositive();
        assertThat(LogRecordsSupport.state(store, pool, memberId)).isEqualTo(live);
        assertThat(audit.verify().await().atMost(WAIT).mismatchCount()).isZero();
        // The open hold came through the rebuild: it can still be captured.
        book.capture(memberId, "h-2").await().atMost(WAIT);
        assertThat(LogRecordsSupport.account(store, pool, memberId).balance(Instant.now()).available()).isEqualTo(150);
    }

    @Test
    void aCreditTheLedgerForwardedWhoseCopyIsNotOnTheLogYetIsNotFoldedWhereItWasFound() throws Exception {
        String memberId = TestEvents.memberOnPartition("in-flight-", 0);
        int foreign = LogRecordsSupport.foreignPartition(memberId);
        CloudEvent credit = TestEvents.earned(memberId, 70);
        PausableChannel live = channels.getPausable("points-ledger");
        live.pause();
        try {
            LogRecordsSupport.produceOn(foreign, memberId, write(credit));
            // As if the live ledger had read it and forwarded it, its copy still in the outbox.
            execute("insert into forwarded_event (event_id, member_id, from_partition, from_offset) values (?, ?, ?, 0)",
                    credit.id(), memberId, foreign);
            LedgerAudit.Report verified = audit.verify().await().atMost(WAIT);
            // Neither the live ledger nor the replay has the credit yet: they agree.
            assertThat(verified.mismatches()).extracting(LedgerAudit.Mismatch::memberId).doesNotContain(memberId);
            assertThat(verified.mismatchCount()).isZero();
            assertThat(LogRecordsSupport.account(store, pool, memberId)).isNull();
        } finally {
            execute("delete from forwarded_event where event_id = ? and from_offset = 0", credit.id());
            live.resume();
        }
        // The live ledger reads it now, forwards it and applies the copy: they agree again.
        LogRecordsSupport.awaitEarned(store, pool, memberId, 70);
        assertThat(audit.verify().await().atMost(WAIT).mismatchCount()).isZero();
    }

    @Test
    void aDebitOnAnotherPartitionIsRefusedLiveAndInReplay() throws Exception {
        String memberId = TestEvents.memberOnPartition("stray-debit-", 5);
        int foreign = LogRecordsSupport.foreignPartition(memberId);
        CloudEvent credit = TestEvents.earned(memberId, 90);
        String lotId = ((PointsEarned) credit.data()).lotId();
        TestEvents.publish(Topics.POINTS_LEDGER, credit);
        LogRecordsSupport.awaitEarned(store, pool, memberId, 90);
        CloudEvent spend = CloudEvent.of("points.spent:" + memberId + ":foreign", "/somebody-else", Instant.now(),
                new PointsSpent(memberId, null, 40, List.of(new Allocation(lotId, 40)), "order-x"));
        LogRecordsSupport.produceOn(foreign, memberId, write(spend));

        ConsumerRecord<String, String> letter = TopicReader.await(DLQ, r -> write(spend).equals(r.value()), 1, WAIT).get(0);
        assertThat(header(letter, "dead-letter-exception-class-name")).isEqualTo("io.pointsplatform.kit.inbox.MisplacedRecord");
        assertThat(header(letter, "dead-letter-reason")).contains("is on partition " + foreign)
                .contains("is on partition " + TestEvents.partitionOf(memberId));
        assertThat(header(letter, "dead-letter-partition")).isEqualTo(Integer.toString(foreign));
        assertThat(LogRecordsSupport.account(store, pool, memberId).balance(Instant.now()).available()).isEqualTo(90);

        LedgerAudit.Report verified = audit.verify().await().atMost(WAIT);
        assertThat(verified.mismatchCount()).isZero();
        assertThat(verified.refusedRecords()).anyMatch(why -> why.contains(spend.id()));
        await().atMost(WAIT).untilAsserted(() ->
                assertThat(TopicReader.deadLetters(DLQ, r -> write(spend).equals(r.value()))).hasSize(1));
    }
}
