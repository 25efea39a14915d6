package io.pointsplatform.system;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasSize;

import io.pointsplatform.testing.Tokens;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A member spends points on rewards through the real services as processes: earning enrols,
 * the ledger holds and captures, catalog reserves and confirms stock, redemption-service runs the
 * saga. A flash sale never sells beyond stock and leaves no hold or reservation open, every kind
 * of reward completes end to end, and a catalog that is down never costs a member points.
 */
class RedemptionJourneyTest {

    private static Platform platform;
    private static Spending shop;

    @BeforeAll
    static void start() throws Exception {
        platform = Platform.start(Map.of("redemption-service/points.rate-limit.permits", "1000"),
                "earning-service", "ledger-service", "catalog-service", "redemption-service");
        shop = new Spending(platform);
    }

    @AfterAll
    static void stop() throws Exception {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void aFlashSaleSellsExactlyItsStockAndLeavesNothingOpen() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> members = shop.enrol("flash-" + run, 300);
        String rewardId = shop.reward(Map.of("rewardId", "flash-" + run, "name", "限量礼品", "kind", "GIFT",
                "pointsCost", 30, "stock", 100));

        Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> completedBy = new ConcurrentHashMap<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(64)) {
            List<Future<?>> attempts = new ArrayList<>();
            for (int i = 0; i < 1_000; i++) {
                String memberId = members.get(i % members.size());
                String key = "flash-" + run + "-" + i;
                attempts.add(pool.submit(() -> {
                    String status = shop.settle(shop.redeem(memberId, rewardId, key), memberId);
                    outcomes.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
                    if ("COMPLETED".equals(status)) {
                        completedBy.computeIfAbsent(memberId, m -> new AtomicInteger()).incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> attempt : attempts) {
                attempt.get();
            }
        }

        assertThat(outcomes.get("COMPLETED")).as("outcomes %s", outcomes).hasValue(100);
        assertThat(outcomes.keySet()).containsOnly("COMPLETED", "FAILED");
        given().auth().oauth2(Tokens.admin()).baseUri(platform.url("catalog-service"))
                .get("/api/v1/rewards/{id}", rewardId).then().statusCode(200).body("stock", equalTo(0));
        // Refused by catalog or by the sold-out memory, every attempt names the reward as catalog's refusal did.
        for (String memberId : members.subList(0, 20)) {
            given().auth().oauth2(Tokens.member(memberId)).baseUri(platform.url("redemption-service"))
                    .get("/api/v1/members/{m}/redemptions", memberId).then().statusCode(200)
                    .body("items", hasSize(greaterThan(0))).body("items.rewardName", everyItem(equalTo("限量礼品")));
        }
        // Every member paid for exactly what it got, and nothing is left held.
        for (String memberId : members) {
            int got = completedBy.getOrDefault(memberId, new AtomicInteger()).get();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().auth().oauth2(Tokens.analyst())
                    .baseUri(platform.url("ledger-service")).get("/api/v1/accounts/{m}", memberId).then()
                    .body("available", equalTo(100 - 30 * got)).body("reserved", equalTo(0))
                    .body("spent", equalTo(30 * got)));
        }
    }

    @Test
    void everyKindOfRewardIsRedeemedEndToEnd() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String memberId = shop.enrol("kinds-" + run, 1).get(0);
        String catalog = platform.url("catalog-service");

        String gift = shop.reward(Map.of("rewardId", "gift-" + run, "name", "保温杯", "kind", "GIFT", "pointsCost", 10, "stock", 5));
        String voucher = shop.reward(Map.of("rewardId", "voucher-" + run, "name", "5元券", "kind", "VOUCHER",
                "voucherValue", "0.10", "stock", 5));
        String coupon = shop.reward(Map.of("rewardId", "coupon-" + run, "name", "咖啡券", "kind", "COUPON", "pointsCost", 10));
        given().auth().oauth2(Tokens.admin()).baseUri(catalog).contentType("text/csv")
                .body("code\nCAFE-" + run + "-1\nCAFE-" + run + "-2\n")
                .post("/api/v1/rewards/{id}/coupon-codes", coupon).then().statusCode(200);
        String lottery = shop.reward(Map.of("rewardId", "lottery-" + run, "name", "幸运抽奖", "kind", "LOTTERY", "pointsCost", 10,
                "prizes", List.of(Map.of("prizeId", "p1", "name", "耳机", "odds", "0.5", "stock", 3))));
        String donation = shop.reward(Map.of("rewardId", "donation-" + run, "name", "助学", "kind", "DONATION",
                "pointsCost", 10, "cause", "希望小学"));

        Response giftDone = shop.completed(memberId, gift);
        assertThat(giftDone.<Integer>path("pointsSpent")).isEqualTo(10);
        // The name catalog reserved it under, kept with the redemption for the member's list and notices.
        assertThat(giftDone.<String>path("rewardName")).isEqualTo("保温杯");
        Response voucherDone = shop.completed(memberId, voucher);
        assertThat(voucherDone.<String>path("voucherCode")).isNotBlank();
        // Its value raised after the redemption: the voucher a shop accepts is still worth what was paid for.
        given().auth().oauth2(Tokens.admin()).baseUri(catalog).contentType("application/json")
                .body(Map.of("rewardId", voucher, "name", "5元券", "kind", "VOUCHER", "voucherValue", "0.50", "stock", 5))
                .put("/api/v1/rewards/{id}", voucher).then().statusCode(200).body("pointsCost", equalTo(50));
        given().auth().oauth2(Tokens.checkout()).baseUri(platform.url("redemption-service")).contentType("application/json")
                .body(Map.of("orderId", "o-" + run)).post("/api/v1/vouchers/{code}/use", voucherDone.<String>path("voucherCode"))
                .then().statusCode(200).body("voucherValue", equalTo(0.1f)).body("pointsSpent", equalTo(10));
        Response couponDone = shop.completed(memberId, coupon);
        assertThat(couponDone.<String>path("couponCode")).startsWith("CAFE-" + run);
        assertThat(couponDone.<String>path("rewardName")).isEqualTo("咖啡券");
        // A coupon's code, once shown, is not cancelled: the cafe it came from cannot take it back.
        assertThat(couponDone.<Object>path("cancellableUntil")).isNull();
        given().auth().oauth2(Tokens.member(memberId)).baseUri(platform.url("redemption-service"))
                .post("/api/v1/redemptions/{id}/cancel", couponDone.<String>path("redemptionId")).then().statusCode(409)
                .body("code", equalTo("NOT_CANCELLABLE"));
        Response drawn = shop.completed(memberId, lottery);
        assertThat(drawn.<Object>path("lottery.seed")).isNotNull();
        assertThat(drawn.<String>path("rewardName")).isEqualTo("幸运抽奖");
        assertThat(shop.completed(memberId, donation).<String>path("donation.cause")).isEqualTo("希望小学");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().auth().oauth2(Tokens.analyst())
                .baseUri(platform.url("ledger-service")).get("/api/v1/accounts/{m}", memberId).then()
                .body("available", equalTo(50)).body("spent", equalTo(50)).body("reserved", equalTo(0)));

        // A cancel within the window gives points and stock back.
        String giftId = giftDone.path("redemptionId");
        given().auth().oauth2(Tokens.member(memberId)).baseUri(platform.url("redemption-service"))
                .post("/api/v1/redemptions/{id}/cancel", giftId).then().statusCode(200).body("status", equalTo("CANCELLED"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().auth().oauth2(Tokens.analyst())
                .baseUri(platform.url("ledger-service")).get("/api/v1/accounts/{m}", memberId).then()
                .body("available", equalTo(60)).body("spent", equalTo(40)));
        given().auth().oauth2(Tokens.admin()).baseUri(catalog).get("/api/v1/rewards/{id}", gift).then().body("stock", equalTo(5));
    }

    @Test
    void aCatalogThatIsDownNeverCostsTheMemberPoints() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String memberId = shop.enrol("down-" + run, 1).get(0);
        String gift = shop.reward(Map.of("rewardId", "down-" + run, "name", "雨伞", "kind", "GIFT", "pointsCost", 40, "stock", 3));
        ServiceProcess catalog = platform.service("catalog-service");
        catalog.kill();
        String status;
        String redemptionId;
        try {
            Response answer = shop.redeem(memberId, gift, "down-" + run);
            assertThat(answer.statusCode()).isIn(201, 202);
            status = answer.path("status");
            redemptionId = answer.path("redemptionId");
            assertThat(status).isIn("PENDING", "FAILED");
            given().auth().oauth2(Tokens.analyst()).baseUri(platform.url("ledger-service"))
                    .get("/api/v1/accounts/{m}", memberId).then().body("available", equalTo(100)).body("spent", equalTo(0));
        } finally {
            catalog.restart(Map.of());
        }
        // Back up, the saga settles: completed with the reward, or failed with every point back.
        await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> assertThat(given().auth().oauth2(Tokens.member(memberId))
                .baseUri(platform.url("redemption-service")).get("/api/v1/redemptions/{id}", redemptionId)
                .<String>path("status")).isIn("COMPLETED", "FAILED"));
        String settled = given().auth().oauth2(Tokens.member(memberId)).baseUri(platform.url("redemption-service"))
                .get("/api/v1/redemptions/{id}", redemptionId).path("status");
        int spent = "COMPLETED".equals(settled) ? 40 : 0;
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().auth().oauth2(Tokens.analyst())
                .baseUri(platform.url("ledger-service")).get("/api/v1/accounts/{m}", memberId).then()
                .body("available", equalTo(100 - spent)).body("spent", equalTo(spent)).body("reserved", equalTo(0)));
    }

    /**
     * Points as payment, the checkout sending the order's capture and its cancel at once (two tills,
     * a retry crossing a cancel): the ledger takes one of them, and the payment says what it took.
     * Before, a capture the ledger made was recorded CANCELLED when the cancel's refused release was
     * read as "nothing held": the member had paid for a cancelled order.
     */
    @Test
    void aCaptureAndACancelSentAtOnceLeaveThePaymentAsTheLedgerDecided() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String memberId = shop.enrol("pay-race-" + run, 1).get(0);
        String redemption = platform.url("redemption-service");
        int payments = 10;
        Map<String, List<String>> answers = new ConcurrentHashMap<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
            List<Future<?>> calls = new ArrayList<>();
            for (int i = 0; i < payments; i++) {
                String paymentId = "pay-" + run + "-" + i;
                // The member's consent: a one-time code its app shows at the till.
                String code = given().auth().oauth2(Tokens.member(memberId)).baseUri(redemption)
                        .post("/api/v1/members/{m}/payment-codes", memberId).then().statusCode(201).extract().path("code");
                given().auth().oauth2(Tokens.checkout()).baseUri(redemption).contentType(ContentType.JSON)
                        .body(Map.of("paymentId", paymentId, "orderId", "o-" + paymentId, "memberId", memberId,
                                "orderAmount", "100.00", "points", 10, "paymentCode", code))
                        .post("/api/v1/payments").then().statusCode(201).body("status", equalTo("HELD"));
                for (String action : List.of("capture", "cancel", "capture", "cancel")) {
                    calls.add(pool.submit(() -> {
                        Response answer = given().auth().oauth2(Tokens.checkout()).baseUri(redemption)
                                .post("/api/v1/payments/{id}/{action}", paymentId, action);
                        String seen = action + " " + answer.statusCode() + " "
                                + (answer.statusCode() == 200 ? answer.path("status") : answer.path("code"));
                        answers.computeIfAbsent(paymentId, p -> new java.util.concurrent.CopyOnWriteArrayList<>())
                                .add(seen);
                        return null;
                    }));
                }
            }
            for (Future<?> call : calls) {
                call.get();
            }
        }
        int captured = 0;
        for (int i = 0; i < payments; i++) {
            String paymentId = "pay-" + run + "-" + i;
            String status = given().auth().oauth2(Tokens.checkout()).baseUri(redemption)
                    .get("/api/v1/payments/{id}", paymentId).then().statusCode(200).extract().path("status");
            List<String> expected = "CAPTURED".equals(status)
                    ? List.of("capture 200 CAPTURED", "cancel 409 PAYMENT_CAPTURED")
                    : List.of("capture 409 PAYMENT_CANCELLED", "cancel 200 CANCELLED");
            assertThat(status).isIn("CAPTURED", "CANCELLED");
            assertThat(answers.get(paymentId)).as("payment %s is %s", paymentId, status).hasSize(4)
                    .allMatch(expected::contains);
            captured += "CAPTURED".equals(status) ? 1 : 0;
        }
        int spent = 10 * captured;
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().auth().oauth2(Tokens.analyst())
                .baseUri(platform.url("ledger-service")).get("/api/v1/accounts/{m}", memberId).then()
                .body("spent", equalTo(spent)).body("available", equalTo(100 - spent)).body("reserved", equalTo(0)));
    }
}
