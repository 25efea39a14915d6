package io.pointsplatform.earning.refund;

import static io.pointsplatform.earning.Callers.asAdmin;
import static io.pointsplatform.earning.Callers.asCheckout;
import static io.pointsplatform.earning.Orders.MID_MONTH;
import static io.pointsplatform.earning.Orders.earn;
import static io.pointsplatform.earning.Orders.id;
import static io.pointsplatform.earning.Orders.line;
import static io.pointsplatform.earning.Orders.member;
import static io.pointsplatform.earning.Orders.order;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;

import io.pointsplatform.testing.PlatformTestResource;
import io.pointsplatform.testing.Tokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/** Refunds against a stand-in for the ledger's reversal endpoint: what earning decides and sends. */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "earning"))
@WithTestResource(FakeLedger.class)
class RefundTest {

    @Test
    void aPartRefundBelowTheThresholdTakesBackItsShareAndTheThresholdBonus() {
        String memberId = member();
        String orderId = earned350(memberId);

        String refundId = id("r");
        String first = refund(orderId, Map.of("refundId", refundId, "amount", "60.00")).statusCode(201)
                .body("points", equalTo(260)).body("status", equalTo("CONFIRMED")).body("taken", equalTo(260))
                .extract().asString();
        JsonObject sent = sentFor(refundId);
        assertThat(sent.getMap()).containsExactlyInAnyOrderEntriesOf(Map.of("refundId", refundId, "orderId", orderId,
                "lotId", "order-" + orderId, "points", 260));
        assertThat(FakeLedger.RECEIVED).filteredOn(r -> refundId.equals(r.body().getString("refundId")))
                .extracting(FakeLedger.Received::memberId).containsOnly(memberId);
        // Sent with earning-service's own service token (the stand-in verifies it as the ledger does).
        assertThat(FakeLedger.RECEIVED).filteredOn(r -> refundId.equals(r.body().getString("refundId")))
                .extracting(FakeLedger.Received::caller).containsOnly("earning-service");

        assertThat(refund(orderId, Map.of("refundId", refundId, "amount", "60.0")).statusCode(200).extract().asString())
                .isEqualTo(first);
        refund(orderId, Map.of("refundId", refundId, "amount", "61.00")).statusCode(409)
                .body("code", equalTo("REFUND_CONFLICT")).body("detail", containsString("with other content"));
        // A refund id is unique across orders: another order's refund under it is refused, and says why.
        String otherOrder = id("o");
        earn(order(otherOrder, memberId, MID_MONTH, List.of(line("150.00")))).statusCode(201);
        refund(otherOrder, Map.of("refundId", refundId, "amount", "60.00")).statusCode(409)
                .body("code", equalTo("REFUND_CONFLICT"))
                .body("detail", containsString("for another order: refund ids are unique across all orders"))
                .body("detail", not(containsString(orderId)));

        // The rest of the order: its 90 points; then nothing is left, and more is refused, not cut to 0.
        refund(orderId, Map.of("refundId", id("r"), "amount", "90.00")).statusCode(201).body("points", equalTo(90));
        exceedsTheOrder(refund(orderId, Map.of("refundId", id("r"), "amount", "10.00")), "amount");
    }

    /** The ledger does not take again what had expired of the order's points; the refund says how much. */
    @Test
    void aRefundSaysHowMuchOfItHadAlreadyExpired() {
        String orderId = earned350(member());
        String refundId = id("r");
        FakeLedger.ALREADY_EXPIRED.put(refundId, 250L);
        String answer = refund(orderId, Map.of("refundId", refundId, "amount", "150.00")).statusCode(201)
                .body("points", equalTo(350)).body("status", equalTo("CONFIRMED")).body("taken", equalTo(100))
                .body("debt", equalTo(0)).body("alreadyExpired", equalTo(250)).extract().asString();
        read(orderId, refundId).statusCode(200).body("alreadyExpired", equalTo(250)).body("taken", equalTo(100));
        assertThat(refund(orderId, Map.of("refundId", refundId, "amount", "150.00")).statusCode(200).extract().asString())
                .isEqualTo(answer);
    }

