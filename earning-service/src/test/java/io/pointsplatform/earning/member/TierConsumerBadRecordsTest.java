package io.pointsplatform.earning.member;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.EventCodec;
import io.pointsplatform.events.TierChanged;
import io.pointsplatform.events.Topics;
import io.pointsplatform.testing.BadRecords;
import io.pointsplatform.testing.LocalPostgres;
import io.pointsplatform.testing.PlatformTestResource;
import io.pointsplatform.testing.TestEvents;
import io.pointsplatform.testing.TopicReader;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * earning-service's consumer of points.ledger ({@code TierConsumer}) reads every record: each kind of
 * bad record goes to points.ledger.dlq.earning-service, once, with the reason in its headers, and the
 * tier change sent after them is applied. A tier change off its member's partition is left out.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "earning"))
class TierConsumerBadRecordsTest {

    private static final EventCodec CODEC = new EventCodec();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String DLQ = Topics.dlq(Topics.POINTS_LEDGER, "earning-service");

    @ConfigProperty(name = "points.test.database")
    String database;

    @Test
    void eachKindOfBadRecordIsDeadLetteredWithItsReasonAndTheNextTierChangeIsApplied() throws Exception {
        String memberId = TestEvents.memberOnPartition("tier-bad-", 5);
        Map<String, String> bad = BadRecords.forPointsLedger(memberId);
        // Not a tier: the record refuses to be built with it, so it is written as text (as another producer might).
        bad.put(CODEC.write(tierChanged(memberId, "MEMBER", "GOLD", "unknown")).replace("\"to\":\"GOLD\"",
                "\"to\":\"GOLDEN\""), "GOLDEN");
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        bad.keySet().forEach(value -> records.add(TestEvents.record(Topics.POINTS_LEDGER, 5, memberId, value)));
        records.add(TestEvents.record(Topics.POINTS_LEDGER, 5, memberId,
                CODEC.write(tierChanged(memberId, "MEMBER", "GOLD", "good"))));
        PlatformTestResource.kafka().produceStrings().fromRecords(records).awaitCompletion(WAIT);

        await().atMost(WAIT).untilAsserted(() -> assertThat(tier(memberId)).isEqualTo("GOLD"));
        List<ConsumerRecord<String, String>> dead = TopicReader.await(DLQ, r -> bad.containsKey(r.value()), bad.size(), WAIT);
        for (ConsumerRecord<String, String> letter : dead) {
            assertThat(header(letter, "dead-letter-reason")).as(letter.value()).contains(bad.get(letter.value()));
            assertThat(header(letter, "dead-letter-topic")).isEqualTo(Topics.POINTS_LEDGER);
            assertThat(header(letter, "dead-letter-partition")).isEqualTo("5");
            assertThat(letter.key()).isEqualTo(memberId);
        }
        assertThat(dead).extracting(ConsumerRecord::value).containsExactlyInAnyOrderElementsOf(bad.keySet());
        assertThat(TopicReader.deadLetters(DLQ, r -> bad.containsKey(r.value()))).hasSize(bad.size());
    }

    @Test
    void aRecordTooLargeToSetAsideWholeIsSetAsideCutAndTheNextTierChangeIsApplied() {
        String memberId = TestEvents.memberOnPartition("tier-huge-", 4);
        long offset = TestEvents.publishHuge(Topics.POINTS_LEDGER, 4, memberId);
        TestEvents.publish(Topics.POINTS_LEDGER, tierChanged(memberId, "MEMBER", "SILVER", "after-huge"));

        await().atMost(WAIT).untilAsserted(() -> assertThat(tier(memberId)).isEqualTo("SILVER"));
        TopicReader.assertSetAsideCut(DLQ, Topics.POINTS_LEDGER, 4, offset, memberId);
        // Read in a later poll than the huge one's: the consumer still runs.
        TestEvents.publish(Topics.POINTS_LEDGER, tierChanged(memberId, "SILVER", "GOLD", "later"));
        await().atMost(WAIT).untilAsserted(() -> assertThat(tier(memberId)).isEqualTo("GOLD"));
    }

    @Test
    void aTierChangeOffItsMembersPartitionIsLeftOut() throws Exception {
        String memberId = TestEvents.memberOnPartition("tier-stray-", 0);
        PlatformTestResource.kafka().produceStrings().fromRecords(
                TestEvents.record(Topics.POINTS_LEDGER, 1, memberId,
                        CODEC.write(tierChanged(memberId, "MEMBER", "PLATINUM", "stray")))).awaitCompletion(WAIT);
        // Read after it on the same partition: once it is applied, the stray one was passed.
        String marker = TestEvents.memberOnPartition("tier-marker-", 1);
        TestEvents.publish(Topics.POINTS_LEDGER, tierChanged(marker, "MEMBER", "SILVER", "marker"));
        await().atMost(WAIT).untilAsserted(() -> assertThat(tier(marker)).isEqualTo("SILVER"));
        assertThat(tier(memberId)).isNull();
        assertThat(TopicReader.all(DLQ, r -> memberId.equals(r.key()))).isEmpty();
    }

    private static CloudEvent tierChanged(String memberId, String from, String to, String why) {
        return CloudEvent.of("tier.changed:" + memberId + ":" + why, "/ledger-service", Instant.now(),
                new TierChanged(memberId, from, to, 10_000));
    }

    private String tier(String memberId) throws Exception {
        try (Connection c = DriverManager.getConnection(LocalPostgres.jdbcUrl(database), LocalPostgres.USER,
                LocalPostgres.PASSWORD); var s = c.prepareStatement("select tier from member_tier where member_id = ?")) {
            s.setString(1, memberId);
            try (var rows = s.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        }
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        assertThat(record.headers().lastHeader(name)).as("header " + name).isNotNull();
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
