package io.pointsplatform.earning.refund;

import static io.pointsplatform.earning.Orders.MID_MONTH;
import static io.pointsplatform.earning.Orders.earn;
import static io.pointsplatform.earning.Orders.id;
import static io.pointsplatform.earning.Orders.line;
import static io.pointsplatform.earning.Orders.order;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.pointsplatform.testing.PlatformTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Refunds against a stand-in for the ledger's reversal endpoint: what earning decides and sends. */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "earning"))
@WithTestResource(FakeLedger.class)
class RefundTest {

    @Test
    void aPartRefundBelowTheThresholdTakesBackItsShareAndTheThresholdBonus() {
        String orderId = id("o");
        String memberId = id("m");
        earn(order(orderId, memberId, MID_MONTH, List.of(line("150.00")))).statusCode(201).body("points", equalTo(350));

        String refundId = id("r");
        String first = refund(orderId, Map.of("refundId", refundId, "amount", "60.00")).statusCode(201)
                .body("points", equalTo(260)).body("status", equalTo("CONFIRMED")).body("taken", equalTo(260))
                .extract().asString();
        JsonObject sent = sentFor(refundId);
        assertThat(sent.getMap()).containsExactlyInAnyOrderEntriesOf(Map.of("refundId", refundId, "orderId", orderId,
                "lotId", "order-" + orderId, "points", 260));
        assertThat(FakeLedger.RECEIVED).filteredOn(r -> refundId.equals(r.body().getString("refundId")))
                .extracting(FakeLedger.Received::memberId).containsOnly(memberId);

        assertThat(refund(orderId, Map.of("refundId", refundId, "amount", "60.0")).statusCode(200).extract().asString())
                .isEqualTo(first);
        refund(orderId, Map.of("refundId", refundId, "amount", "61.00")).statusCode(409)
                .body("code", equalTo("REFUND_CONFLICT"));

        // The rest of the order: its 90 points; then nothing is left to take.
        refund(orderId, Map.of("refundId", id("r"), "amount", "90.00")).statusCode(201).body("points", equalTo(90));
        refund(orderId, Map.of("refundId", id("r"), "amount", "10.00")).statusCode(201).body("points", equalTo(0))
                .body("amount", equalTo(0.0f));
    }

    @Test
    void refundedLinesArePricedAsOrderedAndPromotionalOnesTakeNothing() {
        String orderId = id("o");
        earn(order(orderId, id("m"), MID_MONTH, List.of(line("a", "x", 2, "30.33", false),
                line("b", "x", 1, "50.00", true)))).statusCode(201).body("points", equalTo(60));
        refund(orderId, Map.of("refundId", id("r"), "lines", List.of(Map.of("sku", "a", "quantity", 1),
                Map.of("sku", "b", "quantity", 1)))).statusCode(201).body("amount", equalTo(30.33f))
                .body("points", equalTo(30));
        refund(orderId, Map.of("refundId", id("r"), "lines", List.of(Map.of("sku", "a", "quantity", 3))))
                .statusCode(400).body("code", equalTo("VALIDATION_FAILED"));
    }

    @Test
    void aReversalTheLedgerCannotTakeYetStaysPendingAndIsRetried() {
        String orderId = id("o");
        earn(order(orderId, id("m"), MID_MONTH, List.of(line("40.00")))).statusCode(201);
        String refundId = id("r");
        FakeLedger.FAIL_NEXT.set(2);
        refund(orderId, Map.of("refundId", refundId, "amount", "40.00")).statusCode(201)
                .body("status", equalTo("PENDING")).body("points", equalTo(40));
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                refund(orderId, Map.of("refundId", refundId, "amount", "40.00")).statusCode(200)
                        .body("status", equalTo("CONFIRMED")).body("taken", equalTo(40)));
        assertThat(FakeLedger.RECEIVED).filteredOn(r -> refundId.equals(r.body().getString("refundId")))
                .hasSizeGreaterThanOrEqualTo(3)
                .allSatisfy(r -> assertThat(r.body().getLong("points")).isEqualTo(40));
    }

    @Test
    void aReversalTheLedgerRefusesIsRecordedAsRefused() {
        String orderId = id("o");
        earn(order(orderId, id("m"), MID_MONTH, List.of(line("40.00")))).statusCode(201);
        String refundId = id("r");
        FakeLedger.CONFLICTS.add(refundId);
        refund(orderId, Map.of("refundId", refundId, "amount", "10.00")).statusCode(201)
                .body("status", equalTo("REFUSED"));
        // Nothing was taken by the refused one: the whole order can still be refunded.
        refund(orderId, Map.of("refundId", id("r"), "amount", "40.00")).statusCode(201)
                .body("points", equalTo(40)).body("status", equalTo("CONFIRMED"));
    }

    @Test
    void badRefundsAreRefused() {
        refund(id("o"), Map.of("refundId", id("r"), "amount", "1.00")).statusCode(404).body("code", equalTo("NOT_FOUND"));
        String orderId = id("o");
        earn(order(orderId, id("m"), MID_MONTH, List.of(line("40.00")))).statusCode(201);
        refund(orderId, Map.of("refundId", id("r"))).statusCode(400).body("code", equalTo("VALIDATION_FAILED"));
        refund(orderId, Map.of("refundId", id("r"), "amount", "0.001")).statusCode(400);
    }

    private static JsonObject sentFor(String refundId) {
        return FakeLedger.RECEIVED.stream().filter(r -> refundId.equals(r.body().getString("refundId")))
                .findFirst().orElseThrow().body();
    }

    private static ValidatableResponse refund(String orderId, Map<String, ?> body) {
        return given().contentType(ContentType.JSON).body(body).post("/api/v1/earnings/" + orderId + "/refunds").then();
    }
}
