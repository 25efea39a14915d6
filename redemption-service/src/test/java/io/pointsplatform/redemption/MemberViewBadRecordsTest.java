package io.pointsplatform.redemption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pointsplatform.events.Account;
import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.EventCodec;
import io.pointsplatform.events.Topics;
import io.pointsplatform.kit.view.MemberPointsProjector;
import io.pointsplatform.testing.BadRecords;
import io.pointsplatform.testing.PlatformTestResource;
import io.pointsplatform.testing.TestEvents;
import io.pointsplatform.testing.TopicReader;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * redemption-service's member view (service-kit MemberPointsConsumer on points.ledger) survives every kind
 * of bad record: each goes to points.ledger.dlq.redemption-service, once, with the reason in its headers,
 * and the credit sent after them (same partition, same poll) is applied. A credit off its member's
 * partition is left out; the ledger's copy on the member's partition is applied, once.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "redemption"))
@WithTestResource(FakeServices.class)
class MemberViewBadRecordsTest {

    private static final EventCodec CODEC = new EventCodec();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String DLQ = Topics.dlq(Topics.POINTS_LEDGER, "redemption-service");

    @Inject
    MemberPointsProjector projector;

    @Test
    void eachKindOfBadRecordIsDeadLetteredWithItsReasonAndTheNextCreditIsApplied() {
        String memberId = TestEvents.memberOnPartition("view-bad-", 2);
        Map<String, String> bad = BadRecords.forPointsLedger(memberId);
        CloudEvent good = TestEvents.earned(memberId, 42);
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        bad.keySet().forEach(value -> records.add(TestEvents.record(Topics.POINTS_LEDGER, 2, memberId, value)));
        records.add(TestEvents.record(Topics.POINTS_LEDGER, 2, memberId, CODEC.write(good)));
        PlatformTestResource.kafka().produceStrings().fromRecords(records).awaitCompletion(WAIT);

        awaitAvailable(memberId, 42);
        List<ConsumerRecord<String, String>> dead = TopicReader.await(DLQ, r -> bad.containsKey(r.value()), bad.size(), WAIT);
        for (ConsumerRecord<String, String> letter : dead) {
            assertThat(header(letter, "dead-letter-reason")).as(letter.value()).contains(bad.get(letter.value()));
            assertThat(header(letter, "dead-letter-topic")).isEqualTo(Topics.POINTS_LEDGER);
            assertThat(header(letter, "dead-letter-partition")).isEqualTo("2");
            assertThat(letter.key()).isEqualTo(memberId);
        }
        assertThat(dead).extracting(ConsumerRecord::value).containsExactlyInAnyOrderElementsOf(bad.keySet());
        assertThat(TopicReader.deadLetters(DLQ, r -> bad.containsKey(r.value()))).hasSize(bad.size());
        assertThat(find(memberId).orElseThrow().lots()).hasSize(1);
    }

    @Test
    void aCreditOffItsMembersPartitionIsLeftOutAndItsCopyOnThePartitionAppliedOnce() {
        String memberId = TestEvents.memberOnPartition("view-stray-", 4);
        CloudEvent credit = TestEvents.earned(memberId, 9);
        PlatformTestResource.kafka().produceStrings().fromRecords(
                TestEvents.record(Topics.POINTS_LEDGER, 0, memberId, CODEC.write(credit))).awaitCompletion(WAIT);
        // Read after it on the same partition: once it is applied, the stray one was passed.
        String marker = TestEvents.memberOnPartition("view-marker-", 0);
        TestEvents.publish(Topics.POINTS_LEDGER, TestEvents.earned(marker, 1));
        awaitAvailable(marker, 1);
        assertThat(find(memberId)).isEmpty();
        assertThat(TopicReader.all(DLQ, r -> memberId.equals(r.key()))).isEmpty();

        // The ledger's copy on the member's partition, the same event (delivered twice): applied once.
        TestEvents.publish(Topics.POINTS_LEDGER, credit);
        TestEvents.publish(Topics.POINTS_LEDGER, credit);
        TestEvents.publish(Topics.POINTS_LEDGER, TestEvents.earned(memberId, 1));
        awaitAvailable(memberId, 10);
    }

    private Optional<Account> find(String memberId) {
        return projector.find(memberId).await().atMost(WAIT);
    }

    private void awaitAvailable(String memberId, long points) {
        await().atMost(WAIT).untilAsserted(() -> {
            Optional<Account> account = find(memberId);
            assertThat(account).as("view of %s", memberId).isPresent();
            assertThat(account.get().balance(Instant.now()).available()).isEqualTo(points);
        });
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        assertThat(record.headers().lastHeader(name)).as("header " + name).isNotNull();
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
