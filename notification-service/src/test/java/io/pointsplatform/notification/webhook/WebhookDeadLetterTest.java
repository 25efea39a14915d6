package io.pointsplatform.notification.webhook;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.Topics;
import io.pointsplatform.testing.LocalPostgres;
import io.pointsplatform.testing.PlatformTestResource;
import io.pointsplatform.testing.TestEvents;
import io.pointsplatform.testing.Tokens;
import io.pointsplatform.testing.WebhookReceiver;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
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

    @ConfigProperty(name = "points.test.database")
    String database;

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

    /**
     * A receiver whose status line holds U+0000: the HTTP client's error quotes the line, and
     * PostgreSQL refuses U+0000 in text (22021). Until 2026-12-07 that error was stored as it came, so
     * the one statement that records every ended attempt of a dispatch failed: the delivery stayed
     * leased for ever and never became DEAD, and the outcomes of other endpoints' attempts in that
     * statement were lost (sent again at their lease's end). Now the error is stored without it.
     */
    @Test
    void anErrorQuotingAStatusLineWithNulIsStoredWithoutItAndEveryOutcomeIsRecorded() throws Exception {
        try (RawReceiver nul = new RawReceiver("HTTP/1.1 2\0\0 OK\r\ncontent-length: 0\r\n\r\n");
             WebhookReceiver healthy = new WebhookReceiver()) {
            String badId = WebhookTest.register(nul.url(), "points.earned").path("webhookId");
            String healthyId = WebhookTest.register(healthy.url(), "points.earned").path("webhookId");
            try {
                CloudEvent earned = TestEvents.earned("m-wh-nul-" + UUID.randomUUID(), 3);
                TestEvents.publish(Topics.POINTS_LEDGER, earned);

                await().atMost(WebhookTest.WAIT).untilAsserted(() -> given().auth().oauth2(Tokens.admin())
                        .get("/api/v1/webhooks/{id}/dead-letters", badId).then().statusCode(200)
                        .body("items", hasSize(1))
                        .body("items[0].eventId", equalTo(earned.id()))
                        .body("items[0].lastStatus", equalTo(null)));
                String lastError = given().auth().oauth2(Tokens.admin())
                        .get("/api/v1/webhooks/{id}/dead-letters", badId).then().extract().path("items[0].lastError");
                assertThat(lastError).contains("HTTP/1.1 2 OK").doesNotContainPattern("\\p{Cntrl}");
                assertThat(nul.accepted()).as("attempts at the bad receiver").isGreaterThanOrEqualTo(2);

                assertThat(healthy.received()).extracting(r -> r.header("webhook-id")).containsExactly(earned.id());
                try (Connection c = DriverManager.getConnection(LocalPostgres.jdbcUrl(database), LocalPostgres.USER,
                        LocalPostgres.PASSWORD);
                     var s = c.prepareStatement("select status, attempts from webhook_delivery where endpoint_id = ?")) {
                    s.setString(1, healthyId);
                    try (var rows = s.executeQuery()) {
                        assertThat(rows.next()).isTrue();
                        assertThat(List.of(rows.getString(1), rows.getInt(2))).containsExactly("DELIVERED", 1);
                    }
                }
            } finally {
                WebhookTest.delete(badId);
                WebhookTest.delete(healthyId);
            }
        }
    }
}
