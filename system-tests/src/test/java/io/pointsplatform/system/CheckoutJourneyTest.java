package io.pointsplatform.system;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import io.pointsplatform.testing.Tokens;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The checkout's journey: an order at earning-service becomes a points.earned on Kafka and a
 * pending balance at ledger-service, once, however often the checkout repeats it; then the member
 * holds and spends points the ledger decides on.
 */
class CheckoutJourneyTest {

    private static Platform platform;

    @BeforeAll
    static void start() throws Exception {
        platform = Platform.start("earning-service", "ledger-service");
    }

    @AfterAll
    static void stop() throws Exception {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void anOrderEarnsOnceAndTheLedgerKeepsItPendingThroughTheReturnsWindow() {
        String memberId = "m-" + UUID.randomUUID();
        String earning = platform.url("earning-service");
        String ledger = platform.url("ledger-service");
        given().auth().oauth2(Tokens.checkout()).baseUri(earning).contentType(ContentType.JSON).body(Map.of("memberId", memberId))
                .post("/api/v1/members").then().statusCode(201);
        Map<String, Object> order = Map.of("orderId", "o-" + memberId, "memberId", memberId,
                "paidAt", Platform.paidAtNotOnAMemberDay().toString(), "currency", "CNY",
                "lines", List.of(Map.of("sku", "rice-5kg", "category", "grocery", "quantity", 2, "unitPrice", "39.90",
                                "promotional", false),
                        Map.of("sku", "tea", "category", "drinks", "quantity", 1, "unitPrice", "25.50",
                                "promotional", true)));
        int points = given().auth().oauth2(Tokens.checkout()).baseUri(earning).contentType(ContentType.JSON).body(order).post("/api/v1/earnings")
                .then().statusCode(201).extract().path("points");
        assertThat(points).isPositive();
        given().auth().oauth2(Tokens.checkout()).baseUri(earning).contentType(ContentType.JSON).body(order).post("/api/v1/earnings")
                .then().statusCode(200).body("points", equalTo(points));

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().auth().oauth2(Tokens.analyst()).baseUri(ledger)
                .get("/api/v1/accounts/{m}", memberId).then().statusCode(200)
                .body("available", equalTo(100)).body("pending", equalTo(points))
                .body("lifetimeEarned", equalTo(100 + points)));

        // Only available points can be held: the sign-up bonus, not the pending order.
        given().auth().oauth2(Tokens.member(memberId)).baseUri(ledger).contentType(ContentType.JSON).body(Map.of("holdId", "h-1", "points", 101))
                .post("/api/v1/accounts/{m}/holds", memberId).then().statusCode(409)
                .body("code", equalTo("INSUFFICIENT_POINTS"));
        given().auth().oauth2(Tokens.member(memberId)).baseUri(ledger).contentType(ContentType.JSON).body(Map.of("holdId", "h-2", "points", 100))
                .post("/api/v1/accounts/{m}/holds", memberId).then().statusCode(201);
        given().auth().oauth2(Tokens.member(memberId)).baseUri(ledger).post("/api/v1/accounts/{m}/holds/h-2/capture", memberId).then().statusCode(201);
        given().auth().oauth2(Tokens.analyst()).baseUri(ledger).get("/api/v1/accounts/{m}", memberId).then()
                .body("available", equalTo(0)).body("spent", equalTo(100)).body("pending", equalTo(points));
    }

    @Test
    void aRefundTakesPointsBackAtTheLedgerOnceAndAGrantArrivesThere() {
        String memberId = "m-" + UUID.randomUUID();
        String earning = platform.url("earning-service");
        String ledger = platform.url("ledger-service");
        given().auth().oauth2(Tokens.checkout()).baseUri(earning).contentType(ContentType.JSON).body(Map.of("memberId", memberId))
                .post("/api/v1/members").then().statusCode(201);
        String orderId = "o-" + memberId;
        // 150 yuan: 150 base + 200 for the 100-yuan threshold.
        given().auth().oauth2(Tokens.checkout()).baseUri(earning).contentType(ContentType.JSON).body(Map.of("orderId", orderId, "memberId", memberId,
                        "paidAt", Platform.paidAtNotOnAMemberDay().toString(), "currency", "CNY",
                        "lines", List.of(Map.of("sku", "kettle", "quantity", 1, "unitPrice", "150.00"))))
                .post("/api/v1/earnings").then().statusCode(201).body("points", equalTo(350));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().auth().oauth2(Tokens.analyst()).baseUri(ledger)
                .get("/api/v1/accounts/{m}", memberId).then().statusCode(200).body("pending", equalTo(350)));

