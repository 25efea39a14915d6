package io.pointsplatform.ledger;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.EventCodec;
import io.pointsplatform.events.Topics;
import io.pointsplatform.testing.PlatformTestResource;
import io.pointsplatform.testing.TestEvents;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
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

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/v1/accounts/{id}", memberId)
                .then().statusCode(200)
                .body("available", equalTo(120))
                .body("lifetimeEarned", equalTo(120))
                .body("tier", equalTo("MEMBER")));
        // A later credit proves the consumer moved past the duplicate without applying it twice.
        publish(memberId, codec.write(TestEvents.earned(memberId, 5)));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/v1/accounts/{id}", memberId)
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

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/v1/accounts/{id}", memberId)
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
    void anUnknownAccountIsAProblemNotAnError() {
        given().get("/api/v1/accounts/{id}", "nobody-" + UUID.randomUUID())
                .then().statusCode(404)
                .contentType("application/problem+json")
                .body("code", equalTo("NOT_FOUND"));
        given().get("/api/v1/accounts/{id}", "bad id with spaces")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("code", equalTo("VALIDATION_FAILED"));
    }

    private static void publish(String key, String value) {
        TestEvents.publishRaw(Topics.POINTS_LEDGER, key, value);
    }
}
