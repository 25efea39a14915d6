package io.pointsplatform.ledger;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

import io.pointsplatform.testing.PlatformTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The API in CONTRACT.md's words: holds without a holdId, captured or released by hold id alone;
 * an approval naming {@code approvedBy}; consumer lag as a metric.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "ledger"))
class LedgerContractTest {

    @Test
    void theIdempotencyKeyNamesTheHoldAndTheHoldIdAloneCapturesIt() {
        String memberId = HoldTest.credited(100);
        String key = "redemption-" + UUID.randomUUID();
        Map<String, Object> body = Map.of("points", 40, "reference", "r-1", "ttlSeconds", 600);
        given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(body)
                .post("/api/v1/accounts/{m}/holds", memberId).then().statusCode(201)
                .body("holdId", equalTo(key)).body("expiresAt", notNullValue())
                .body("holdExpiresAt", notNullValue());
        given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(body)
                .post("/api/v1/accounts/{m}/holds", memberId).then().statusCode(200).body("holdId", equalTo(key));
        given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(Map.of("points", 41))
                .post("/api/v1/accounts/{m}/holds", memberId).then().statusCode(409).body("code", equalTo("HOLD_CONFLICT"));

        given().post("/api/v1/holds/{h}/capture", key).then().statusCode(201).body("status", equalTo("CAPTURED"))
                .body("memberId", equalTo(memberId));
        given().post("/api/v1/holds/{h}/capture", key).then().statusCode(200);
        given().post("/api/v1/holds/{h}/release", key).then().statusCode(409).body("code", equalTo("HOLD_NOT_OPEN"));
        given().get("/api/v1/accounts/{m}", memberId).then().body("available", equalTo(60)).body("spent", equalTo(40));
    }

    @Test
    void withoutAnyIdTheLedgerNamesTheHoldAndItCanBeReleasedByThatName() {
        String memberId = HoldTest.credited(50);
        String holdId = given().contentType(ContentType.JSON).body(Map.of("points", 20))
                .post("/api/v1/accounts/{m}/holds", memberId).then().statusCode(201)
                .body("holdId", startsWith("h-")).extract().path("holdId");
        given().post("/api/v1/holds/{h}/release", holdId).then().statusCode(201)
                .body("status", equalTo("RELEASED_CANCELLED"));
        given().get("/api/v1/accounts/{m}", memberId).then().body("available", equalTo(50)).body("reserved", equalTo(0));
    }

    @Test
    void unknownAmbiguousOrMismatchedHoldIdsAreRefusedWithACode() {
        given().post("/api/v1/holds/{h}/capture", "never-" + UUID.randomUUID()).then().statusCode(404)
                .contentType("application/problem+json").body("code", equalTo("NOT_FOUND"));
        given().post("/api/v1/holds/{h}/capture", "not an id!").then().statusCode(400)
                .body("code", equalTo("VALIDATION_FAILED"));

        String shared = "shared-" + UUID.randomUUID();
        for (String memberId : new String[] {HoldTest.credited(10), HoldTest.credited(10)}) {
            given().contentType(ContentType.JSON).body(Map.of("holdId", shared, "points", 5))
                    .post("/api/v1/accounts/{m}/holds", memberId).then().statusCode(201);
        }
        given().post("/api/v1/holds/{h}/release", shared).then().statusCode(409).body("code", equalTo("HOLD_AMBIGUOUS"));

        String memberId = HoldTest.credited(10);
        given().contentType(ContentType.JSON).header("Idempotency-Key", "k-1").body(Map.of("holdId", "k-2", "points", 1))
                .post("/api/v1/accounts/{m}/holds", memberId).then().statusCode(400).body("code", equalTo("VALIDATION_FAILED"));
        given().contentType(ContentType.JSON).header("Idempotency-Key", "no spaces").body(Map.of("points", 1))
                .post("/api/v1/accounts/{m}/holds", memberId).then().statusCode(400).body("code", equalTo("VALIDATION_FAILED"));
    }

    @Test
    void anApprovalMayNameTheApproverAsTheEventDoes() {
        String memberId = HoldTest.credited(10);
        String id = "adj-" + UUID.randomUUID().toString().substring(0, 8);
        given().contentType(ContentType.JSON).body(Map.of("adjustmentId", id, "memberId", memberId, "points", 5,
                "reason", "goodwill", "requestedBy", "alice")).post("/api/v1/adjustments").then().statusCode(201);
        given().contentType(ContentType.JSON).body(Map.of("approvedBy", "alice"))
                .post("/api/v1/adjustments/{id}/approve", id).then().statusCode(409)
                .body("code", equalTo("SECOND_ADMIN_REQUIRED"));
        given().contentType(ContentType.JSON).body(Map.of("approvedBy", "bob"))
                .post("/api/v1/adjustments/{id}/approve", id).then().statusCode(200);
        given().get("/api/v1/accounts/{m}", memberId).then().body("available", equalTo(15));
    }

    @Test
    void aReversalAsAgreedWithEarningRefusesUnknownMembersAndBadBodiesWithACode() {
        given().contentType(ContentType.JSON)
                .body(Map.of("refundId", "r-1", "orderId", "o-1", "lotId", "order-o-1", "points", 10))
                .post("/api/v1/accounts/{m}/reversals", "nobody-" + UUID.randomUUID()).then().statusCode(404)
                .contentType("application/problem+json").body("code", equalTo("NOT_FOUND"));
        String memberId = HoldTest.credited(10);
        given().contentType(ContentType.JSON).body(Map.of("refundId", "r-1", "orderId", "o-1", "points", 0))
                .post("/api/v1/accounts/{m}/reversals", memberId).then().statusCode(400)
                .body("code", equalTo("VALIDATION_FAILED"));
        given().contentType(ContentType.JSON).body(Map.of("orderId", "o-1", "points", 5))
                .post("/api/v1/accounts/{m}/reversals", memberId).then().statusCode(400)
                .body("code", equalTo("VALIDATION_FAILED"));
        // lotId null: no lot of the order's own; the points come from the member's other lots.
        java.util.HashMap<String, Object> body = new java.util.HashMap<>(Map.of("refundId", "r-2", "orderId", "o-2", "points", 4));
        body.put("lotId", null);
        given().contentType(ContentType.JSON).body(body).post("/api/v1/accounts/{m}/reversals", memberId).then()
                .statusCode(201).body("refundId", equalTo("r-2")).body("orderId", equalTo("o-2")).body("points", equalTo(4))
                .body("taken", equalTo(4)).body("debt", equalTo(0)).body("allocations[0].points", equalTo(4));
        given().get("/api/v1/accounts/{m}", memberId).then().body("available", equalTo(6)).body("reversed", equalTo(4));
    }

    @Test
    void consumerLagIsAMetric() {
        HoldTest.credited(1);
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("kafka_consumer_fetch_manager_records_lag"));
    }
}
