package io.pointsplatform.system;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.pointsplatform.events.Topics;
import io.pointsplatform.testing.TopicReader;
import io.pointsplatform.testing.Tokens;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ledger killed after a hold's commit and before its publish: the hold stands (the account
 * says so at once) and points.reserved reaches the log when the ledger is back, exactly as
 * decided; coming back from the log it changes nothing.
 */
class LedgerCrashTest {

    private static Platform platform;

    @BeforeAll
    static void start() throws Exception {
        platform = Platform.start(Map.of("ledger-service/points.outbox.enabled", "false"),
                "earning-service", "ledger-service");
    }

    @AfterAll
    static void stop() throws Exception {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void aHoldCommittedBeforeACrashIsPublishedAfterIt() throws Exception {
        String memberId = "m-" + UUID.randomUUID();
        ServiceProcess ledger = platform.service("ledger-service");
        given().auth().oauth2(Tokens.checkout()).baseUri(platform.url("earning-service")).contentType(ContentType.JSON).body(Map.of("memberId", memberId))
                .post("/api/v1/members").then().statusCode(201);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().auth().oauth2(Tokens.analyst()).baseUri(ledger.url())
                .get("/api/v1/accounts/{m}", memberId).then().statusCode(200).body("available", equalTo(100)));

        given().auth().oauth2(Tokens.member(memberId)).baseUri(ledger.url()).contentType(ContentType.JSON).body(Map.of("holdId", "h-crash", "points", 60))
                .post("/api/v1/accounts/{m}/holds", memberId).then().statusCode(201);
        ledger.kill();
        ledger.restart(Map.of("points.outbox.enabled", "true"));

        String reserved = TopicReader.await(Topics.POINTS_LEDGER,
                r -> memberId.equals(r.key()) && r.value().contains("\"points.reserved\""), 1, Duration.ofSeconds(60))
                .get(0).value();
        assertThat(reserved).contains("\"holdId\":\"h-crash\"").contains("\"points\":60");
        Thread.sleep(2_000);
        given().auth().oauth2(Tokens.analyst()).baseUri(ledger.url()).get("/api/v1/accounts/{m}", memberId).then()
                .body("available", equalTo(40)).body("reserved", equalTo(60));
        given().auth().oauth2(Tokens.member(memberId)).baseUri(ledger.url()).post("/api/v1/accounts/{m}/holds/h-crash/capture", memberId).then().statusCode(201);
        given().auth().oauth2(Tokens.admin()).baseUri(ledger.url()).get("/api/v1/admin/verify").then().statusCode(200);
    }
}
