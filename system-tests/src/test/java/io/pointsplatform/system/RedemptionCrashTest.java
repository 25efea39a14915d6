package io.pointsplatform.system;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import io.pointsplatform.testing.Tokens;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * redemption-service dies between the hold and the capture (its saga halted there by fault
 * injection, then the process killed): the member's points are held, not gone; restarted, the
 * recovery job finishes the saga, so the member has the reward and paid for it once.
 */
class RedemptionCrashTest {

    private static Platform platform;
    private static Spending shop;

    @BeforeAll
    static void start() throws Exception {
        platform = Platform.start(Map.of("redemption-service/points.redemption.halt-at", "HELD"),
                "earning-service", "ledger-service", "catalog-service", "redemption-service");
        shop = new Spending(platform);
    }

    @AfterAll
    static void stop() throws Exception {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void aSagaLeftBetweenHoldAndCaptureIsFinishedAfterARestart() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String memberId = shop.enrol("crash-" + run, 1).get(0);
        String gift = shop.reward(Map.of("rewardId", "crash-" + run, "name", "台灯", "kind", "GIFT", "pointsCost", 70, "stock", 2));

        Response answer = shop.redeem(memberId, gift, "crash-" + run);
        assertThat(answer.statusCode()).as(answer.asString()).isEqualTo(202);
        String redemptionId = answer.path("redemptionId");
        String ledger = platform.url("ledger-service");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().auth().oauth2(Tokens.analyst()).baseUri(ledger)
                .get("/api/v1/accounts/{m}", memberId).then().body("reserved", equalTo(70)).body("available", equalTo(30)));

        ServiceProcess redemption = platform.service("redemption-service");
        redemption.kill();
        redemption.restart(Map.of("points.redemption.halt-at", ""));

        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> given().auth().oauth2(Tokens.member(memberId))
                .baseUri(redemption.url()).get("/api/v1/redemptions/{id}", redemptionId).then()
                .body("status", equalTo("COMPLETED")).body("pointsSpent", equalTo(70)));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().auth().oauth2(Tokens.analyst()).baseUri(ledger)
                .get("/api/v1/accounts/{m}", memberId).then()
                .body("reserved", equalTo(0)).body("spent", equalTo(70)).body("available", equalTo(30)));
        given().auth().oauth2(Tokens.admin()).baseUri(platform.url("catalog-service")).get("/api/v1/rewards/{id}", gift)
                .then().body("stock", equalTo(1));
        // The broker is shared with the other test classes, whose members this fresh ledger met only
        // half-way: this member's account is the one to check.
        given().auth().oauth2(Tokens.admin()).baseUri(ledger).get("/api/v1/admin/verify").then().statusCode(200)
                .body("mismatchesTruncated", equalTo(false)).body("mismatches.memberId", not(hasItem(memberId)));
    }
}
