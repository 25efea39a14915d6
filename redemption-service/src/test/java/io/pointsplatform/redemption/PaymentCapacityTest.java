package io.pointsplatform.redemption;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.pointsplatform.events.Topics;
import io.pointsplatform.testing.PlatformTestResource;
import io.pointsplatform.testing.TestEvents;
import io.pointsplatform.testing.Tokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What a member can pay with points, from redemption's own fold of the real log. */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "redemption"))
@WithTestResource(FakeServices.class)
class PaymentCapacityTest {

    @Test
    void creditsOnTheLogBecomePayingPowerAtAHundredPointsAYuan() {
        String memberId = "m-" + UUID.randomUUID();
        given().auth().oauth2(Tokens.member(memberId)).get("/api/v1/members/{id}/payment-capacity", memberId).then().statusCode(200)
                .body("availablePoints", equalTo(0)).body("maxAmount", equalTo(0.0f));

        TestEvents.publish(Topics.POINTS_LEDGER, TestEvents.earned(memberId, 1_234));
        TestEvents.publish(Topics.POINTS_LEDGER, TestEvents.earned(memberId, 1));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().auth().oauth2(Tokens.member(memberId)).get("/api/v1/members/{id}/payment-capacity", memberId).then().statusCode(200)
                        .body("availablePoints", equalTo(1_235))
                        .body("pointsPerYuan", equalTo(100))
                        .body("maxAmount", equalTo(12.35f))
                        .body("currency", equalTo("CNY")));
        // With an order: at most half of it in points (the payment's own rule), and no more than there are.
        given().auth().oauth2(Tokens.checkout()).queryParam("orderAmount", "10.00")
                .get("/api/v1/members/{id}/payment-capacity", memberId).then().statusCode(200)
                .body("capPercent", equalTo(50)).body("maxPointsForOrder", equalTo(500));
        given().auth().oauth2(Tokens.checkout()).queryParam("orderAmount", "99999.99")
                .get("/api/v1/members/{id}/payment-capacity", memberId).then().statusCode(200)
                .body("maxPointsForOrder", equalTo(1_235));
    }

    @Test
    void aMalformedMemberIdIsAClientError() {
        given().auth().oauth2(Tokens.checkout()).get("/api/v1/members/{id}/payment-capacity", "no spaces allowed").then().statusCode(400)
                .contentType("application/problem+json").body("code", equalTo("VALIDATION_FAILED"));
    }
}
