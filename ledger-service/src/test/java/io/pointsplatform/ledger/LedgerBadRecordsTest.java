package io.pointsplatform.ledger;

import static io.pointsplatform.ledger.LogRecordsSupport.DLQ;
import static io.pointsplatform.ledger.LogRecordsSupport.WAIT;
import static io.pointsplatform.ledger.LogRecordsSupport.header;
import static io.pointsplatform.ledger.LogRecordsSupport.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.Topics;
import io.pointsplatform.ledger.account.repository.AccountStore;
import io.pointsplatform.testing.BadRecords;
import io.pointsplatform.testing.PlatformTestResource;
import io.pointsplatform.testing.TestEvents;
import io.pointsplatform.testing.TopicReader;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * ledger-service's consumer of points.ledger survives every kind of bad record: each goes to
 * points.ledger.dlq.ledger-service, once, with the reason in its headers, and the good record sent
 * after them (in the same partition, the same poll) is applied.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "ledger"))
class LedgerBadRecordsTest {

    @Inject
    AccountStore store;

    @Inject
    Pool pool;

    @Test
    void eachKindOfBadRecordIsDeadLetteredWithItsReasonAndTheNextRecordIsApplied() {
        String memberId = TestEvents.memberOnPartition("bad-", 3);
        CloudEvent good = TestEvents.earned(memberId, 42);
        // Each bad record, and a piece of the reason it must be given.
        Map<String, String> bad = BadRecords.forPointsLedger(memberId);
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        bad.keySet().forEach(value -> records.add(TestEvents.record(Topics.POINTS_LEDGER, 3, memberId, value)));
        records.add(TestEvents.record(Topics.POINTS_LEDGER, 3, memberId, write(good)));
        PlatformTestResource.kafka().produceStrings().fromRecords(records).awaitCompletion(WAIT);

        LogRecordsSupport.awaitEarned(store, pool, memberId, 42);
        List<ConsumerRecord<String, String>> dead = TopicReader.await(DLQ, r -> bad.containsKey(r.value()), bad.size(), WAIT);
        for (ConsumerRecord<String, String> letter : dead) {
            assertThat(header(letter, "dead-letter-reason")).as(letter.value()).contains(bad.get(letter.value()));
            assertThat(header(letter, "dead-letter-exception-class-name")).isEqualTo("io.pointsplatform.events.EventFormatException");
            assertThat(header(letter, "dead-letter-topic")).isEqualTo(Topics.POINTS_LEDGER);
            assertThat(header(letter, "dead-letter-partition")).isEqualTo("3");
            assertThat(letter.key()).isEqualTo(memberId);
        }
        assertThat(dead).extracting(ConsumerRecord::value).containsExactlyInAnyOrderElementsOf(bad.keySet());
        // Once each, and nothing of the member's but the good credit was applied.
        assertThat(TopicReader.deadLetters(DLQ, r -> bad.containsKey(r.value()))).hasSize(bad.size());
        assertThat(LogRecordsSupport.account(store, pool, memberId).lots()).hasSize(1);
        assertThat(TopicReader.all(DLQ, r -> write(good).equals(r.value()))).isEmpty();
    }

    /**
     * A record whose bytes are not UTF-8 (here a credit with a byte 0xFF in its lot id) is not JSON:
     * set aside as such, as a rebuild and verify, which read the log as bytes, refuse it too. Until
     * 2026-12-08 Kafka's StringDeserializer made U+FFFD of the byte, the ledger applied the credit,
     * and every later rebuild was refused (LOG_INCOMPLETE: the log held fewer events than the ledger).
     */
    @Test
    void aRecordThatIsNotUtf8IsSetAsideAndTheRebuildAgrees() {
        String memberId = TestEvents.memberOnPartition("utf8-", 3);
        String json = write(TestEvents.earned(memberId, 9));
        int at = json.indexOf("\"lotId\":\"lot-") + "\"lotId\":\"lot-".length();
        byte[] before = json.substring(0, at).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] after = json.substring(at).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] value = new byte[before.length + 1 + after.length];
        System.arraycopy(before, 0, value, 0, before.length);
        value[before.length] = (byte) 0xFF;
        System.arraycopy(after, 0, value, before.length + 1, after.length);
        long offset = TestEvents.publishBytes(Topics.POINTS_LEDGER, 3, memberId, value);
        TestEvents.publish(Topics.POINTS_LEDGER, TestEvents.earned(memberId, 4));

        LogRecordsSupport.awaitEarned(store, pool, memberId, 4);
        ConsumerRecord<String, String> letter = TopicReader.await(DLQ, r -> memberId.equals(r.key())
                && String.valueOf(offset).equals(header(r, "dead-letter-offset")), 1, WAIT).getFirst();
        assertThat(header(letter, "dead-letter-reason")).isEqualTo("malformed JSON: not UTF-8 (byte " + before.length + ")");
        assertThat(LogRecordsSupport.account(store, pool, memberId).lots()).hasSize(1);
        Callers.asAdmin().post("/api/v1/admin/rebuild").then().statusCode(200);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(90)).untilAsserted(() ->
                Callers.asAnalyst().get("/api/v1/admin/verify").then().statusCode(200)
                        .body("mismatchCount", org.hamcrest.Matchers.equalTo(0)));
    }

    @Test
    void aRecordTooLargeToSetAsideWholeIsSetAsideCutAndTheNextRecordIsApplied() {
        String memberId = TestEvents.memberOnPartition("huge-", 3);
        long offset = TestEvents.publishHuge(Topics.POINTS_LEDGER, 3, memberId);
        TestEvents.publish(Topics.POINTS_LEDGER, TestEvents.earned(memberId, 17));

        LogRecordsSupport.awaitEarned(store, pool, memberId, 17);
        TopicReader.assertSetAsideCut(DLQ, Topics.POINTS_LEDGER, 3, offset, memberId);
        // Read in a later poll than the huge one's: the consumer still runs.
        TestEvents.publish(Topics.POINTS_LEDGER, TestEvents.earned(memberId, 5));
        LogRecordsSupport.awaitEarned(store, pool, memberId, 22);
    }
}
