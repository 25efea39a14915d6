package io.pointsplatform.ledger;

import static io.pointsplatform.ledger.Callers.asAdmin;
import static io.pointsplatform.ledger.Callers.asAnalyst;
import static io.pointsplatform.ledger.Callers.asService;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.pointsplatform.events.Topics;
import io.pointsplatform.testing.PlatformTestResource;
import io.pointsplatform.testing.TopicReader;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Manual adjustments take effect only with a second, different admin's approval: maker and checker
 * are the subjects of their tokens, never names in a body.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "ledger"))
class AdjustmentTest {

    @Test
    void aCreditNeedsASecondAdminAndCarriesBothNamesAndTheReason() {
        String memberId = HoldTest.credited(10);
        String id = "adj-" + UUID.randomUUID();
        Map<String, Object> request = Map.of("adjustmentId", id, "memberId", memberId, "points", 250,
                "reason", "goodwill: late delivery");
        asAdmin("alice").contentType(ContentType.JSON).body(request).post("/api/v1/adjustments")
                .then().statusCode(201).body("status", equalTo("PENDING")).body("requestedBy", equalTo("alice"));
        asAdmin("alice").contentType(ContentType.JSON).body(request).post("/api/v1/adjustments").then().statusCode(200);
        asService().get("/api/v1/accounts/{m}", memberId).then().body("available", equalTo(10));

        asAdmin("alice").contentType(ContentType.JSON).body(Map.of()).post("/api/v1/adjustments/{id}/approve", id)
                .then().statusCode(403).body("code", equalTo("SELF_APPROVAL"));
        asAdmin("bob").contentType(ContentType.JSON).body(Map.of()).post("/api/v1/adjustments/{id}/approve", id)
                .then().statusCode(200).body("status", equalTo("APPROVED")).body("decidedBy", equalTo("bob"));
        asAdmin("bob").contentType(ContentType.JSON).body(Map.of()).post("/api/v1/adjustments/{id}/approve", id)
                .then().statusCode(200);
        asAdmin("carol").contentType(ContentType.JSON).body(Map.of()).post("/api/v1/adjustments/{id}/reject", id)
                .then().statusCode(409).body("code", equalTo("ADJUSTMENT_DECIDED"));
        asService().get("/api/v1/accounts/{m}", memberId).then().body("available", equalTo(260));

        String event = TopicReader.await(Topics.POINTS_LEDGER,
                r -> r.key().equals(memberId) && r.value().contains("\"points.adjusted\""), 1, Duration.ofSeconds(30))
                .get(0).value();
        assertThat(event).contains("\"requestedBy\":\"alice\"").contains("\"approvedBy\":\"bob\"")
                .contains("goodwill: late delivery");
    }

    @Test
    void aDebitTakesLotsOrIsRefusedAndARejectionMovesNothing() {
        String memberId = HoldTest.credited(100);
        String debit = "adj-" + UUID.randomUUID();
        asAdmin("alice").contentType(ContentType.JSON).body(Map.of("adjustmentId", debit, "memberId", memberId,
                "points", -150, "reason", "fraud")).post("/api/v1/adjustments").then().statusCode(201);
        asAdmin("bob").contentType(ContentType.JSON).body(Map.of()).post("/api/v1/adjustments/{id}/approve", debit)
                .then().statusCode(409).body("code", equalTo("INSUFFICIENT_POINTS"));
        asAnalyst().get("/api/v1/adjustments/{id}", debit).then().body("status", equalTo("PENDING"));

        String smaller = "adj-" + UUID.randomUUID();
        asAdmin("alice").contentType(ContentType.JSON).body(Map.of("adjustmentId", smaller, "memberId", memberId,
                "points", -60, "reason", "fraud")).post("/api/v1/adjustments").then().statusCode(201);
        asAdmin("bob").contentType(ContentType.JSON).body(Map.of()).post("/api/v1/adjustments/{id}/approve", smaller)
                .then().statusCode(200);
        asAdmin("carol").contentType(ContentType.JSON).body(Map.of("note", "not needed"))
                .post("/api/v1/adjustments/{id}/reject", debit).then().statusCode(200).body("status", equalTo("REJECTED"))
                .body("decidedBy", equalTo("carol")).body("note", equalTo("not needed"));
        asService().get("/api/v1/accounts/{m}", memberId).then().body("available", equalTo(40));

        asAdmin("alice").contentType(ContentType.JSON).body(Map.of("adjustmentId", "z", "memberId", memberId,
                "points", 0, "reason", "x")).post("/api/v1/adjustments").then().statusCode(400)
                .body("code", equalTo("VALIDATION_FAILED"));
        asAdmin("bob").contentType(ContentType.JSON).body(Map.of()).post("/api/v1/adjustments/{id}/approve", "nope")
                .then().statusCode(404);
    }

