package io.pointsplatform.system;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.pointsplatform.testing.Tokens;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A service killed after its database commit and before the publish still publishes: the event
 * waits in the outbox and the relay sends it when the service is back. The relay is held back
 * ({@code points.outbox.enabled=false}) so that the kill lands exactly in that window.
 */
class OutboxCrashTest {

    private static Platform platform;

    @BeforeAll
    static void start() throws Exception {
        platform = Platform.start(Map.of("earning-service/points.outbox.enabled", "false"),
                "earning-service", "ledger-service");
    }

    @AfterAll
    static void stop() throws Exception {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void aCommittedCreditIsPublishedAfterAKillBeforeItsPublish() throws Exception {
        String memberId = "m-" + UUID.randomUUID();
        ServiceProcess earning = platform.service("earning-service");
        given().auth().oauth2(Tokens.checkout()).baseUri(earning.url()).contentType(ContentType.JSON).body(Map.of("memberId", memberId))
                .post("/api/v1/members").then().statusCode(201);

        // Committed, not published: the ledger has nothing for the member.
        Thread.sleep(2_000);
        given().auth().oauth2(Tokens.analyst()).baseUri(platform.url("ledger-service")).get("/api/v1/accounts/{id}", memberId).then().statusCode(404);

        earning.kill();
        earning.restart(Map.of("points.outbox.enabled", "true"));

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                given().auth().oauth2(Tokens.analyst()).baseUri(platform.url("ledger-service")).get("/api/v1/accounts/{id}", memberId)
                        .then().statusCode(200).body("available", equalTo(100)));
        // The repeat of the enrolment after the crash is answered from the database, and credits nothing more.
        given().auth().oauth2(Tokens.checkout()).baseUri(earning.url()).contentType(ContentType.JSON).body(Map.of("memberId", memberId))
                .post("/api/v1/members").then().statusCode(200);
        Thread.sleep(2_000);
        given().auth().oauth2(Tokens.analyst()).baseUri(platform.url("ledger-service")).get("/api/v1/accounts/{id}", memberId)
                .then().statusCode(200).body("available", equalTo(100)).body("lifetimeEarned", equalTo(100));
    }
}