        // 60 yuan back leaves 90: its 60 points and the threshold's 200 go, from the order's own lot.
        Map<String, Object> refund = Map.of("refundId", "r-1", "amount", "60.00");
        given().auth().oauth2(Tokens.checkout()).baseUri(earning).contentType(ContentType.JSON).body(refund)
                .post("/api/v1/earnings/{o}/refunds", orderId).then().statusCode(201).body("points", equalTo(260));
        given().auth().oauth2(Tokens.checkout()).baseUri(earning).contentType(ContentType.JSON).body(refund)
                .post("/api/v1/earnings/{o}/refunds", orderId).then().statusCode(200);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().auth().oauth2(Tokens.analyst()).baseUri(ledger)
                .get("/api/v1/accounts/{m}", memberId).then()
                .body("pending", equalTo(90)).body("reversed", equalTo(260)).body("debt", equalTo(0))
                .body("available", equalTo(100)));

        String campaignId = "c-" + UUID.randomUUID();
        given().auth().oauth2(Tokens.admin()).baseUri(earning).contentType(ContentType.JSON).body(Map.of("campaignId", campaignId, "multiplier", "2",
                        "startsAt", "2026-01-01T00:00:00Z", "endsAt", "2026-01-02T00:00:00Z"))
                .post("/api/v1/campaigns").then().statusCode(201);
        given().auth().oauth2(Tokens.admin()).baseUri(earning).contentType(ContentType.JSON).body(Map.of("grantId", "g-" + memberId, "points", 40,
                        "memberIds", List.of(memberId)))
                .post("/api/v1/campaigns/{c}/grants", campaignId).then().statusCode(201);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().auth().oauth2(Tokens.analyst()).baseUri(ledger)
                .get("/api/v1/accounts/{m}", memberId).then().body("available", equalTo(140)));
        given().auth().oauth2(Tokens.admin()).baseUri(ledger).get("/api/v1/admin/verify").then().statusCode(200).body("mismatches", hasSize(0));
    }

    @Test
    void aRefundOfAnOrderThatEarnedTenBillionPointsTakesThemAllBack() {
        String memberId = "m-" + UUID.randomUUID();
        String earning = platform.url("earning-service");
        String ledger = platform.url("ledger-service");
        String category = "bulk-" + UUID.randomUUID().toString().substring(0, 8);
        given().auth().oauth2(Tokens.admin()).baseUri(earning).contentType(ContentType.JSON).body(Map.of("ruleId",
                        "x100-" + category, "kind", "CATEGORY_MULTIPLIER", "category", category, "multiplier", 100))
                .post("/api/v1/rules").then().statusCode(201);
        given().auth().oauth2(Tokens.checkout()).baseUri(earning).contentType(ContentType.JSON).body(Map.of("memberId", memberId))
                .post("/api/v1/members").then().statusCode(201);
        String orderId = "o-" + memberId;
        // The largest order (10^8 yuan) at a multiplier of 100: 10^8 base + 99 * 10^8 + 200 for the threshold,
        // ten times what one hold may take at the ledger. Until 2026-12-06 its refund was refused there
        // (the reversal's points were capped like a hold's) and the member kept every point.
        long earned = given().auth().oauth2(Tokens.checkout()).baseUri(earning).contentType(ContentType.JSON)
                .body(Map.of("orderId", orderId, "memberId", memberId, "paidAt", Platform.paidAtNotOnAMemberDay().toString(),
                        "currency", "CNY", "lines", List.of(Map.of("sku", "pallet", "category", category, "quantity", 1,
                                "unitPrice", "100000000.00"))))
                .post("/api/v1/earnings").then().statusCode(201).extract().<Number>path("points").longValue();
        assertThat(earned).isGreaterThanOrEqualTo(10_000_000_200L);
        // The order lifts the member to PLATINUM; its 1 000-point bonus is pending as long as the order's
        // points are (since 2026-12-06; before, it was spendable at once).
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().auth().oauth2(Tokens.analyst()).baseUri(ledger)
                .get("/api/v1/accounts/{m}", memberId).then().statusCode(200).body("pending", equalTo(earned + 1_000))
                .body("tier", equalTo("PLATINUM")).body("available", equalTo(100)));

        given().auth().oauth2(Tokens.checkout()).baseUri(earning).contentType(ContentType.JSON)
                .body(Map.of("refundId", "r-all", "amount", "100000000.00"))
                .post("/api/v1/earnings/{o}/refunds", orderId).then().statusCode(201);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().auth().oauth2(Tokens.checkout()).baseUri(earning)
                .get("/api/v1/earnings/{o}/refunds/r-all", orderId).then().statusCode(200)
                .body("status", equalTo("CONFIRMED")));
        long refunded = given().auth().oauth2(Tokens.checkout()).baseUri(earning)
                .get("/api/v1/earnings/{o}/refunds/r-all", orderId).then().extract().<Number>path("taken").longValue();
        assertThat(refunded).isGreaterThanOrEqualTo(10_000_000_200L);
        io.restassured.path.json.JsonPath account = given().auth().oauth2(Tokens.analyst()).baseUri(ledger)
                .get("/api/v1/accounts/{m}", memberId).then().statusCode(200).extract().jsonPath();
        // The order had lifted the member to PLATINUM; refunded, the tier falls back and the upgrade bonus
        // (1 000, not spent) is taken back with it (since 2026-12-06).
        assertThat(account.getLong("reversed")).isEqualTo(refunded + 1_000);
        assertThat(account.getString("tier")).isEqualTo("MEMBER");
        // The sign-up's 100 stay: the bonus was taken from its own lot.
        assertThat(account.getLong("available")).isEqualTo(100);
        assertThat(account.getLong("pending")).isEqualTo(earned - refunded);
        assertThat(account.getLong("debt")).isZero();
    }
}
