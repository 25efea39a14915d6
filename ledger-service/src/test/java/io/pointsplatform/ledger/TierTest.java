package io.pointsplatform.ledger;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.pointsplatform.events.Topics;
import io.pointsplatform.testing.PlatformTestResource;
import io.pointsplatform.testing.TestEvents;
import io.pointsplatform.testing.TopicReader;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Tiers follow the points earned in the last 12 months; an upgrade pays its bonus once. */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "ledger"))
class TierTest {

    @Test
    void reachingAThresholdExactlyUpgradesOnceWithTheBonusWhichDoesNotQualify() {
        String memberId = HoldTest.credited(1_500);
        given().get("/api/v1/accounts/{m}", memberId).then().body("tier", equalTo("MEMBER"));

        TestEvents.publish(Topics.POINTS_LEDGER, TestEvents.earned(memberId, 500));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/v1/accounts/{m}", memberId)
                .then().body("tier", equalTo("SILVER")).body("available", equalTo(3_000)));
        String changed = TopicReader.await(Topics.POINTS_LEDGER,
                r -> r.key().equals(memberId) && r.value().contains("\"tier.changed\""), 1, Duration.ofSeconds(30))
                .get(0).value();
        assertThat(changed).contains("\"from\":\"MEMBER\"").contains("\"to\":\"SILVER\"")
                .contains("\"qualifyingPoints\":2000");

        // 2 000 earned + 1 000 bonus: the bonus does not count towards GOLD (10 000).
        TestEvents.publish(Topics.POINTS_LEDGER, TestEvents.earned(memberId, 7_999));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/v1/accounts/{m}", memberId)
                .then().body("available", equalTo(10_999)));
        given().get("/api/v1/accounts/{m}", memberId).then().body("tier", equalTo("SILVER"));
        TestEvents.publish(Topics.POINTS_LEDGER, TestEvents.earned(memberId, 1));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/v1/accounts/{m}", memberId)
                .then().body("tier", equalTo("GOLD")).body("available", equalTo(12_000)));
    }

    @Test
    void creditsFoldedInOneBatchChangeTheTierAtTheSameCreditsAsOneByOne() {
        String memberId = "m-" + java.util.UUID.randomUUID();
        io.pointsplatform.events.EventCodec codec = new io.pointsplatform.events.EventCodec();
        java.util.List<org.apache.kafka.clients.producer.ProducerRecord<String, String>> records = new java.util.ArrayList<>();
        for (long points : new long[] {1_500, 500, 7_999, 1}) {
            records.add(new org.apache.kafka.clients.producer.ProducerRecord<>(Topics.POINTS_LEDGER, memberId,
                    codec.write(TestEvents.earned(memberId, points))));
        }
        PlatformTestResource.kafka().produceStrings().fromRecords(records).awaitCompletion();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/v1/accounts/{m}", memberId)
                .then().body("tier", equalTo("GOLD")).body("available", equalTo(12_000)));
        java.util.List<String> changes = TopicReader.await(Topics.POINTS_LEDGER,
                r -> r.key().equals(memberId) && r.value().contains("\"tier.changed\""), 2, Duration.ofSeconds(30))
                .stream().map(r -> r.value()).toList();
        assertThat(changes).hasSize(2);
        assertThat(changes.get(0)).contains("\"to\":\"SILVER\"").contains("\"qualifyingPoints\":2000");
        assertThat(changes.get(1)).contains("\"to\":\"GOLD\"").contains("\"qualifyingPoints\":10000");
    }
}