    @Test
    void linesArePricedAsOrderedPromotionalOnesAtZeroAndEachIsRefundedAtMostAsOftenAsBought() {
        String orderId = id("o");
        earn(order(orderId, member(), MID_MONTH, List.of(line("a", "x", 2, "30.00", false),
                line("b", "x", 1, "50.00", true), line("c", "x", 1, "20.00", false)))).statusCode(201)
                .body("points", equalTo(80));
        String first = id("r");
        Map<String, Object> twoOfA = Map.of("refundId", first, "lines", List.of(Map.of("sku", "a", "quantity", 2)));
        String body = refund(orderId, twoOfA).statusCode(201).body("amount", equalTo(60.0f))
                .body("points", equalTo(60)).extract().asString();
        refundLines(orderId, "a", 2)
                .statusCode(422).contentType("application/problem+json").body("code", equalTo("REFUND_EXCEEDS_LINE"))
                .body("errors[0].field", equalTo("lines[0]"))
                .body("detail", equalTo("lines[0]: order '" + orderId + "' has 2 of SKU 'a', of which 0 are left to"
                        + " refund, fewer than the 2 asked"));
        refusedAsExceeding(orderId, "a", 1);
        // A repeat of the first is still the first.
        assertThat(refund(orderId, twoOfA).statusCode(200).extract().asString()).isEqualTo(body);

        refundLines(orderId, "z", 1).statusCode(422).contentType("application/problem+json")
                .body("code", equalTo("UNKNOWN_SKU")).body("errors[0].field", equalTo("lines[0]"));
        // Lines of one refund add up; a refusal records nothing, so c can still be refunded after it;
        // promotional b counts 0.
        refundLines(orderId, "c", 1, "c", 1).statusCode(422).body("errors[0].field", equalTo("lines[1]"));
        takesBack(refundLines(orderId, "b", 1, "c", 1), 20.0f, 20);
        refusedAsExceeding(orderId, "b", 1);
    }

    @Test
    void aSkuOnSeveralLinesIsTakenLineByLineAtEachLinesPrice() {
        String orderId = id("o");
        earn(order(orderId, member(), MID_MONTH, List.of(line("a", "x", 1, "10.00", false),
                line("a", "x", 2, "30.00", false)))).statusCode(201).body("points", equalTo(70));
        takesBack(refundLines(orderId, "a", 2), 40.0f, 40);
        refundLines(orderId, "a", 2)
                .statusCode(422).body("detail", equalTo("lines[0]: order '" + orderId + "' has 3 of SKU 'a', of"
                        + " which 1 are left to refund, fewer than the 2 asked"));
        takesBack(refundLines(orderId, "a", 1), 30.0f, 30);
    }

    @Test
    void linesOfARefusedRefundCanBeRefundedAgain() {
        String orderId = id("o");
        earn(order(orderId, member(), MID_MONTH, List.of(line("a", "x", 1, "40.00", false)))).statusCode(201);
        String refused = id("r");
        FakeLedger.ALWAYS.put(refused, 409);
        refund(orderId, Map.of("refundId", refused, "lines", List.of(Map.of("sku", "a", "quantity", 1))))
                .statusCode(201).body("status", equalTo("REFUSED"));
        refundLines(orderId, "a", 1)
                .statusCode(201).body("status", equalTo("CONFIRMED")).body("points", equalTo(40));
    }

