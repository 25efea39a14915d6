package io.pointsplatform.catalog;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.EventCodec;
import io.pointsplatform.events.RewardUpserted;
import io.pointsplatform.events.Topics;
import io.pointsplatform.testing.PlatformTestResource;
import io.pointsplatform.testing.TestEvents;
import io.pointsplatform.testing.TopicReader;
import io.pointsplatform.testing.Tokens;
import io.restassured.specification.RequestSpecification;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Rewards through HTTP, PostgreSQL and the broker; eligibility from catalog's view of the log. */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "catalog"))
class RewardTest {

    private final EventCodec codec = new EventCodec();

    private static RequestSpecification asAdmin() {
        return given().auth().oauth2(Tokens.admin());
    }

    @Test
    void callersWithoutAValidTokenOrTheRightRoleAreRefusedWithAProblem() {
        given().get("/api/v1/rewards").then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer").body("code", equalTo("UNAUTHENTICATED"));
        given().auth().oauth2(Tokens.expired("admin", "a")).get("/api/v1/rewards").then().statusCode(401);
        given().auth().oauth2(Tokens.otherKey("admin", "a")).get("/api/v1/rewards").then().statusCode(401);
        given().auth().oauth2(Tokens.otherAudience("admin", "a")).get("/api/v1/rewards").then().statusCode(401);
        given().auth().oauth2("junk").get("/api/v1/rewards").then().statusCode(401);
        given().auth().oauth2(Tokens.member("m-1")).contentType(ContentType.JSON).body(reward("r-x", 5, null))
                .post("/api/v1/rewards").then().statusCode(403).contentType("application/problem+json")
                .body("code", equalTo("FORBIDDEN"));
        given().auth().oauth2(Tokens.member("m-1")).queryParam("memberId", "m-2").get("/api/v1/rewards")
                .then().statusCode(403).body("code", equalTo("NOT_OWN_ACCOUNT"));
        given().auth().oauth2(Tokens.member("m-1")).queryParam("memberId", "m-1").get("/api/v1/rewards")
                .then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/openapi").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200);
    }

    @Test
    void aRewardIsCreatedOncePublishedAndReadBack() {
        String rewardId = "r-" + UUID.randomUUID();
        Map<String, Object> body = reward(rewardId, 500, null);

        asAdmin().contentType(ContentType.JSON).body(body).post("/api/v1/rewards")
                .then().statusCode(201).body("rewardId", equalTo(rewardId)).body("pointsCost", equalTo(500));
        asAdmin().contentType(ContentType.JSON).body(body).post("/api/v1/rewards").then().statusCode(200);
        asAdmin().contentType(ContentType.JSON).body(reward(rewardId, 600, null)).post("/api/v1/rewards")
                .then().statusCode(409).contentType("application/problem+json")
                .body("code", equalTo("REWARD_CONFLICT"));
        asAdmin().get("/api/v1/rewards/{id}", rewardId).then().statusCode(200)
                .body("name", equalTo("Voucher 5 yuan")).body("stock", equalTo(10));
        asAdmin().get("/api/v1/rewards").then().statusCode(200).body("rewardId", hasItem(rewardId));

        List<CloudEvent> published = TopicReader.awaitKey(Topics.CATALOG_REWARDS, rewardId, 1).stream()
                .map(r -> codec.read(r.value())).toList();
        assertThat(published).hasSize(1);
        assertThat(((RewardUpserted) published.get(0).data()).pointsCost()).isEqualTo(500);
    }

    @Test
    void eligibilityFollowsTheMembersPointsAndTierFromTheLog() {
        String memberId = "m-" + UUID.randomUUID();
        String affordable = "r-" + UUID.randomUUID();
        String dear = "r-" + UUID.randomUUID();
        String goldOnly = "r-" + UUID.randomUUID();
        asAdmin().contentType(ContentType.JSON).body(reward(affordable, 300, null)).post("/api/v1/rewards")
                .then().statusCode(201);
        asAdmin().contentType(ContentType.JSON).body(reward(dear, 1_000, null)).post("/api/v1/rewards")
                .then().statusCode(201);
        asAdmin().contentType(ContentType.JSON).body(reward(goldOnly, 100, "GOLD")).post("/api/v1/rewards")
                .then().statusCode(201);

        TestEvents.publish(Topics.POINTS_LEDGER, TestEvents.earned(memberId, 500));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                asAdmin().queryParam("memberId", memberId).get("/api/v1/rewards/{id}", affordable)
                        .then().statusCode(200).body("eligibility.eligible", equalTo(true)));
        asAdmin().queryParam("memberId", memberId).get("/api/v1/rewards/{id}", dear)
                .then().statusCode(200).body("eligibility.eligible", equalTo(false))
                .body("eligibility.reasons", equalTo(List.of("INSUFFICIENT_POINTS")));
        asAdmin().queryParam("memberId", memberId).get("/api/v1/rewards/{id}", goldOnly)
                .then().statusCode(200).body("eligibility.reasons", equalTo(List.of("TIER_TOO_LOW")));
    }

    @Test
    void badRewardsAreRefusedWithTheFieldNamed() {
        String rewardId = "r-" + UUID.randomUUID();
        asAdmin().contentType(ContentType.JSON).body(reward(rewardId, -5, null)).post("/api/v1/rewards")
                .then().statusCode(400).contentType("application/problem+json")
                .body("code", equalTo("VALIDATION_FAILED")).body("errors.field", hasItem("pointsCost"));
        Map<String, Object> unknownKind = reward(rewardId, 5, null);
        unknownKind.put("kind", "CAR");
        asAdmin().contentType(ContentType.JSON).body(unknownKind).post("/api/v1/rewards")
                .then().statusCode(400).body("code", equalTo("VALIDATION_FAILED"));
        Map<String, Object> emptyWindow = reward(rewardId, 5, null);
        emptyWindow.put("validFrom", "2026-12-01T00:00:00Z");
        emptyWindow.put("validUntil", "2026-12-01T00:00:00Z");
        asAdmin().contentType(ContentType.JSON).body(emptyWindow).post("/api/v1/rewards")
                .then().statusCode(400).body("code", equalTo("VALIDATION_FAILED"));
        asAdmin().get("/api/v1/rewards/{id}", rewardId).then().statusCode(404).body("code", equalTo("NOT_FOUND"));
    }

    private static Map<String, Object> reward(String rewardId, long pointsCost, String minTier) {
        Map<String, Object> body = new HashMap<>();
        body.put("rewardId", rewardId);
        body.put("name", "Voucher 5 yuan");
        body.put("kind", "VOUCHER");
        body.put("voucherValue", 5);
        body.put("pointsCost", pointsCost);
        body.put("stock", 10);
        if (minTier != null) {
            body.put("minTier", minTier);
        }
        return body;
    }
}
