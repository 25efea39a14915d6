package io.pointsplatform.system;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.pointsplatform.testing.Tokens;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A member's first minutes across four processes: enrolment at earning-service, its credits through
 * the outbox and Kafka, folded by ledger-service, seen by redemption- and notification-service.
 */
class EnrolmentJourneyTest {

    private static Platform platform;

    @BeforeAll
    static void start() throws Exception {
        platform = Platform.start("earning-service", "ledger-service", "redemption-service", "notification-service");
    }

    @AfterAll
    static void stop() throws Exception {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void aReferredFriendsBonusesReachEveryServiceThatReadsTheLog() {
        String referrer = "m-" + UUID.randomUUID();
        String friend = "m-" + UUID.randomUUID();
        String earning = platform.url("earning-service");
        given().auth().oauth2(Tokens.checkout()).baseUri(earning).contentType(ContentType.JSON).body(Map.of("memberId", referrer))
                .post("/api/v1/members").then().statusCode(201);
        given().auth().oauth2(Tokens.checkout()).baseUri(earning).contentType(ContentType.JSON).body(Map.of("memberId", friend, "referredBy", referrer))
                .post("/api/v1/members").then().statusCode(201);

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            given().auth().oauth2(Tokens.analyst()).baseUri(platform.url("ledger-service")).get("/api/v1/accounts/{id}", referrer)
                    .then().statusCode(200).body("available", equalTo(200)).body("lifetimeEarned", equalTo(200));
            given().auth().oauth2(Tokens.analyst()).baseUri(platform.url("ledger-service")).get("/api/v1/accounts/{id}", friend)
                    .then().statusCode(200).body("available", equalTo(200));
            given().auth().oauth2(Tokens.checkout()).baseUri(platform.url("redemption-service")).get("/api/v1/members/{id}/payment-capacity", friend)
                    .then().statusCode(200).body("availablePoints", equalTo(200));
            given().auth().oauth2(Tokens.analyst()).baseUri(platform.url("notification-service")).get("/api/v1/members/{id}/notifications", friend)
                    .then().statusCode(200).body("items.kind", hasItem("member.enrolled"));
        });
    }
}
