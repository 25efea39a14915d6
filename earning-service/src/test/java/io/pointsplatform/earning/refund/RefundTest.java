package io.pointsplatform.earning.refund;

import static io.pointsplatform.earning.Orders.MID_MONTH;
import static io.pointsplatform.earning.Orders.earn;
import static io.pointsplatform.earning.Orders.id;
import static io.pointsplatform.earning.Orders.line;
import static io.pointsplatform.earning.Orders.order;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;

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
    void aReversalTheLedgerRefusesIsRefusedAtOnceWithTheLedgersProblem() {
        Map<Integer, String> codes = Map.of(409, "REVERSAL_CONFLICT", 400, "VALIDATION_FAILED", 422, "NOT_REVERSIBLE");
        for (int status : List.of(409, 400, 422)) {
            String orderId = id("o");
            earn(order(orderId, id("m"), MID_MONTH, List.of(line("40.00")))).statusCode(201);
            String refundId = id("r");
            FakeLedger.ALWAYS.put(refundId, status);
            String first = refund(orderId, Map.of("refundId", refundId, "amount", "10.00")).statusCode(201)
                    .body("status", equalTo("REFUSED")).body("points", equalTo(10))
                    .body("failure.status", equalTo(status))
                    .body("failure.code", equalTo(codes.get(status)))
                    .body("failure.detail", equalTo("fake ledger says " + status + " for " + refundId))
                    .extract().asString();
            // Never tried again, by the dispatcher or by a repeat, which answers the same refusal.
            long sent = sentCount(refundId);
            assertThat(sent).isBetween(1L, 2L); // 2 when the dispatcher's round raced the immediate attempt
            Awaitility.await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(refund(orderId, Map.of("refundId", refundId, "amount", "10.00")).statusCode(200)
                            .extract().asString()).isEqualTo(first));
            assertThat(sentCount(refundId)).isEqualTo(sent);
            read(orderId, refundId).statusCode(200).body("status", equalTo("REFUSED"))
                    .body("failure.status", equalTo(status));
            // Nothing was taken by the refused one: the whole order can still be refunded.
            refund(orderId, Map.of("refundId", id("r"), "amount", "40.00")).statusCode(201)
                    .body("points", equalTo(40)).body("status", equalTo("CONFIRMED"));
        }
    }

    @Test
    void aReversalOfACreditTheLedgerHasNotFoldedYetIsRetriedUntilItIs() {
        String orderId = id("o");
        earn(order(orderId, id("m"), MID_MONTH, List.of(line("40.00")))).statusCode(201);
        String refundId = id("r");
        FakeLedger.answer(refundId, 404, 404);
        refund(orderId, Map.of("refundId", refundId, "amount", "40.00")).statusCode(201)
                .body("status", equalTo("PENDING")).body("$", not(hasKey("failure")));
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                read(orderId, refundId).statusCode(200).body("status", equalTo("CONFIRMED")).body("taken", equalTo(40)));
        assertThat(sentCount(refundId)).isGreaterThanOrEqualTo(3);
    }

    @Test
    void aReversalIsGivenUpAfterTheLimitStillCountsAndARepeatTriesAgain() {
        String orderId = id("o");
        earn(order(orderId, id("m"), MID_MONTH, List.of(line("40.00")))).statusCode(201);
        String refundId = id("r");
        FakeLedger.ALWAYS.put(refundId, 503);
        refund(orderId, Map.of("refundId", refundId, "amount", "30.00")).statusCode(201)
                .body("status", equalTo("PENDING"));
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                read(orderId, refundId).statusCode(200).body("status", equalTo("FAILED"))
                        .body("failure.status", equalTo(503)).body("failure.code", equalTo("RETRIES_EXHAUSTED"))
                        .body("failure.detail", equalTo("not confirmed after " + FakeLedger.MAX_ATTEMPTS
                                + " attempts; the last: 503: ledger is restarting")));
        long sent = sentCount(refundId);
        assertThat(sent).isBetween((long) FakeLedger.MAX_ATTEMPTS, FakeLedger.MAX_ATTEMPTS + 1L);
        Awaitility.await().pollDelay(Duration.ofSeconds(3)).until(() -> true);
        assertThat(sentCount(refundId)).as("no attempt after giving up").isEqualTo(sent);
        // A failed reversal may have been taken (answers lost), so it still counts: 10 yuan are left.
        refund(orderId, Map.of("refundId", id("r"), "amount", "40.00")).statusCode(201)
                .body("amount", equalTo(10.0f)).body("points", equalTo(10));

        // The ledger is back: repeating the refund reopens it and tries at once.
        FakeLedger.ALWAYS.remove(refundId);
        refund(orderId, Map.of("refundId", refundId, "amount", "30.00")).statusCode(200)
                .body("status", equalTo("CONFIRMED")).body("taken", equalTo(30)).body("$", not(hasKey("failure")));
    }

    @Test
    void aRefundIsReadByItsOrderAndId() {
        String orderId = id("o");
        earn(order(orderId, id("m"), MID_MONTH, List.of(line("40.00")))).statusCode(201);
        String refundId = id("r");
        String created = refund(orderId, Map.of("refundId", refundId, "amount", "10.00")).statusCode(201)
                .extract().asString();
        assertThat(read(orderId, refundId).statusCode(200).extract().asString()).isEqualTo(created);
        read(id("o"), refundId).statusCode(404).body("code", equalTo("NOT_FOUND"));
        read(orderId, id("r")).statusCode(404).body("code", equalTo("NOT_FOUND"));
    }

    private static long sentCount(String refundId) {
        return FakeLedger.RECEIVED.stream().filter(r -> refundId.equals(r.body().getString("refundId"))).count();
    }

    private static ValidatableResponse read(String orderId, String refundId) {
        return given().get("/api/v1/earnings/" + orderId + "/refunds/" + refundId).then();
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
