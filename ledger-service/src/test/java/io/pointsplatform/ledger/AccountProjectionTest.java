package io.pointsplatform.ledger;

import static io.pointsplatform.ledger.Callers.asAnalyst;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.EventCodec;
import io.pointsplatform.events.Topics;
import io.pointsplatform.testing.PlatformTestResource;
import io.pointsplatform.testing.TestEvents;
import io.pointsplatform.testing.TopicReader;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.pointsplatform.events.Allocation;
import io.pointsplatform.events.PointsEarned;
import io.pointsplatform.events.PointsSpent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The projection against a real broker and a real database: credits fold in, once each. */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "ledger"))
class AccountProjectionTest {

    private final EventCodec codec = new EventCodec();

    @Test
    void aCreditOnTheLogBecomesAvailablePointsOnce() {
        String memberId = "m-" + UUID.randomUUID();
        CloudEvent earned = TestEvents.earned(memberId, 120);

        publish(memberId, codec.write(earned));
        publish(memberId, codec.write(earned));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asAnalyst().get("/api/v1/accounts/{id}", memberId)
                .then().statusCode(200)
                .body("available", equalTo(120))
                .body("lifetimeEarned", equalTo(120))
                .body("tier", equalTo("MEMBER")));
        // A later credit proves the consumer moved past the duplicate without applying it twice.
        publish(memberId, codec.write(TestEvents.earned(memberId, 5)));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asAnalyst().get("/api/v1/accounts/{id}", memberId)
                .then().statusCode(200).body("available", equalTo(125)).body("lifetimeEarned", equalTo(125)));
    }

    @Test
    void anUnreadableRecordGoesToTheDeadLetterTopicAndConsumptionGoesOn() {
        String memberId = "m-" + UUID.randomUUID();
        String dlq = Topics.dlq(Topics.POINTS_LEDGER, "ledger-service");
        ConsumerTask<String, String> dead = PlatformTestResource.kafka().consumeStrings()
                .fromTopics(dlq, 1, Duration.ofSeconds(60));

        publish(memberId, "{\"specversion\":\"1.0\",\"id\":\"broken-" + memberId + "\"");
        publish(memberId, codec.write(TestEvents.earned(memberId, 7)));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asAnalyst().get("/api/v1/accounts/{id}", memberId)
                .then().statusCode(200).body("available", equalTo(7)));
        List<org.apache.kafka.clients.consumer.ConsumerRecord<String, String>> records =
                dead.awaitCompletion().getRecords();
        assertThat(records).anySatisfy(r -> {
            assertThat(r.key()).isEqualTo(memberId);
            assertThat(new String(r.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8))
                    .isNotBlank();
        });
    }

    @Test
    void aBatchWithRecordsItCannotApplyAppliesTheRestOnceAndSendsTheBadOnesAside() {
        String run = UUID.randomUUID().toString();
        String dlq = Topics.dlq(Topics.POINTS_LEDGER, "ledger-service");
        ConsumerTask<String, String> dead = PlatformTestResource.kafka().consumeStrings()
                .fromTopics(dlq, Duration.ofSeconds(60));
        List<String> members = new ArrayList<>();
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        Map<String, Long> expected = new HashMap<>();
        for (int i = 0; i < 40; i++) {
            members.add("m-" + run + "-" + i);
        }
        String stranger = "nobody-" + run;
        for (int n = 0; n < 600; n++) {
            String memberId = members.get(n % members.size());
            CloudEvent credit = TestEvents.earned(memberId, 1 + n % 7);
            expected.merge(memberId, 1L + n % 7, Long::sum);
            records.add(new ProducerRecord<>(Topics.POINTS_LEDGER, memberId, codec.write(credit)));
            if (n % 50 == 0) {
                // Delivered twice in the same batch: counts once.
                records.add(new ProducerRecord<>(Topics.POINTS_LEDGER, memberId, codec.write(credit)));
            }
            if (n == 100) {
                records.add(new ProducerRecord<>(Topics.POINTS_LEDGER, stranger, "{\"specversion\":\"1.0\""));
            }
            if (n == 300) {
                // A debit of a member who has no account: the fold refuses it, alone.
                CloudEvent credit0 = TestEvents.earned(stranger, 5);
                PointsEarned lot = (PointsEarned) credit0.data();
                records.add(new ProducerRecord<>(Topics.POINTS_LEDGER, stranger, codec.write(CloudEvent.of(
                        "points.spent:" + run, "/ledger-service", stranger, Instant.now(), new PointsSpent(stranger,
                                null, 5, List.of(new Allocation(lot.lotId(), 5)), "test")))));
            }
        }
        PlatformTestResource.kafka().produceStrings().fromRecords(records).awaitCompletion();

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (String memberId : members) {
                asAnalyst().get("/api/v1/accounts/{id}", memberId).then().statusCode(200)
                        .body("available", equalTo(expected.get(memberId).intValue()))
                        .body("lifetimeEarned", equalTo(expected.get(memberId).intValue()));
            }
        });
        // Two records set aside, each at least once (TopicReader.onePerSource).
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(TopicReader.onePerSource(
                        dead.getRecords().stream().filter(r -> stranger.equals(r.key())).toList())).hasSize(2)
                .allSatisfy(r -> assertThat(new String(r.headers().lastHeader("dead-letter-reason").value(),
                        StandardCharsets.UTF_8)).isNotBlank()));
        dead.stop();
        asAnalyst().get("/api/v1/accounts/{id}", stranger).then().statusCode(404);
    }

    @Test
    void anUnknownAccountIsAProblemNotAnError() {
        asAnalyst().get("/api/v1/accounts/{id}", "nobody-" + UUID.randomUUID())
                .then().statusCode(404)
                .contentType("application/problem+json")
                .body("code", equalTo("NOT_FOUND"));
        asAnalyst().get("/api/v1/accounts/{id}", "bad id with spaces")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("code", equalTo("VALIDATION_FAILED"));
    }

    private static void publish(String key, String value) {
        TestEvents.publishRaw(Topics.POINTS_LEDGER, key, value);
    }
}