    /**
     * Typing another admin's name into the body once made anyone the second admin. No body names
     * anyone now: such a property is refused, and only another token's subject approves.
     */
    @Test
    void aNameInTheBodyNeitherRequestsNorApprovesAndTheRequesterCannotDecideItsOwnRequest() {
        String memberId = HoldTest.credited(10);
        String id = "adj-" + UUID.randomUUID();
        asAdmin("alice").contentType(ContentType.JSON).body(Map.of("adjustmentId", id, "memberId", memberId,
                        "points", 5, "reason", "goodwill", "requestedBy", "mallory")).post("/api/v1/adjustments")
                .then().statusCode(400).contentType("application/problem+json")
                .body("code", equalTo("VALIDATION_FAILED")).body("errors[0].field", equalTo("requestedBy"));
        asAnalyst().get("/api/v1/adjustments/{id}", id).then().statusCode(404);

        asAdmin("alice").contentType(ContentType.JSON).body(Map.of("adjustmentId", id, "memberId", memberId,
                "points", 5, "reason", "goodwill")).post("/api/v1/adjustments").then().statusCode(201);
        // The same request by another admin is not a repeat of alice's: it is refused, alice stays the requester.
        asAdmin("bob").contentType(ContentType.JSON).body(Map.of("adjustmentId", id, "memberId", memberId,
                "points", 5, "reason", "goodwill")).post("/api/v1/adjustments").then().statusCode(409)
                .body("code", equalTo("ADJUSTMENT_CONFLICT"));
        for (String field : new String[] {"by", "approvedBy", "rejectedBy"}) {
            asAdmin("alice").contentType(ContentType.JSON).body(Map.of(field, "bob"))
                    .post("/api/v1/adjustments/{id}/approve", id).then().statusCode(400)
                    .body("code", equalTo("VALIDATION_FAILED")).body("errors[0].field", equalTo(field));
        }
        // Neither approving nor rejecting one's own request.
        asAdmin("alice").contentType(ContentType.JSON).body(Map.of())
                .post("/api/v1/adjustments/{id}/approve", id).then().statusCode(403)
                .contentType("application/problem+json").body("code", equalTo("SELF_APPROVAL"));
        asAdmin("alice").contentType(ContentType.JSON).body(Map.of("note", "mine"))
                .post("/api/v1/adjustments/{id}/reject", id).then().statusCode(403)
                .body("code", equalTo("SELF_APPROVAL"));
        asAnalyst().get("/api/v1/adjustments/{id}", id).then().statusCode(200).body("status", equalTo("PENDING"))
                .body("requestedBy", equalTo("alice")).body("decidedBy", nullValue());
        asService().get("/api/v1/accounts/{m}", memberId).then().body("available", equalTo(10));

        asAdmin("bob").contentType(ContentType.JSON).body(Map.of()).post("/api/v1/adjustments/{id}/approve", id)
                .then().statusCode(200)
                .body("status", equalTo("APPROVED")).body("decidedBy", equalTo("bob"));
        asService().get("/api/v1/accounts/{m}", memberId).then().body("available", equalTo(15));
        String event = TopicReader.await(Topics.POINTS_LEDGER,
                r -> r.key().equals(memberId) && r.value().contains("\"points.adjusted\""), 1, Duration.ofSeconds(30))
                .get(0).value();
        assertThat(event).contains("\"requestedBy\":\"alice\"").contains("\"approvedBy\":\"bob\"");
    }

    @Test
    void theIdempotencyKeyStandsForTheAdjustmentIdAndIsNeverIgnored() {
        String memberId = HoldTest.credited(10);
        String key = "adj-key-" + UUID.randomUUID();
        Map<String, Object> request = Map.of("memberId", memberId, "points", 7, "reason", "goodwill");
        asAdmin("alice").header("Idempotency-Key", key).contentType(ContentType.JSON).body(request)
                .post("/api/v1/adjustments").then().statusCode(201).body("adjustmentId", equalTo(key));
        asAdmin("alice").header("Idempotency-Key", key).contentType(ContentType.JSON).body(request)
                .post("/api/v1/adjustments").then().statusCode(200).body("adjustmentId", equalTo(key));
        // The same key with another body is a conflict (CONTRACT.md), not a second adjustment.
        asAdmin("alice").header("Idempotency-Key", key).contentType(ContentType.JSON)
                .body(Map.of("memberId", memberId, "points", 8, "reason", "goodwill"))
                .post("/api/v1/adjustments").then().statusCode(409).body("code", equalTo("ADJUSTMENT_CONFLICT"));
        // A body's adjustmentId that differs from the key is refused, not one of them silently dropped.
        asAdmin("alice").header("Idempotency-Key", key).contentType(ContentType.JSON)
                .body(Map.of("adjustmentId", "adj-" + UUID.randomUUID(), "memberId", memberId, "points", 7, "reason", "goodwill"))
                .post("/api/v1/adjustments").then().statusCode(400).body("errors[0].field", equalTo("adjustmentId"));
        // Neither the id nor the key: nothing to be idempotent by.
        asAdmin("alice").contentType(ContentType.JSON).body(request).post("/api/v1/adjustments").then().statusCode(400)
                .body("code", equalTo("VALIDATION_FAILED")).body("errors[0].field", equalTo("adjustmentId"));
        asAnalyst().get("/api/v1/adjustments/{id}", key).then().statusCode(200).body("points", equalTo(7))
                .body("status", equalTo("PENDING"));
    }
}
