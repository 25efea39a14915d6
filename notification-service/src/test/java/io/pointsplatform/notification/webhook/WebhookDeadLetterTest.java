package io.pointsplatform.notification.webhook;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.Topics;
import io.pointsplatform.testing.PlatformTestResource;
import io.pointsplatform.testing.TestEvents;
import io.pointsplatform.testing.Tokens;
import io.pointsplatform.testing.WebhookReceiver;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** With a retry window of two seconds: a delivery no one accepts in it is DEAD, listed, and sent again on request. */
@QuarkusTest
@TestProfile(WebhookDeadLetterTest.ShortWindow.class)
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "notification"))
class WebhookDeadLetterTest {

    public static class ShortWindow implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("points.webhooks.retry-window", "2s");
        }
    }

    @Test
    void aDeliveryRefusedThroughItsWindowIsDeadThenSentAgainOnRequest() {
        try (WebhookReceiver receiver = new WebhookReceiver().answering(500)) {
            String id = WebhookTest.register(receiver.url(), "points.earned").path("webhookId");
            String memberId = "m-wh-dead-" + UUID.randomUUID();
            CloudEvent first = TestEvents.earned(memberId, 1);
            CloudEvent second = TestEvents.earned(memberId, 2);
            TestEvents.publish(Topics.POINTS_LEDGER, first);
            TestEvents.publish(Topics.POINTS_LEDGER, second);

            await().atMost(WebhookTest.WAIT).untilAsserted(() -> given().auth().oauth2(Tokens.admin())
                    .get("/api/v1/webhooks/{id}/dead-letters", id).then().statusCode(200)
                    .body("items", hasSize(2))
                    .body("items[0].eventId", equalTo(first.id()))
                    .body("items[0].status", equalTo("DEAD"))
                    .body("items[0].lastStatus", equalTo(500))
                    .body("items[1].eventId", equalTo(second.id())));
            assertThat(receiver.calls()).isGreaterThanOrEqualTo(2);
            Number deliveryId = given().auth().oauth2(Tokens.admin()).get("/api/v1/webhooks/{id}/dead-letters", id)
                    .then().extract().path("items[1].deliveryId");

            receiver.answering(200);
            given().auth().oauth2(Tokens.admin())
                    .post("/api/v1/webhooks/{id}/dead-letters/{d}/resend", id, deliveryId.longValue())
                    .then().statusCode(202).body("status", equalTo("PENDING")).body("eventId", equalTo(second.id()));
            await().atMost(WebhookTest.WAIT).until(() -> receiver.received().size() == 1);
            assertThat(receiver.received().get(0).header("webhook-id")).isEqualTo(second.id());
            given().auth().oauth2(Tokens.admin()).get("/api/v1/webhooks/{id}/dead-letters", id).then().statusCode(200)
                    .body("items", hasSize(1)).body("items[0].eventId", equalTo(first.id()));
            given().auth().oauth2(Tokens.admin())
                    .post("/api/v1/webhooks/{id}/dead-letters/{d}/resend", id, deliveryId.longValue())
                    .then().statusCode(409).body("code", equalTo("DELIVERY_NOT_DEAD"));
            given().auth().oauth2(Tokens.admin())
                    .post("/api/v1/webhooks/{id}/dead-letters/{d}/resend", id, 999_999_999L)
                    .then().statusCode(404).body("code", equalTo("NOT_FOUND"));
            WebhookTest.delete(id);
        }
    }
}
