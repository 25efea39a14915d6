package io.pointsplatform.ledger;

import static io.pointsplatform.ledger.Callers.asAdmin;
import static io.pointsplatform.ledger.Callers.asService;
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
 * an approval by a second admin's token; consumer lag as a metric.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "ledger"))
class LedgerContractTest {

    @Test
    void theIdempotencyKeyNamesTheHoldAndTheHoldIdAloneCapturesIt() {
        String memberId = HoldTest.credited(100);
        String key = "redemption-" + UUID.randomUUID();
        Map<String, Object> body = Map.of("points", 40, "reference", "r-1", "ttlSeconds", 600);
        asService().contentType(ContentType.JSON).header("Idempotency-Key", key).body(body)
                .post("/api/v1/accounts/{m}/holds", memberId).then().statusCode(201)
                .body("holdId", equalTo(key)).body("expiresAt", notNullValue())
                .body("holdExpiresAt", notNullValue());
        asService().contentType(ContentType.JSON).header("Idempotency-Key", key).body(body)
                .post("/api/v1/accounts/{m}/holds", memberId).then().statusCode(200).body("holdId", equalTo(key));
        asService().contentType(ContentType.JSON).header("Idempotency-Key", key).body(Map.of("points", 41))
                .post("/api/v1/accounts/{m}/holds", memberId).then().statusCode(409).body("code", equalTo("HOLD_CONFLICT"));

        asService().post("/api/v1/holds/{h}/capture", key).then().statusCode(201).body("status", equalTo("CAPTURED"))
                .body("memberId", equalTo(memberId));
        asService().post("/api/v1/holds/{h}/capture", key).then().statusCode(200);
        asService().post("/api/v1/holds/{h}/release", key).then().statusCode(409).body("code", equalTo("HOLD_NOT_OPEN"));
        asService().get("/api/v1/accounts/{m}", memberId).then().body("available", equalTo(60)).body("spent", equalTo(40));
    }

    @Test
    void withoutAnyIdTheLedgerNamesTheHoldAndItCanBeReleasedByThatName() {
        String memberId = HoldTest.credited(50);
        String holdId = asService().contentType(ContentType.JSON).body(Map.of("points", 20))
                .post("/api/v1/accounts/{m}/holds", memberId).then().statusCode(201)
                .body("holdId", startsWith("h-")).extract().path("holdId");
        asService().post("/api/v1/holds/{h}/release", holdId).then().statusCode(201)
                .body("status", equalTo("RELEASED_CANCELLED"));
        asService().get("/api/v1/accounts/{m}", memberId).then().body("available", equalTo(50)).body("reserved", equalTo(0));
    }

    @Test
    void unknownAmbiguousOrMismatchedHoldIdsAreRefusedWithACode() {
        asService().post("/api/v1/holds/{h}/capture", "never-" + UUID.randomUUID()).then().statusCode(404)
                .contentType("application/problem+json").body("code", equalTo("NOT_FOUND"));
        asService().post("/api/v1/holds/{h}/capture", "not an id!").then().statusCode(400)
                .body("code", equalTo("VALIDATION_FAILED"));

        String shared = "shared-" + UUID.randomUUID();
        for (String memberId : new String[] {HoldTest.credited(10), HoldTest.credited(10)}) {
            asService().contentType(ContentType.JSON).body(Map.of("holdId", shared, "points", 5))
                    .post("/api/v1/accounts/{m}/holds", memberId).then().statusCode(201);
        }
        asService().post("/api/v1/holds/{h}/release", shared).then().statusCode(409).body("code", equalTo("HOLD_AMBIGUOUS"));

        String memberId = HoldTest.credited(10);
        asService().contentType(ContentType.JSON).header("Idempotency-Key", "k-1").body(Map.of("holdId", "k-2", "points", 1))
                .post("/api/v1/accounts/{m}/holds", memberId).then().statusCode(400).body("code", equalTo("VALIDATION_FAILED"));
        asService().contentType(ContentType.JSON).header("Idempotency-Key", "no spaces").body(Map.of("points", 1))
                .post("/api/v1/accounts/{m}/holds", memberId).then().statusCode(400).body("code", equalTo("VALIDATION_FAILED"));
    }

    @Test
    void theApproverIsTheTokensSubjectNotANameInTheBody() {
        String memberId = HoldTest.credited(10);
        String id = "adj-" + UUID.randomUUID().toString().substring(0, 8);
        asAdmin("alice").contentType(ContentType.JSON).body(Map.of("adjustmentId", id, "memberId", memberId, "points", 5,
                "reason", "goodwill")).post("/api/v1/adjustments").then().statusCode(201);
        // The event's word for the approver, in the body, is no longer read: it is refused, not taken.
        asAdmin("bob").contentType(ContentType.JSON).body(Map.of("approvedBy", "bob"))
                .post("/api/v1/adjustments/{id}/approve", id).then().statusCode(400)
                .body("code", equalTo("VALIDATION_FAILED")).body("errors[0].field", equalTo("approvedBy"));
        asAdmin("alice").contentType(ContentType.JSON).body(Map.of())
                .post("/api/v1/adjustments/{id}/approve", id).then().statusCode(403)
                .body("code", equalTo("SELF_APPROVAL"));
        asAdmin("bob").contentType(ContentType.JSON).body("").post("/api/v1/adjustments/{id}/approve", id)
                .then().statusCode(200)
                .body("decidedBy", equalTo("bob"));
        asService().get("/api/v1/accounts/{m}", memberId).then().body("available", equalTo(15));
    }

    @Test
    void aReversalAsAgreedWithEarningRefusesUnknownMembersAndBadBodiesWithACode() {
        asService().contentType(ContentType.JSON)
                .body(Map.of("refundId", "r-1", "orderId", "o-1", "lotId", "order-o-1", "points", 10))
                .post("/api/v1/accounts/{m}/reversals", "nobody-" + UUID.randomUUID()).then().statusCode(404)
                .contentType("application/problem+json").body("code", equalTo("NOT_FOUND"));
        String memberId = HoldTest.credited(10);
        asService().contentType(ContentType.JSON).body(Map.of("refundId", "r-1", "orderId", "o-1", "points", 0))
                .post("/api/v1/accounts/{m}/reversals", memberId).then().statusCode(400)
                .body("code", equalTo("VALIDATION_FAILED"));
        asService().contentType(ContentType.JSON).body(Map.of("orderId", "o-1", "points", 5))
                .post("/api/v1/accounts/{m}/reversals", memberId).then().statusCode(400)
                .body("code", equalTo("VALIDATION_FAILED"));
        // lotId null: no lot of the order's own; the points come from the member's other lots.
        java.util.HashMap<String, Object> body = new java.util.HashMap<>(Map.of("refundId", "r-2", "orderId", "o-2", "points", 4));
        body.put("lotId", null);
        asService().contentType(ContentType.JSON).body(body).post("/api/v1/accounts/{m}/reversals", memberId).then()
                .statusCode(201).body("refundId", equalTo("r-2")).body("orderId", equalTo("o-2")).body("points", equalTo(4))
                .body("taken", equalTo(4)).body("debt", equalTo(0)).body("allocations[0].points", equalTo(4));
        asService().get("/api/v1/accounts/{m}", memberId).then().body("available", equalTo(6)).body("reversed", equalTo(4));
    }

    @Test
    void consumerLagIsAMetric() {
        HoldTest.credited(1);
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("kafka_consumer_fetch_manager_records_lag"));
    }
}