    /**
     * A refund by lines takes back what those lines earned, a category multiplier's extra with the
     * line it was for. A 60-yuan TV under a x5 rule and 30 yuan of bread earn 330 (base 90, 240 extra
     * on the TV): the TV returned takes back its 300 and the bread keeps its 30; the bread returned
     * alone takes back 30. Until 2026-12-06 a refund by lines took back in proportion to its amount,
     * so returning the TV took 220 and the member kept 80 of its extra on 30 yuan of bread.
     */
    @Test
    void aRefundByLinesTakesBackWhatThoseLinesEarnedTheirCategorysExtraIncluded() {
        withTvTimesFive(lines -> {
            String tvBack = id("o");
            earn(order(tvBack, member(), MID_MONTH, lines)).statusCode(201).body("points", equalTo(330));
            refund(tvBack, Map.of("refundId", id("r"), "lines", List.of(Map.of("sku", "tv", "quantity", 1))))
                    .statusCode(201).body("points", equalTo(300));
            // The bread, one loaf at a time: 15 each, the last one whatever is left.
            refund(tvBack, Map.of("refundId", id("r"), "lines", List.of(Map.of("sku", "bread", "quantity", 1))))
                    .statusCode(201).body("points", equalTo(15));
            refund(tvBack, Map.of("refundId", id("r"), "lines", List.of(Map.of("sku", "bread", "quantity", 1))))
                    .statusCode(201).body("points", equalTo(15));

            String breadBack = id("o");
            earn(order(breadBack, member(), MID_MONTH, lines)).statusCode(201).body("points", equalTo(330));
            refund(breadBack, Map.of("refundId", id("r"), "lines", List.of(Map.of("sku", "bread", "quantity", 2))))
                    .statusCode(201).body("points", equalTo(30));
            // Then the rest by amount: nothing of the order is left, so every point left goes.
            refund(breadBack, Map.of("refundId", id("r"), "amount", "60.00")).statusCode(201).body("points", equalTo(300));
        });
    }

    /**
     * A refund by amount after one by lines takes in proportion to what is left, not to the order as
     * it was: until 2026-12-07 it took by the order's first average (330 points over 90 yuan), so a
     * loaf of 15 yuan took 55 of the bread's 30 after the TV went back, and half the TV took 110 of
     * its 300 after the bread went back.
     */
    @Test
    void aRefundByAmountAfterOneByLinesTakesInProportionToWhatIsLeft() {
        withTvTimesFive(lines -> {
            String tvBack = id("o");
            earn(order(tvBack, member(), MID_MONTH, lines)).statusCode(201).body("points", equalTo(330));
            refund(tvBack, Map.of("refundId", id("r"), "lines", List.of(Map.of("sku", "tv", "quantity", 1))))
                    .statusCode(201).body("points", equalTo(300));
            takesBack(refund(tvBack, Map.of("refundId", id("r"), "amount", "15.00")), 15.0f, 15);
            takesBack(refund(tvBack, Map.of("refundId", id("r"), "amount", "15.00")), 15.0f, 15);

            String breadBack = id("o");
            earn(order(breadBack, member(), MID_MONTH, lines)).statusCode(201).body("points", equalTo(330));
            refund(breadBack, Map.of("refundId", id("r"), "lines", List.of(Map.of("sku", "bread", "quantity", 2))))
                    .statusCode(201).body("points", equalTo(30));
            takesBack(refund(breadBack, Map.of("refundId", id("r"), "amount", "30.00")), 30.0f, 150);

            // By amount first, then by lines: the 20 yuan left after the TV are bread, and keep its 20.
            String amountFirst = id("o");
            earn(order(amountFirst, member(), MID_MONTH, lines)).statusCode(201).body("points", equalTo(330));
            takesBack(refund(amountFirst, Map.of("refundId", id("r"), "amount", "10.00")), 10.0f, 37);
            refund(amountFirst, Map.of("refundId", id("r"), "lines", List.of(Map.of("sku", "tv", "quantity", 1))))
                    .statusCode(201).body("points", equalTo(273));
            takesBack(refund(amountFirst, Map.of("refundId", id("r"), "amount", "20.00")), 20.0f, 20);
        });
    }

