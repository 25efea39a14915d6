package io.pointsplatform.redemption;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import io.pointsplatform.testing.LocalPostgres;
import io.pointsplatform.testing.PlatformTestResource;
import io.pointsplatform.testing.Tokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** Points as payment at checkout, against the stand-in ledger (FakeServices): hold, capture, cancel, refund, cap, expiry. */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "redemption"))
@WithTestResource(FakeServices.class)
class PaymentTest {

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

    private static String id(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static ValidatableResponse pay(String paymentId, String memberId, String orderAmount, Object points) {
        return payFor(paymentId, "o-" + paymentId, memberId, orderAmount, points);
    }

    /** A payment with a fresh payment code of the member's, by the tests' checkout. */
    private static ValidatableResponse payFor(String paymentId, String orderId, String memberId, String orderAmount, Object points) {
        return payWith(Tokens.checkout(), code(memberId), paymentId, orderId, memberId, orderAmount, points);
    }

    private static ValidatableResponse payWith(String checkout, String code, String paymentId, String orderId, String memberId,
                                               String orderAmount, Object points) {
        return given().auth().oauth2(checkout).contentType(ContentType.JSON)
                .body("{\"paymentId\":\"" + paymentId + "\",\"orderId\":\"" + orderId + "\",\"memberId\":\"" + memberId
                        + "\",\"orderAmount\":" + orderAmount + ",\"currency\":\"CNY\",\"points\":" + points
                        + (code == null ? "" : ",\"paymentCode\":\"" + code + "\"") + "}")
                .post("/api/v1/payments").then();
    }

    /** A new payment code of the member's, asked with its own token as its app asks. */
    private static String code(String memberId) {
        return given().auth().oauth2(Tokens.member(memberId)).post("/api/v1/members/{m}/payment-codes", memberId).then()
                .statusCode(201).body("memberId", equalTo(memberId)).extract().path("code");
    }

    private static ValidatableResponse post(String path, Object body) {
        var request = given().auth().oauth2(Tokens.checkout());
        if (body != null) {
            request = request.contentType(ContentType.JSON).body(body);
        }
        return request.post(path).then();
    }

    /** The payment's hold is past its expiry, as far as this service knows (what the ledger did is the ledger's). */
    private void lapse(String paymentId) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl, LocalPostgres.USER, LocalPostgres.PASSWORD)) {
            c.createStatement().execute("update payment set hold_expires_at = now() - interval '1 second'"
                    + " where payment_id = '" + paymentId + "'");
        }
    }

    @Test
    void heldThenCapturedThenRefundedInProportion() {
        String member = id("m-pay");
        String payment = id("pay");
        FakeServices.balance(member, 10_000);

        String first = pay(payment, member, "100.00", 3_000).statusCode(201).body("status", equalTo("HELD"))
                .body("amount", equalTo(30.0f)).body("points", equalTo(3_000)).extract().asString();
        assertThat(FakeServices.available(member)).isEqualTo(7_000);
        assertThat(FakeServices.hold("payment:" + payment).reference).isEqualTo("payment:" + payment);
        pay(payment, member, "100.00", 3_000).statusCode(200).body("status", equalTo("HELD"));
        pay(payment, member, "100.00", 2_000).statusCode(409).body("code", equalTo("PAYMENT_CONFLICT"));
        assertThat(first).contains("\"paymentId\":\"" + payment + "\"");

        post("/api/v1/payments/" + payment + "/refunds", Map.of("refundId", "r-0", "amount", 1)).statusCode(409)
                .body("code", equalTo("PAYMENT_NOT_CAPTURED"));
        post("/api/v1/payments/" + payment + "/capture", null).statusCode(200).body("status", equalTo("CAPTURED"));
        post("/api/v1/payments/" + payment + "/capture", null).statusCode(200).body("status", equalTo("CAPTURED"));
        assertThat(FakeServices.hold(io.pointsplatform.events.ServiceHoldIds.payment(payment)).status).isEqualTo("CAPTURED");
        post("/api/v1/payments/" + payment + "/cancel", null).statusCode(409).body("code", equalTo("PAYMENT_CAPTURED"));

        post("/api/v1/payments/" + payment + "/refunds", Map.of("refundId", "r-1", "amount", "33.33")).statusCode(201)
                .body("refundedPoints", equalTo(999)).body("refunds", hasSize(1)).body("refunds[0].status", equalTo("DONE"));
        assertThat(FakeServices.available(member)).isEqualTo(7_999);
        post("/api/v1/payments/" + payment + "/refunds", Map.of("refundId", "r-1", "amount", "33.33")).statusCode(200)
                .body("refundedPoints", equalTo(999));
        post("/api/v1/payments/" + payment + "/refunds", Map.of("refundId", "r-1", "amount", "10.00")).statusCode(409)
                .body("code", equalTo("REFUND_CONFLICT"));
        // An Idempotency-Key is honoured as on every POST: the same key with another refund is refused, not run.
        given().auth().oauth2(Tokens.checkout()).header("Idempotency-Key", "k-" + payment).contentType(ContentType.JSON)
                .body(Map.of("refundId", "r-1", "amount", "33.33")).post("/api/v1/payments/" + payment + "/refunds")
                .then().statusCode(200).body("refundedPoints", equalTo(999));
        given().auth().oauth2(Tokens.checkout()).header("Idempotency-Key", "k-" + payment).contentType(ContentType.JSON)
                .body(Map.of("refundId", "r-9", "amount", "1.00")).post("/api/v1/payments/" + payment + "/refunds")
                .then().statusCode(409).body("code", equalTo("IDEMPOTENCY_KEY_REUSED"));
        assertThat(FakeServices.available(member)).isEqualTo(7_999);
        post("/api/v1/payments/" + payment + "/refunds", Map.of("refundId", "r-2", "amount", "66.67")).statusCode(201)
                .body("refundedPoints", equalTo(3_000)).body("refundedAmount", equalTo(100.0f));
        assertThat(FakeServices.available(member)).as("every point back once the whole order is refunded").isEqualTo(10_000);
        post("/api/v1/payments/" + payment + "/refunds", Map.of("refundId", "r-3", "amount", "0.01")).statusCode(409)
                .body("code", equalTo("REFUND_EXCEEDS_ORDER"));

        given().auth().oauth2(Tokens.member(member)).get("/api/v1/payments/{id}", payment).then().statusCode(200)
                .body("refunds", hasSize(2));
        given().auth().oauth2(Tokens.member(member + "-other")).get("/api/v1/payments/{id}", payment).then()
                .statusCode(403).body("code", equalTo("NOT_OWN_ACCOUNT"));
    }

    @Test
    void aCancelGivesTheHeldPointsBackAndACancelledPaymentIsNotCaptured() {
        String member = id("m-pay-cancel");
        String payment = id("pay");
        FakeServices.balance(member, 1_000);
        pay(payment, member, "20.00", 1_000).statusCode(201);
        assertThat(FakeServices.available(member)).isZero();
        post("/api/v1/payments/" + payment + "/cancel", null).statusCode(200).body("status", equalTo("CANCELLED"));
        post("/api/v1/payments/" + payment + "/cancel", null).statusCode(200).body("status", equalTo("CANCELLED"));
        assertThat(FakeServices.available(member)).isEqualTo(1_000);
        post("/api/v1/payments/" + payment + "/capture", null).statusCode(409).body("code", equalTo("PAYMENT_CANCELLED"));
        post("/api/v1/payments/pay-none/capture", null).statusCode(404).body("code", equalTo("NOT_FOUND"));
    }

    @Test
    void theCapWholePointsAndTheBalanceAreEnforcedAndARefusalLeavesNothing() {
        String member = id("m-pay-cap");
        FakeServices.balance(member, 6_000);
        pay(id("pay"), member, "99.99", 5_000).statusCode(422).body("code", equalTo("POINTS_CAP_EXCEEDED"));
        pay(id("pay"), member, "100.00", "1.5").statusCode(400).body("code", equalTo("VALIDATION_FAILED"));
        pay(id("pay"), member, "100.001", 10).statusCode(400).body("code", equalTo("VALIDATION_FAILED"));
        pay(id("pay"), member, "99.99", 4_999).statusCode(201);
        String poor = id("pay");
        pay(poor, member, "100.00", 5_000).statusCode(409).body("code", equalTo("INSUFFICIENT_POINTS"));
        given().auth().oauth2(Tokens.checkout()).get("/api/v1/payments/{id}", poor).then().statusCode(404);
        assertThat(FakeServices.available(member)).isEqualTo(1_001);
        pay(id("pay"), id("m-no-account"), "10.00", 1).statusCode(409).body("code", equalTo("INSUFFICIENT_POINTS"));
        given().auth().oauth2(Tokens.checkout()).contentType(ContentType.JSON)
                .body(Map.of("orderId", "o-x", "memberId", member, "orderAmount", 10, "currency", "USD", "points", 1))
                .post("/api/v1/payments").then().statusCode(400).body("code", equalTo("VALIDATION_FAILED"));
    }

    @Test
    void theCapIsTheOrdersOverAllItsPaymentsEvenSentAtOnce() throws Exception {
        String member = id("m-pay-split");
        FakeServices.balance(member, 10_000);
        String order = id("o-split");
        // 30 yuan at 50 %: 1 500 points at most over all the order's payments, not each.
        String first = id("pay");
        payFor(first, order, member, "30.00", 1_000).statusCode(201);
        payFor(id("pay"), order, member, "30.00", 600).statusCode(422).body("code", equalTo("POINTS_CAP_EXCEEDED"))
                .body("detail", containsString("hold 1000 already"));
        payFor(id("pay"), order, member, "30.00", 500).statusCode(201);
        // One order, one member and one amount: a payment naming other terms is refused.
        payFor(id("pay"), order, id("m-pay-other"), "30.00", 1).statusCode(409).body("code", equalTo("ORDER_CONFLICT"));
        payFor(id("pay"), order, member, "300.00", 1).statusCode(409).body("code", equalTo("ORDER_CONFLICT"));
        assertThat(FakeServices.available(member)).isEqualTo(8_500);
        // A cancelled payment no longer counts against the cap.
        post("/api/v1/payments/" + first + "/cancel", null).statusCode(200).body("status", equalTo("CANCELLED"));
        payFor(id("pay"), order, member, "30.00", 1_000).statusCode(201);
        assertThat(FakeServices.available(member)).isEqualTo(8_500);

        // Five payments of 400 points for one 30-yuan order at once (the tests' rate limit lets a member
        // make five a minute): three fit under 1 500, never four.
        String rusher = id("m-pay-rush");
        FakeServices.balance(rusher, 10_000);
        String rush = id("o-rush");
        ExecutorService threads = Executors.newFixedThreadPool(5);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                answers.add(threads.submit(() -> payFor(id("pay"), rush, rusher, "30.00", 400).extract().statusCode()));
            }
            List<Integer> codes = new ArrayList<>();
            for (Future<Integer> answer : answers) {
                codes.add(answer.get(60, TimeUnit.SECONDS));
            }
            assertThat(codes).containsOnly(201, 422);
            assertThat(codes.stream().filter(code -> code == 201).count()).isEqualTo(3);
        } finally {
            threads.shutdownNow();
        }
        assertThat(FakeServices.available(rusher)).isEqualTo(10_000 - 1_200);
    }

    @Test
    void aHoldThatLapsedMakesThePaymentExpired() throws SQLException {
        String member = id("m-pay-exp");
        FakeServices.balance(member, 1_000);
        String lapsedAtTheLedger = id("pay");
        pay(lapsedAtTheLedger, member, "10.00", 500).statusCode(201);
        FakeServices.expire("payment:" + lapsedAtTheLedger);
        post("/api/v1/payments/" + lapsedAtTheLedger + "/capture", null).statusCode(409)
                .body("code", equalTo("PAYMENT_EXPIRED"));
        given().auth().oauth2(Tokens.analyst()).get("/api/v1/payments/{id}", lapsedAtTheLedger).then().statusCode(200)
                .body("status", equalTo("EXPIRED"));

        String pastItsTtl = id("pay");
        pay(pastItsTtl, member, "10.00", 500).statusCode(201);
        lapse(pastItsTtl);
        // Another member's token is refused before anything is settled with the ledger (until
        // 2026-12-06 the read settled the payment first, then answered 403).
        given().auth().oauth2(Tokens.member(id("m-other"))).get("/api/v1/payments/{id}", pastItsTtl).then()
                .statusCode(403).body("code", equalTo("NOT_OWN_ACCOUNT"));
        assertThat(FakeServices.hold("payment:" + pastItsTtl).status).isEqualTo("OPEN");
        given().auth().oauth2(Tokens.admin()).get("/api/v1/payments/{id}", pastItsTtl).then().statusCode(200)
                .body("status", equalTo("EXPIRED"));
        post("/api/v1/payments/" + pastItsTtl + "/cancel", null).statusCode(200).body("status", equalTo("EXPIRED"));
        // Settled with the ledger, not only here: the hold it still had open is released, the points back at once.
        assertThat(FakeServices.hold("payment:" + pastItsTtl).status).isEqualTo("RELEASED_CANCELLED");
        assertThat(FakeServices.available(member)).isEqualTo(1_000);

        // A capture the ledger made whose answer was lost (a crash before it was recorded here): past
        // the TTL the payment is what the ledger says, CAPTURED, not EXPIRED with the points spent.
        String capturedUnheard = id("pay");
        pay(capturedUnheard, member, "10.00", 500).statusCode(201);
        FakeServices.hold("payment:" + capturedUnheard).status = "CAPTURED";
        lapse(capturedUnheard);
        given().auth().oauth2(Tokens.checkout()).get("/api/v1/payments/{id}", capturedUnheard).then().statusCode(200)
                .body("status", equalTo("CAPTURED"));
        post("/api/v1/payments/" + capturedUnheard + "/cancel", null).statusCode(409)
                .body("code", equalTo("PAYMENT_CAPTURED"));
    }

    /**
     * A hold that reached the ledger after the payment was settled EXPIRED without it (a retried
     * request's hold on its way at the payment's TTL, a read meanwhile finding no hold): released at
     * once, not left to keep the member's points until its own TTL.
     */
    @Test
    void aHoldPlacedAfterThePaymentExpiredIsReleased() {
        String member = id("m-pay-late");
        FakeServices.balance(member, 1_000);
        String paymentId = id("pay");
        FakeServices.beforeHold = () -> {
            try (Connection c = DriverManager.getConnection(jdbcUrl, LocalPostgres.USER, LocalPostgres.PASSWORD)) {
                c.createStatement().execute("update payment set status = 'EXPIRED' where payment_id = '" + paymentId + "'");
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        };
        try {
            pay(paymentId, member, "10.00", 500).body("status", equalTo("EXPIRED"));
        } finally {
            FakeServices.beforeHold = null;
        }
        assertThat(FakeServices.hold("payment:" + paymentId).status).isEqualTo("RELEASED_CANCELLED");
        assertThat(FakeServices.available(member)).isEqualTo(1_000);
    }

    /**
     * A payment whose hold lapsed and that nobody read since still said HELD, and so counted against
     * its order's cap: the order could not be paid with points again until someone read it.
     */
    @Test
    void aLapsedPaymentNobodyReadNoLongerCountsAgainstItsOrdersCap() throws SQLException {
        String member = id("m-pay-lapsed-cap");
        FakeServices.balance(member, 10_000);
        String order = id("o-lapsed-cap");
        String first = id("pay");
        // 20 yuan at 50 %: 1 000 points at most over the order's live payments.
        payFor(first, order, member, "20.00", 1_000).statusCode(201);
        FakeServices.expire("payment:" + first);
        lapse(first);
        String second = id("pay");
        payFor(second, order, member, "20.00", 1_000).statusCode(201).body("status", equalTo("HELD"));
        given().auth().oauth2(Tokens.checkout()).get("/api/v1/payments/{id}", first).then().statusCode(200)
                .body("status", equalTo("EXPIRED"));
        assertThat(FakeServices.available(member)).isEqualTo(9_000);
        // The live one still counts.
        payFor(id("pay"), order, member, "20.00", 1).statusCode(422).body("code", equalTo("POINTS_CAP_EXCEEDED"));
        // The expired one sent again is a repeat, answered as it stands, not a new payment over the cap
        // (until 2026-12-06: 422 POINTS_CAP_EXCEEDED); its id with other content is a conflict.
        payFor(first, order, member, "20.00", 1_000).statusCode(200).body("status", equalTo("EXPIRED"));
        payFor(first, id("o-other"), member, "20.00", 1_000).statusCode(409).body("code", equalTo("PAYMENT_CONFLICT"));
        assertThat(FakeServices.available(member)).isEqualTo(9_000);
    }

    @Test
    void theLedgerDownIs503AndTheSameRequestLaterHolds() {
        String member = id("m-pay-down");
        String payment = id("pay");
        FakeServices.balance(member, 100);
        FakeServices.ledgerDown = true;
        try {
            pay(payment, member, "10.00", 100).statusCode(503).body("code", equalTo("LEDGER_UNAVAILABLE"))
                    .header("Retry-After", "1");
        } finally {
            FakeServices.ledgerDown = false;
        }
        pay(payment, member, "10.00", 100).statusCode(201).body("status", equalTo("HELD"));
        assertThat(FakeServices.available(member)).isZero();
    }

    /**
     * The same request sent again asks the ledger the hold's TTL the payment was recorded with, not
     * the setting of the process that answers it now: the ledger answers a repeated hold id with
     * another ttlSeconds as HOLD_CONFLICT. Until 2026-12-07 a payment left PENDING by a ledger that
     * did not answer (its hold placed all the same), sent again after a deploy that changed
     * points.payment.hold-ttl-seconds, was refused 409 HOLD_CONFLICT and forgotten, its points held.
     */
    @Test
    void theSameRequestAfterASettingChangedAsksTheHoldsRecordedTtl() throws SQLException {
        String member = id("m-pay-ttl");
        String payment = id("pay");
        FakeServices.balance(member, 100);
        FakeServices.ledgerDown = true;
        try {
            pay(payment, member, "10.00", 100).statusCode(503).body("code", equalTo("LEDGER_UNAVAILABLE"));
        } finally {
            FakeServices.ledgerDown = false;
        }
        // What a process running with holds of 600 s left: the payment PENDING, its hold placed unanswered.
        try (Connection c = DriverManager.getConnection(jdbcUrl, LocalPostgres.USER, LocalPostgres.PASSWORD)) {
            c.createStatement().execute("update payment set hold_ttl_seconds = 600 where payment_id = '" + payment + "'");
        }
        FakeServices.holdOf(io.pointsplatform.events.ServiceHoldIds.payment(payment), member, 100).ttlSeconds = 600;
        pay(payment, member, "10.00", 100).statusCode(201).body("status", equalTo("HELD"));
        assertThat(FakeServices.available(member)).isZero();
        assertThat(FakeServices.hold(io.pointsplatform.events.ServiceHoldIds.payment(payment)).status).isEqualTo("OPEN");
    }

    @Test
    void aRefundTheLedgerDidNotAnswerIsGivenBackByTheRecoveryJob() {
        String member = id("m-pay-refund");
        String payment = id("pay");
        FakeServices.balance(member, 1_000);
        pay(payment, member, "20.00", 1_000).statusCode(201);
        post("/api/v1/payments/" + payment + "/capture", null).statusCode(200);
        FakeServices.ledgerDown = true;
        try {
            post("/api/v1/payments/" + payment + "/refunds", Map.of("refundId", "r-1", "amount", "5.00")).statusCode(503)
                    .body("code", equalTo("LEDGER_UNAVAILABLE"));
        } finally {
            FakeServices.ledgerDown = false;
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).untilAsserted(() ->
                given().auth().oauth2(Tokens.checkout()).get("/api/v1/payments/{id}", payment).then().statusCode(200)
                        .body("refunds[0].status", equalTo("DONE")).body("refundedPoints", equalTo(250)));
        assertThat(FakeServices.available(member)).isEqualTo(250);
        // The same refund sent again later changes nothing more.
        post("/api/v1/payments/" + payment + "/refunds", Map.of("refundId", "r-1", "amount", "5.00")).statusCode(200);
        assertThat(FakeServices.available(member)).isEqualTo(250);
    }

    @Test
    void anIdempotencyKeyNamesThePaymentAndTooManyAre429() {
        String member = id("m-pay-key");
        FakeServices.balance(member, 1_000);
        String key = UUID.randomUUID().toString();
        Map<String, Object> body = Map.of("orderId", "o-key", "memberId", member, "orderAmount", "10.00", "points", 10,
                "paymentCode", code(member));
        String first = given().auth().oauth2(Tokens.checkout()).contentType(ContentType.JSON).header("Idempotency-Key", key)
                .body(body).post("/api/v1/payments").then().statusCode(201).extract().path("paymentId");
        given().auth().oauth2(Tokens.checkout()).contentType(ContentType.JSON).header("Idempotency-Key", key)
                .body(body).post("/api/v1/payments").then().statusCode(201).body("paymentId", equalTo(first));
        assertThat(FakeServices.available(member)).isEqualTo(990);
        for (int i = 0; i < 4; i++) {
            pay(id("pay"), member, "10.00", 1).statusCode(201);
        }
        // The limit is counted before the payment's code is looked at (a sixth code would be refused too).
        String retryAfter = payWith(Tokens.checkout(), null, id("pay"), "o-late", member, "10.00", 1).statusCode(429)
                .body("code", equalTo("RATE_LIMITED"))
                .extract().header("Retry-After");
        assertThat(Long.parseLong(retryAfter)).isBetween(1L, 60L);
    }

    @Test
    void aPaymentNeedsTheMembersOwnUnusedUnexpiredCode() throws SQLException {
        // Three members, as the tests' rate limit lets a member make five payments a minute.
        String refusedMember = id("m-pay-nocode");
        String member = id("m-pay-code");
        String late = id("m-pay-late");
        String other = id("m-pay-code-other");
        for (String m : List.of(refusedMember, member, late, other)) {
            FakeServices.balance(m, 1_000);
        }
        payWith(Tokens.checkout(), null, id("pay"), id("o"), refusedMember, "10.00", 100).statusCode(400)
                .body("code", equalTo("VALIDATION_FAILED")).body("errors[0].field", equalTo("paymentCode"));
        payWith(Tokens.checkout(), code(other), id("pay"), id("o"), refusedMember, "10.00", 100).statusCode(422)
                .body("code", equalTo("PAYMENT_CODE_INVALID"));
        payWith(Tokens.checkout(), "123456789012345678", id("pay"), id("o"), refusedMember, "10.00", 100).statusCode(422)
                .body("code", equalTo("PAYMENT_CODE_INVALID"));
        payWith(Tokens.checkout(), "12345", id("pay"), id("o"), refusedMember, "10.00", 100).statusCode(400)
                .body("errors[0].field", equalTo("paymentCode"));
        assertThat(FakeServices.available(refusedMember)).as("nothing held without the member's code").isEqualTo(1_000);
        assertThat(FakeServices.available(other)).isEqualTo(1_000);

        String code = code(member);
        assertThat(code).matches("[0-9]{18}");
        String paid = id("pay");
        String order = id("o");
        payWith(Tokens.checkout(), code, paid, order, member, "10.00", 100).statusCode(201).body("status", equalTo("HELD"))
                .body("shopId", equalTo("checkout-test"));
        // A repeat of the payment is answered as it stands; the code pays no other payment.
        payWith(Tokens.checkout(), code, paid, order, member, "10.00", 100).statusCode(200);
        payWith(Tokens.checkout(), code, id("pay"), id("o"), member, "10.00", 100).statusCode(422)
                .body("code", equalTo("PAYMENT_CODE_USED"));
        assertThat(FakeServices.available(member)).isEqualTo(900);
        // A payment the ledger refused gives its code back.
        String refused = code(member);
        payWith(Tokens.checkout(), refused, id("pay"), id("o"), member, "100.00", 2_000).statusCode(409)
                .body("code", equalTo("INSUFFICIENT_POINTS"));
        payWith(Tokens.checkout(), refused, id("pay"), id("o"), member, "10.00", 200).statusCode(201);
        assertThat(FakeServices.available(member)).isEqualTo(700);

        String lapsed = code(late);
        try (Connection c = DriverManager.getConnection(jdbcUrl, LocalPostgres.USER, LocalPostgres.PASSWORD)) {
            var kept = c.createStatement().executeQuery("select count(*) filter (where code_hash in ('" + code + "', '"
                    + lapsed + "')), count(*) filter (where member_id = '" + member + "' and payment_id is not null"
                    + " and expires_at - created_at = interval '120 seconds') from payment_code");
            kept.next();
            assertThat(kept.getInt(1)).as("no code kept as it was shown").isZero();
            assertThat(kept.getInt(2)).as("the member's two codes, each used, each for 120 s").isEqualTo(2);
            c.createStatement().execute("update payment_code set expires_at = now() - interval '1 second'"
                    + " where member_id = '" + late + "'");
        }
        payWith(Tokens.checkout(), lapsed, id("pay"), id("o"), late, "10.00", 100).statusCode(422)
                .body("code", equalTo("PAYMENT_CODE_EXPIRED"));
        assertThat(FakeServices.available(late)).isEqualTo(1_000);
    }

    @Test
    void aPaymentBelongsToTheShopThatMadeIt() {
        String member = id("m-pay-shop");
        FakeServices.balance(member, 1_000);
        String payment = id("pay");
        String otherShop = Tokens.of("checkout", "checkout-other-shop");
        pay(payment, member, "20.00", 500).statusCode(201);
        for (String action : List.of("capture", "cancel")) {
            given().auth().oauth2(otherShop).post("/api/v1/payments/{id}/" + action, payment).then().statusCode(403)
                    .body("code", equalTo("NOT_OWN_PAYMENT"));
        }
        given().auth().oauth2(otherShop).get("/api/v1/payments/{id}", payment).then().statusCode(403)
                .body("code", equalTo("NOT_OWN_PAYMENT"));
        assertThat(FakeServices.hold(io.pointsplatform.events.ServiceHoldIds.payment(payment)).status).as("another shop moved nothing").isEqualTo("OPEN");
        // Its id and its order are the shop's: another shop's payment under either is refused.
        payWith(otherShop, code(member), payment, "o-" + payment, member, "20.00", 500).statusCode(409)
                .body("code", equalTo("PAYMENT_CONFLICT"));
        payWith(otherShop, code(member), id("pay"), "o-" + payment, member, "20.00", 100).statusCode(409)
                .body("code", equalTo("ORDER_CONFLICT"));
        post("/api/v1/payments/" + payment + "/capture", null).statusCode(200).body("status", equalTo("CAPTURED"));
        given().auth().oauth2(otherShop).contentType(ContentType.JSON).body(Map.of("refundId", "r-1", "amount", "20.00"))
                .post("/api/v1/payments/{id}/refunds", payment).then().statusCode(403).body("code", equalTo("NOT_OWN_PAYMENT"));
        assertThat(FakeServices.available(member)).isEqualTo(500);
        given().auth().oauth2(Tokens.admin()).get("/api/v1/payments/{id}", payment).then().statusCode(200)
                .body("shopId", equalTo("checkout-test")).body("refunds", hasSize(0));
        given().auth().oauth2(Tokens.member(member)).get("/api/v1/payments/{id}", payment).then().statusCode(200);
    }
}
