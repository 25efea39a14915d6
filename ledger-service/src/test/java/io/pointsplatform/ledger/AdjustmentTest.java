package io.pointsplatform.ledger;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

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

/** Manual adjustments take effect only with a second, different admin's approval. */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "ledger"))
class AdjustmentTest {

    @Test
    void aCreditNeedsASecondAdminAndCarriesBothNamesAndTheReason() {
        String memberId = HoldTest.credited(10);
        String id = "adj-" + UUID.randomUUID();
        Map<String, Object> request = Map.of("adjustmentId", id, "memberId", memberId, "points", 250,
                "reason", "goodwill: late delivery", "requestedBy", "alice");
        given().contentType(ContentType.JSON).body(request).post("/api/v1/adjustments")
                .then().statusCode(201).body("status", equalTo("PENDING"));
        given().contentType(ContentType.JSON).body(request).post("/api/v1/adjustments").then().statusCode(200);
        given().get("/api/v1/accounts/{m}", memberId).then().body("available", equalTo(10));

        given().contentType(ContentType.JSON).body(Map.of("by", "alice")).post("/api/v1/adjustments/{id}/approve", id)
                .then().statusCode(409).body("code", equalTo("SECOND_ADMIN_REQUIRED"));
        given().contentType(ContentType.JSON).body(Map.of("by", "bob")).post("/api/v1/adjustments/{id}/approve", id)
                .then().statusCode(200).body("status", equalTo("APPROVED")).body("decidedBy", equalTo("bob"));
        given().contentType(ContentType.JSON).body(Map.of("by", "bob")).post("/api/v1/adjustments/{id}/approve", id)
                .then().statusCode(200);
        given().contentType(ContentType.JSON).body(Map.of("by", "carol")).post("/api/v1/adjustments/{id}/reject", id)
                .then().statusCode(409).body("code", equalTo("ADJUSTMENT_DECIDED"));
        given().get("/api/v1/accounts/{m}", memberId).then().body("available", equalTo(260));

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
        given().contentType(ContentType.JSON).body(Map.of("adjustmentId", debit, "memberId", memberId, "points", -150,
                "reason", "fraud", "requestedBy", "alice")).post("/api/v1/adjustments").then().statusCode(201);
        given().contentType(ContentType.JSON).body(Map.of("by", "bob")).post("/api/v1/adjustments/{id}/approve", debit)
                .then().statusCode(409).body("code", equalTo("INSUFFICIENT_POINTS"));
        given().get("/api/v1/adjustments/{id}", debit).then().body("status", equalTo("PENDING"));

        String smaller = "adj-" + UUID.randomUUID();
        given().contentType(ContentType.JSON).body(Map.of("adjustmentId", smaller, "memberId", memberId, "points", -60,
                "reason", "fraud", "requestedBy", "alice")).post("/api/v1/adjustments").then().statusCode(201);
        given().contentType(ContentType.JSON).body(Map.of("by", "bob")).post("/api/v1/adjustments/{id}/approve", smaller)
                .then().statusCode(200);
        given().contentType(ContentType.JSON).body(Map.of("by", "carol", "note", "not needed"))
                .post("/api/v1/adjustments/{id}/reject", debit).then().statusCode(200).body("status", equalTo("REJECTED"));
        given().get("/api/v1/accounts/{m}", memberId).then().body("available", equalTo(40));

        given().contentType(ContentType.JSON).body(Map.of("adjustmentId", "z", "memberId", memberId, "points", 0,
                "reason", "x", "requestedBy", "alice")).post("/api/v1/adjustments").then().statusCode(400)
                .body("code", equalTo("VALIDATION_FAILED"));
        given().contentType(ContentType.JSON).body(Map.of("by", "bob")).post("/api/v1/adjustments/{id}/approve", "nope")
                .then().statusCode(404);
    }
}