    @Test
    void refundsByAmountAndByLinesShareTheEligibleAmountButOnlyLinesUseUpLines() {
        String orderId = id("o");
        earn(order(orderId, member(), MID_MONTH, List.of(line("a", "x", 2, "40.00", false)))).statusCode(201)
                .body("points", equalTo(80));
        refund(orderId, Map.of("refundId", id("r"), "amount", "30.00")).statusCode(201).body("points", equalTo(30));
        // Both items back would be 80 yuan, and 50 are left of the order: refused whole, nothing recorded.
        exceedsTheOrder(refundLines(orderId, "a", 2), "lines");
        takesBack(refundLines(orderId, "a", 1), 40.0f, 40);
        // One item is left by lines (the amount used up none), but 10 yuan are left of the order.
        exceedsTheOrder(refundLines(orderId, "a", 1), "lines");
        takesBack(refund(orderId, Map.of("refundId", id("r"), "amount", "10.00")), 10.0f, 10);
        exceedsTheOrder(refund(orderId, Map.of("refundId", id("r"), "amount", "0.01")), "amount");
        refusedAsExceeding(orderId, "a", 2);
    }

    @Test
    void concurrentRefundsOfOneOrderNeverTakeTheSameLinesOrPointsTwice() throws Exception {
        String orderId = id("o");
        earn(order(orderId, member(), MID_MONTH, List.of(line("a", "x", 2, "20.00", false)))).statusCode(201)
                .body("points", equalTo(40));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> byLines = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                Map<String, Object> body = Map.of("refundId", id("r"),
                        "lines", List.of(Map.of("sku", "a", "quantity", 2)));
                byLines.add(pool.submit(() -> refund(orderId, body).extract().statusCode()));
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> status : byLines) {
                statuses.add(status.get(60, TimeUnit.SECONDS));
            }
            assertThat(statuses).containsOnly(201, 422).filteredOn(s -> s == 201).hasSize(1);
        } finally {
            pool.shutdownNow();
        }

        String other = id("o");
        earn(order(other, member(), MID_MONTH, List.of(line("40.00")))).statusCode(201).body("points", equalTo(40));
        ExecutorService amounts = Executors.newFixedThreadPool(8);
        try {
            // 40 yuan, 8 refunds of 15: two fit, the others find too little left and are refused whole.
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                Map<String, Object> body = Map.of("refundId", id("r"), "amount", "15.00");
                answers.add(amounts.submit(() -> {
                    var answer = refund(other, body).extract();
                    return answer.statusCode() + " " + (answer.statusCode() == 201 ? answer.path("points")
                            : answer.path("code"));
                }));
            }
            List<String> seen = new ArrayList<>();
            for (Future<String> answer : answers) {
                seen.add(answer.get(60, TimeUnit.SECONDS));
            }
            assertThat(seen).containsOnly("201 15", "422 REFUND_EXCEEDS_ORDER")
                    .filteredOn(a -> a.startsWith("201 ")).hasSize(2);
        } finally {
            amounts.shutdownNow();
        }
    }

    /**
     * One refund id sent for two orders at the same moment: one is recorded, the other is answered
     * 409 REFUND_CONFLICT, never a 500. Until 2026-12-06 each passed the check under its own order's
     * lock, and the later insert met the first's primary key: a 500. Several rounds, since the two
     * must meet between the check and the insert.
     */
    @Test
    void oneRefundIdForTwoOrdersAtOnceIsRecordedOnceAndTheOtherIsAConflict() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 8; round++) {
                String refundId = id("r");
                List<Future<String>> answers = new ArrayList<>();
                for (String orderId : List.of(earned350(member()), earned350(member()))) {
                    Map<String, Object> body = Map.of("refundId", refundId, "amount", "10.00");
                    answers.add(pool.submit(() -> {
                        var answer = refund(orderId, body).extract();
                        return answer.statusCode() + " " + (answer.statusCode() == 201 ? "" : answer.path("code"));
                    }));
                }
                List<String> seen = new ArrayList<>();
                for (Future<String> answer : answers) {
                    seen.add(answer.get(60, TimeUnit.SECONDS));
                }
                assertThat(seen).as("round %d", round).containsExactlyInAnyOrder("201 ", "409 REFUND_CONFLICT");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aReversalTheLedgerCannotTakeYetStaysPendingAndIsRetried() {
        String orderId = id("o");
        earn(order(orderId, member(), MID_MONTH, List.of(line("40.00")))).statusCode(201);
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
            earn(order(orderId, member(), MID_MONTH, List.of(line("40.00")))).statusCode(201);
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
        earn(order(orderId, member(), MID_MONTH, List.of(line("40.00")))).statusCode(201);
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
        earn(order(orderId, member(), MID_MONTH, List.of(line("40.00")))).statusCode(201);
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
        exceedsTheOrder(refund(orderId, Map.of("refundId", id("r"), "amount", "40.00")), "amount");
        refund(orderId, Map.of("refundId", id("r"), "amount", "10.00")).statusCode(201)
                .body("amount", equalTo(10.0f)).body("points", equalTo(10));

        // The ledger is back: repeating the refund reopens it and tries at once.
        FakeLedger.ALWAYS.remove(refundId);
        refund(orderId, Map.of("refundId", refundId, "amount", "30.00")).statusCode(200)
                .body("status", equalTo("CONFIRMED")).body("taken", equalTo(30)).body("$", not(hasKey("failure")));
    }

    @Test
    void aRefundIsReadByItsOrderAndId() {
        String orderId = id("o");
        earn(order(orderId, member(), MID_MONTH, List.of(line("40.00")))).statusCode(201);
        String refundId = id("r");
        String created = refund(orderId, Map.of("refundId", refundId, "amount", "10.00")).statusCode(201)
                .extract().asString();
        assertThat(read(orderId, refundId).statusCode(200).extract().asString()).isEqualTo(created);
        read(id("o"), refundId).statusCode(404).body("code", equalTo("NOT_FOUND"));
        read(orderId, id("r")).statusCode(404).body("code", equalTo("NOT_FOUND"));
    }

    @Test
    void theLedgerStandInAdmitsOnlyAValidServiceTokenAsTheLedgerDoes() {
        // Without this, a reversal sent without earning's token would pass these tests.
        String ledger = ConfigProvider.getConfig().getValue("quarkus.rest-client.ledger.url", String.class);
        String reversal = new JsonObject().put("refundId", id("r")).put("orderId", id("o")).put("lotId", "order-x")
                .put("points", 1).encode();
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("no token", null);
        refused.put("a checkout token", Tokens.checkout());
        refused.put("an expired service token", Tokens.expired("service", "earning-service"));
        refused.put("a service token signed by another key", Tokens.otherKey("service", "earning-service"));
        refused.put("a service token for another audience", Tokens.otherAudience("service", "earning-service"));
        for (Map.Entry<String, String> caller : refused.entrySet()) {
            var request = RestAssured.given().baseUri(ledger).contentType(ContentType.JSON).body(reversal);
            if (caller.getValue() != null) {
                request = request.auth().oauth2(caller.getValue());
            }
            assertThat(request.post("/api/v1/accounts/m-1/reversals").statusCode()).as(caller.getKey()).isEqualTo(401);
        }
        RestAssured.given().baseUri(ledger).auth().oauth2(Tokens.service()).contentType(ContentType.JSON)
                .body(reversal).post("/api/v1/accounts/m-1/reversals").then().statusCode(201);
    }

    /** A new refund of these lines: a SKU, its quantity, the next SKU, its quantity… */
    private static ValidatableResponse refundLines(String orderId, Object... skusAndQuantities) {
        List<Map<String, Object>> lines = new ArrayList<>();
        for (int i = 0; i < skusAndQuantities.length; i += 2) {
            lines.add(Map.of("sku", skusAndQuantities[i], "quantity", skusAndQuantities[i + 1]));
        }
        return refund(orderId, Map.of("refundId", id("r"), "lines", lines));
    }

    /**
     * Runs {@code test} with the order lines of a 60-yuan TV under a ×5 category rule (made for it,
     * removed after) beside two 15-yuan loaves: 330 points, 300 of them the TV's.
     */
    private static void withTvTimesFive(java.util.function.Consumer<List<Map<String, Object>>> test) {
        String category = id("tv");
        String ruleId = id("tv-x5");
        asAdmin().contentType(ContentType.JSON).body(Map.of("ruleId", ruleId, "kind", "CATEGORY_MULTIPLIER",
                "category", category, "multiplier", "5")).post("/api/v1/rules").then().statusCode(201);
        try {
            test.accept(List.of(line("tv", category, 1, "60.00", false), line("bread", "grocery", 2, "15.00", false)));
        } finally {
            asAdmin().delete("/api/v1/rules/" + ruleId).then().statusCode(200);
        }
    }

    private static void takesBack(ValidatableResponse refund, float amount, int points) {
        refund.statusCode(201).body("amount", equalTo(amount)).body("points", equalTo(points));
    }

    private static void exceedsTheOrder(ValidatableResponse refund, String field) {
        refund.statusCode(422).contentType("application/problem+json").body("code", equalTo("REFUND_EXCEEDS_ORDER"))
                .body("errors[0].field", equalTo(field));
    }

    private static void refusedAsExceeding(String orderId, String sku, int quantity) {
        refundLines(orderId, sku, quantity).statusCode(422).contentType("application/problem+json")
                .body("code", equalTo("REFUND_EXCEEDS_LINE")).body("errors[0].field", equalTo("lines[0]"));
    }

    private static long sentCount(String refundId) {
        return FakeLedger.RECEIVED.stream().filter(r -> refundId.equals(r.body().getString("refundId"))).count();
    }

    /** A new order of the member, 150 yuan: 350 points (150 base, 200 for the 100-yuan threshold). */
    private static String earned350(String memberId) {
        String orderId = id("o");
        earn(order(orderId, memberId, MID_MONTH, List.of(line("150.00")))).statusCode(201).body("points", equalTo(350));
        return orderId;
    }

    private static ValidatableResponse read(String orderId, String refundId) {
        return asCheckout().get("/api/v1/earnings/" + orderId + "/refunds/" + refundId).then();
    }

    @Test
    void badRefundsAreRefused() {
        refund(id("o"), Map.of("refundId", id("r"), "amount", "1.00")).statusCode(404).body("code", equalTo("NOT_FOUND"));
        String orderId = id("o");
        earn(order(orderId, member(), MID_MONTH, List.of(line("40.00")))).statusCode(201);
        refund(orderId, Map.of("refundId", id("r"))).statusCode(400).body("code", equalTo("VALIDATION_FAILED"));
        refund(orderId, Map.of("refundId", id("r"), "amount", "0.001")).statusCode(400);
        // The ledger's settlements of debt are named so in the same place as a refund's id.
        for (String taken : List.of("settle:lot-1", "settle-release:h-1", "settle-return:x")) {
            refund(orderId, Map.of("refundId", taken, "amount", "1.00")).statusCode(400)
                    .body("errors[0].field", equalTo("refundId"));
        }
        refund(orderId, Map.of("refundId", "settlement-" + id("r"), "amount", "1.00")).statusCode(201);
    }

    private static JsonObject sentFor(String refundId) {
        return FakeLedger.RECEIVED.stream().filter(r -> refundId.equals(r.body().getString("refundId")))
                .findFirst().orElseThrow().body();
    }

    private static ValidatableResponse refund(String orderId, Map<String, ?> body) {
        return asCheckout().contentType(ContentType.JSON).body(body).post("/api/v1/earnings/" + orderId + "/refunds").then();
    }
}
