package io.pointsplatform.redemption;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import io.pointsplatform.events.Topics;
import io.pointsplatform.testing.LocalPostgres;
import io.pointsplatform.testing.PlatformTestResource;
import io.pointsplatform.testing.TopicReader;
import io.pointsplatform.testing.Tokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The redemption saga against stand-ins of catalog and the ledger (FakeServices) that keep stock,
 * limits, balances and holds as the agreed interfaces say: every outcome, the compensations, the
 * recovery job, a side that is down, idempotent repeats, cancels and vouchers, the rate limit,
 * and the events on {@code redemptions}.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "redemption"))
@WithTestResource(FakeServices.class)
class RedemptionSagaTest {

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

    private static String id(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static ValidatableResponse redeem(String memberId, String rewardId, int quantity, String key) {
        var request = given().auth().oauth2(Tokens.member(memberId)).contentType(ContentType.JSON)
                .body(Map.of("memberId", memberId, "rewardId", rewardId, "quantity", quantity));
        if (key != null) {
            request = request.header("Idempotency-Key", key);
        }
        return request.post("/api/v1/redemptions").then();
    }

    private static ValidatableResponse read(String memberId, String redemptionId) {
        return given().auth().oauth2(Tokens.member(memberId)).get("/api/v1/redemptions/{id}", redemptionId).then();
    }

    @Test
    void aGiftCompletesTakingItsPointsAndStockAndTellsTheLog() {
        String member = id("m-gift");
        String reward = id("rw-gift");
        FakeServices.reward(reward, "GIFT", 300, 5);
        FakeServices.balance(member, 1_000);

        String redemptionId = redeem(member, reward, 2, null).statusCode(201)
                .body("status", equalTo("COMPLETED")).body("kind", equalTo("GIFT")).body("pointsSpent", equalTo(600))
                .body("code", nullValue()).body("voucherCode", nullValue()).body("cancellableUntil", notNullValue())
                .extract().path("redemptionId");

        assertThat(FakeServices.available(member)).isEqualTo(400);
        assertThat(FakeServices.stock(reward)).isEqualTo(3);
        assertThat(FakeServices.hold("redemption:" + redemptionId).status).isEqualTo("CAPTURED");
        assertThat(FakeServices.hold("redemption:" + redemptionId).reference).isEqualTo("redemption:" + redemptionId);
        assertThat(FakeServices.reservation(redemptionId).status).isEqualTo("CONFIRMED");
        read(member, redemptionId).statusCode(200).body("status", equalTo("COMPLETED"));

        var events = TopicReader.await(Topics.REDEMPTIONS, r -> r.value().contains(redemptionId), 2, Duration.ofSeconds(30));
        assertThat(events).allSatisfy(e -> assertThat(e.key()).isEqualTo(member));
        assertThat(events.get(0).value()).contains("\"type\":\"redemption.requested\"");
        assertThat(events.get(1).value()).contains("\"type\":\"redemption.completed\"").contains("\"points\":600")
                .contains("\"rewardName\":\"奖品 " + reward + "\"").contains("\"kind\":\"GIFT\"");
        assertThat(FakeServices.UNAUTHENTICATED).isEmpty();
        given().get("/q/metrics").then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("redemptions_settled_total{code=\"none\",status=\"COMPLETED\"}"));
    }

    @Test
    void everyKindCompletesWithWhatItGives() {
        String member = id("m-kinds");
        FakeServices.balance(member, 10_000);
        String voucher = id("rw-voucher");
        FakeServices.reward(voucher, "VOUCHER", 500, null);
        String coupon = id("rw-coupon");
        FakeServices.reward(coupon, "COUPON", 200, 1).couponCodes.add("SHOP-COUPON-1");
        String lottery = id("rw-lottery");
        FakeServices.reward(lottery, "LOTTERY", 100, null);
        String donation = id("rw-donation");
        FakeServices.reward(donation, "DONATION", 50, null);

        String first = redeem(member, voucher, 1, null).statusCode(201).body("status", equalTo("COMPLETED"))
                .body("voucherCode", matchesPattern("[2-9A-HJKMNP-Z]{4}(-[2-9A-HJKMNP-Z]{4}){4}"))
                // What catalog priced it at, kept with the redemption.
                .body("voucherValue", equalTo(5.0f))
                .extract().path("voucherCode");
        String second = redeem(member, voucher, 1, null).statusCode(201).extract().path("voucherCode");
        assertThat(second).isNotEqualTo(first);
        String couponId = redeem(member, coupon, 1, null).statusCode(201).body("status", equalTo("COMPLETED"))
                .body("couponCode", equalTo("SHOP-COUPON-1")).body("rewardName", equalTo("奖品 " + coupon))
                .extract().path("redemptionId");
        redeem(member, lottery, 1, null).statusCode(201).body("status", equalTo("COMPLETED"))
                .body("lottery.seed", equalTo("9f86d081884c7d65")).body("lottery.prizeId", nullValue()).body("pointsSpent", equalTo(100));
        // Another member (the rate limit allows a member five redemptions in a row here) draws a prize.
        String winner = id("m-winner");
        FakeServices.balance(winner, 100);
        FakeServices.reward(lottery, "LOTTERY", 100, null).prizeId = "p-1";
        String won = redeem(winner, lottery, 1, null).statusCode(201).body("lottery.prizeName", equalTo("Prize p-1"))
                .extract().path("redemptionId");
        String donated = redeem(member, donation, 1, null).statusCode(201).body("status", equalTo("COMPLETED"))
                .body("donation.cause", equalTo("trees")).body("donation.totalPoints", equalTo(50))
                .extract().path("redemptionId");
        // What the member got is in its completion, for its notices.
        assertThat(TopicReader.await(Topics.REDEMPTIONS, r -> r.value().contains(couponId)
                && r.value().contains("redemption.completed"), 1, Duration.ofSeconds(30)).get(0).value())
                .contains("\"kind\":\"COUPON\"").contains("\"couponCode\":\"SHOP-COUPON-1\"");
        assertThat(TopicReader.await(Topics.REDEMPTIONS, r -> r.value().contains(won)
                && r.value().contains("redemption.completed"), 1, Duration.ofSeconds(30)).get(0).value())
                .contains("\"kind\":\"LOTTERY\"").contains("\"prizeName\":\"Prize p-1\"");
        assertThat(TopicReader.await(Topics.REDEMPTIONS, r -> r.value().contains(donated)
                && r.value().contains("redemption.completed"), 1, Duration.ofSeconds(30)).get(0).value())
                .contains("\"cause\":\"trees\"");
        assertThat(FakeServices.available(member)).isEqualTo(10_000 - 500 - 500 - 200 - 100 - 50);
    }

    @Test
    void refusalsFailWithTheirCodeAndLeaveNothingTaken() {
        String member = id("m-refused");
        FakeServices.balance(member, 250);
        String scarce = id("rw-scarce");
        FakeServices.reward(scarce, "GIFT", 100, 0);
        String dear = id("rw-dear");
        FakeServices.reward(dear, "GIFT", 300, 4);
        String limited = id("rw-limited");
        FakeServices.reward(limited, "GIFT", 10, null).perMemberLimit = 1;
        String gold = id("rw-gold");
        FakeServices.reward(gold, "GIFT", 10, null).eligible = false;

        redeem(member, scarce, 1, null).statusCode(201).body("status", equalTo("FAILED"))
                .body("code", equalTo("OUT_OF_STOCK")).body("pointsSpent", equalTo(0));
        String poor = redeem(member, dear, 1, null).statusCode(201).body("status", equalTo("FAILED"))
                .body("code", equalTo("INSUFFICIENT_POINTS")).extract().path("redemptionId");
        assertThat(FakeServices.reservation(poor).status).as("the reservation is released").isEqualTo("RELEASED");
        assertThat(FakeServices.stock(dear)).isEqualTo(4);
        redeem(member, limited, 1, null).statusCode(201).body("status", equalTo("COMPLETED"));
        redeem(member, limited, 1, null).statusCode(201).body("status", equalTo("FAILED"))
                .body("code", equalTo("LIMIT_REACHED")).body("rewardName", equalTo(FakeServices.name(limited)));
        redeem(member, gold, 1, null).statusCode(201).body("status", equalTo("FAILED"))
                .body("code", equalTo("NOT_ELIGIBLE")).body("rewardName", equalTo(FakeServices.name(gold)));
        assertThat(FakeServices.available(member)).isEqualTo(240);
        // A member the ledger has never heard of has no points either.
        redeem(id("m-unknown"), limited, 1, null).statusCode(201).body("status", equalTo("FAILED"))
                .body("code", equalTo("INSUFFICIENT_POINTS"));

        TopicReader.await(Topics.REDEMPTIONS, r -> r.value().contains(poor) && r.value().contains("redemption.failed")
                && r.value().contains("INSUFFICIENT_POINTS"), 1, Duration.ofSeconds(30));
    }

    /**
     * A flash sale's late attempts: catalog's OUT_OF_STOCK answers new redemptions of the reward,
     * of at least the quantity refused, for points.redemption.sold-out-memory (2 s in tests) without
     * another call; a smaller quantity asks, and a reservation made forgets the refusal at once.
     */
    @Test
    void anOutOfStockAnswerRefusesTheNextRedemptionsOfTheRewardWithoutAskingCatalogForAMoment() {
        String reward = id("rw-sold-out");
        FakeServices.reward(reward, "GIFT", 10, 1);
        String first = id("m-late-1");
        String second = id("m-late-2");
        String third = id("m-late-3");
        for (String member : List.of(first, second, third)) {
            FakeServices.balance(member, 1_000);
        }

        // Catalog's refusal names the reward, and the refusal remembered names the ones refused from it.
        redeem(first, reward, 2, null).statusCode(201).body("status", equalTo("FAILED")).body("code", equalTo("OUT_OF_STOCK"))
                .body("rewardName", equalTo(FakeServices.name(reward)));
        assertThat(FakeServices.RESERVE_CALLS.get(reward)).isEqualTo(1);
        String refusedHere = redeem(second, reward, 3, null).statusCode(201).body("status", equalTo("FAILED"))
                .body("code", equalTo("OUT_OF_STOCK")).body("reason", containsString("fewer than 3"))
                .body("rewardName", equalTo(FakeServices.name(reward))).extract().path("redemptionId");
        assertThat(FakeServices.RESERVE_CALLS.get(reward)).as("refused without a call").isEqualTo(1);
        // Recorded refused in one statement, its two events in order on the member's partition.
        List<ConsumerRecord<String, String>> events = TopicReader.await(Topics.REDEMPTIONS,
                r -> r.value().contains(refusedHere), 2, Duration.ofSeconds(30));
        assertThat(events).extracting(r -> r.value().contains("\"type\":\"redemption.requested\"")
                        ? "requested" : r.value().contains("\"type\":\"redemption.failed\"") ? "failed" : r.value())
                .containsExactly("requested", "failed");
        assertThat(events.get(1).value()).contains("OUT_OF_STOCK");

        // Fewer than the least refused: catalog is asked, reserves, and the refusal is forgotten.
        redeem(third, reward, 1, null).statusCode(201).body("status", equalTo("COMPLETED"));
        assertThat(FakeServices.RESERVE_CALLS.get(reward)).isEqualTo(2);
        FakeServices.restock(reward, 2);
        redeem(first, reward, 2, null).statusCode(201).body("status", equalTo("COMPLETED"));
        assertThat(FakeServices.RESERVE_CALLS.get(reward)).isEqualTo(3);

        // Refused again, stock added: within the memory still refused; after it, found. Refused by
        // catalog or from the memory, each is named.
        String refusedThere = redeem(second, reward, 1, null).statusCode(201).body("code", equalTo("OUT_OF_STOCK"))
                .body("rewardName", equalTo(FakeServices.name(reward))).extract().path("redemptionId");
        FakeServices.restock(reward, 1);
        redeem(second, reward, 1, null).statusCode(201).body("code", equalTo("OUT_OF_STOCK"))
                .body("rewardName", equalTo(FakeServices.name(reward)));
        assertThat(TopicReader.await(Topics.REDEMPTIONS, r -> r.value().contains(refusedThere)
                && r.value().contains("redemption.failed"), 1, Duration.ofSeconds(30)).get(0).value())
                .contains("\"rewardName\":\"" + FakeServices.name(reward) + "\"");
        assertThat(FakeServices.RESERVE_CALLS.get(reward)).isEqualTo(4);
        String fourth = id("m-late-4");
        FakeServices.balance(fourth, 1_000);
        await().atMost(Duration.ofSeconds(4)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                redeem(fourth, reward, 1, null).statusCode(201).body("status", equalTo("COMPLETED")));
        assertThat(FakeServices.stock(reward)).isZero();
        assertThat(FakeServices.available(fourth)).isEqualTo(990);
    }

    @Test
    void aRedemptionCostingMoreThanOneSpendMovesFailsWithItsOwnCodeAndHoldsNothing() {
        String member = id("m-rich");
        FakeServices.balance(member, 3_000_000_000L);
        String dear = id("rw-dearest");
        FakeServices.reward(dear, "GIFT", 100_000_000, 50);
        // 20 at 10^8 points: 2 * 10^9, more than one hold at the ledger takes (PointsValue.MAX_SPEND).
        String over = redeem(member, dear, 20, null).statusCode(201).body("status", equalTo("FAILED"))
                .body("code", equalTo("POINTS_OVER_LIMIT")).body("reason", containsString("2000000000"))
                .body("pointsSpent", equalTo(0)).extract().path("redemptionId");
        assertThat(FakeServices.reservation(over).status).as("the reservation is released").isEqualTo("RELEASED");
        assertThat(FakeServices.stock(dear)).isEqualTo(50);
        assertThat(FakeServices.HOLDS).doesNotContainKey("redemption:" + over);
        // Ten of them cost exactly as much as one spend may move: taken.
        redeem(member, dear, 10, null).statusCode(201).body("status", equalTo("COMPLETED"));
        assertThat(FakeServices.available(member)).isEqualTo(2_000_000_000L);
    }

    @Test
    void aConfirmRefusedAfterTheCaptureGivesThePointsBack() {
        String member = id("m-lapsed");
        String reward = id("rw-lapsed");
        FakeServices.reward(reward, "GIFT", 100, 3).confirmExpires = true;
        FakeServices.balance(member, 500);

        String redemptionId = redeem(member, reward, 1, null).statusCode(201).body("status", equalTo("FAILED"))
                .body("code", equalTo("RESERVATION_EXPIRED")).body("pointsSpent", equalTo(0))
                .extract().path("redemptionId");
        FakeServices.Hold hold = FakeServices.hold("redemption:" + redemptionId);
        assertThat(hold.status).isEqualTo("CAPTURED");
        assertThat(hold.returned).as("every captured point returned").isEqualTo(100);
        assertThat(FakeServices.available(member)).isEqualTo(500);
        assertThat(FakeServices.stock(reward)).isEqualTo(3);
    }

    @Test
    void aCaptureRefusedBesideItsConfirmGivesTheStockBack() {
        String member = id("m-hold-lapsed");
        String reward = id("rw-hold-lapsed");
        FakeServices.reward(reward, "GIFT", 100, 3);
        FakeServices.balance(member, 500);
        FakeServices.HOLDS_LAPSE.add(member);

        // The capture and the confirm go at once: the hold lapsed, the confirm gave the reward.
        String redemptionId = redeem(member, reward, 1, null).statusCode(201).body("status", equalTo("FAILED"))
                .body("code", equalTo("HOLD_EXPIRED")).body("pointsSpent", equalTo(0))
                .extract().path("redemptionId");
        assertThat(FakeServices.hold("redemption:" + redemptionId).status).isEqualTo("RELEASED_EXPIRED");
        assertThat(FakeServices.reservation(redemptionId).status).as("the confirmed stock returned").isEqualTo("RETURNED");
        assertThat(FakeServices.stock(reward)).isEqualTo(3);
        assertThat(FakeServices.available(member)).isEqualTo(500);
        TopicReader.await(Topics.REDEMPTIONS, r -> r.value().contains(redemptionId)
                && r.value().contains("redemption.failed") && r.value().contains("HOLD_EXPIRED"), 1, Duration.ofSeconds(30));
    }

    @Test
    void aCouponsCodeNeverSeenComesBackWhenItsRedemptionFailsAfterTheConfirm() {
        String member = id("m-coupon-lapsed");
        String reward = id("rw-coupon-lapsed");
        FakeServices.reward(reward, "COUPON", 100, 1).couponCodes.add("CAFE-LAPSED-1");
        FakeServices.balance(member, 500);
        FakeServices.HOLDS_LAPSE.add(member);

        String redemptionId = redeem(member, reward, 1, null).statusCode(201).body("status", equalTo("FAILED"))
                .body("code", equalTo("HOLD_EXPIRED")).body("couponCode", nullValue())
                .extract().path("redemptionId");
        FakeServices.Reservation reservation = FakeServices.reservation(redemptionId);
        assertThat(reservation.status).isEqualTo("RETURNED");
        assertThat(reservation.returnedUndelivered).as("returned as never delivered: the code is issued again").isTrue();
        assertThat(FakeServices.stock(reward)).isEqualTo(1);

        String other = id("m-coupon-next");
        FakeServices.balance(other, 500);
        redeem(other, reward, 1, null).statusCode(201).body("status", equalTo("COMPLETED"))
                .body("couponCode", equalTo("CAFE-LAPSED-1"));
    }

    @Test
    void aCouponIsRedeemedOneCodeAtATimeAndNeverCancelled() {
        String member = id("m-coupons");
        String reward = id("rw-coupons");
        FakeServices.Reward coupons = FakeServices.reward(reward, "COUPON", 100, 2);
        coupons.couponCodes.add("CAFE-1");
        coupons.couponCodes.add("CAFE-2");
        FakeServices.balance(member, 1_000);

        // One code a reservation: two at once would be priced twice for one code.
        redeem(member, reward, 2, null).statusCode(201).body("status", equalTo("FAILED"))
                .body("code", equalTo("VALIDATION_FAILED")).body("pointsSpent", equalTo(0))
                .body("rewardName", equalTo("奖品 " + reward));
        assertThat(FakeServices.stock(reward)).isEqualTo(2);

        String redeemed = redeem(member, reward, 1, null).statusCode(201).body("status", equalTo("COMPLETED"))
                .body("couponCode", equalTo("CAFE-1")).body("cancellableUntil", nullValue())
                .extract().path("redemptionId");
        // The member has seen the code, and the merchant it came from cannot take it back.
        given().auth().oauth2(Tokens.member(member)).post("/api/v1/redemptions/{id}/cancel", redeemed).then()
                .statusCode(409).body("code", equalTo("NOT_CANCELLABLE"));
        assertThat(FakeServices.available(member)).isEqualTo(900);
    }

    @Test
    void aGiveUpThatLostToAnotherDriverReleasesNothingThatDriverHolds() throws SQLException {
        String member = id("m-two-drivers");
        String reward = id("rw-two-drivers");
        FakeServices.reward(reward, "GIFT", 40, 2);
        FakeServices.balance(member, 100);
        String redemptionId = "rd-two-" + UUID.randomUUID().toString().substring(0, 8);
        // Reserved long ago; this driver's hold gets no answer, and meanwhile another driver (a
        // client's repeat) placed the hold and moved the saga to HELD.
        FakeServices.reservationOf(redemptionId, reward, member, 1);
        FakeServices.ledgerDown = true;
        FakeServices.whileLedgerDown = () -> {
            FakeServices.holdOf("redemption:" + redemptionId, member, 40);
            try {
                sql("update redemption set step = 'HELD', updated_at = now() where redemption_id = '" + redemptionId + "'");
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        };
        try {
            leftAt(redemptionId, member, reward, "RESERVED", 40, "1 hour");
            await().atMost(Duration.ofSeconds(30)).until(() -> FakeServices.whileLedgerDown == null);
            read(member, redemptionId).statusCode(200).body("status", equalTo("PENDING"));
            // Kept for the other driver (which may have confirmed it already while the ledger is down).
            assertThat(FakeServices.reservation(redemptionId).status).isIn("RESERVED", "CONFIRMED");
        } finally {
            FakeServices.ledgerDown = false;
            FakeServices.whileLedgerDown = null;
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                read(member, redemptionId).statusCode(200).body("status", equalTo("COMPLETED")));
        assertThat(FakeServices.available(member)).isEqualTo(60);
        assertThat(FakeServices.reservation(redemptionId).status).isEqualTo("CONFIRMED");
    }

    @Test
    void theRecoveryJobFinishesASagaLeftAfterTheHold() throws SQLException {
        String member = id("m-crash");
        String reward = id("rw-crash");
        FakeServices.reward(reward, "GIFT", 70, 2);
        FakeServices.balance(member, 100);
        String redemptionId = "rd-crashed-" + UUID.randomUUID().toString().substring(0, 8);
        // What a crash between the hold and the capture leaves: stock reserved, points held, step HELD.
        FakeServices.reservationOf(redemptionId, reward, member, 1);
        FakeServices.holdOf("redemption:" + redemptionId, member, 70);
        leftAt(redemptionId, member, reward, "HELD", 70, "1 minute");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                read(member, redemptionId).statusCode(200).body("status", equalTo("COMPLETED")).body("pointsSpent", equalTo(70)));
        assertThat(FakeServices.hold("redemption:" + redemptionId).status).isEqualTo("CAPTURED");
        assertThat(FakeServices.reservation(redemptionId).status).isEqualTo("CONFIRMED");
        assertThat(FakeServices.available(member)).isEqualTo(30);
    }

    /**
     * A saga is retried with the TTLs it was recorded with, not the settings of the process that
     * retries it: catalog and the ledger answer a repeated id with another ttlSeconds as a conflict.
     * Until 2026-12-07 a deploy that changed the hold's TTL turned a saga that crashed after its hold
     * into FAILED HOLD_CONFLICT (its points held until the old TTL) and one that crashed after its
     * reservation into FAILED RESERVATION_CONFLICT.
     */
    @Test
    void aSagaLeftByAProcessWithOtherTtlsAsksTheTtlsItWasRecordedWith() throws SQLException {
        String member = id("m-ttl");
        String reward = id("rw-ttl");
        FakeServices.reward(reward, "GIFT", 30, 3);
        FakeServices.balance(member, 100);
        // Crashed after the hold (recorded RESERVED), made by a process whose holds lasted 600 s.
        String afterHold = "rd-ttl-hold-" + UUID.randomUUID().toString().substring(0, 8);
        FakeServices.reservationOf(afterHold, reward, member, 1).ttlSeconds = 300;
        FakeServices.holdOf("redemption:" + afterHold, member, 30).ttlSeconds = 600;
        leftAt(afterHold, member, reward, "RESERVED", 30, "1 minute");
        // Crashed after the reservation (recorded REQUESTED), made with reservations of 300 s.
        String afterReservation = "rd-ttl-res-" + UUID.randomUUID().toString().substring(0, 8);
        FakeServices.reservationOf(afterReservation, reward, member, 1).ttlSeconds = 300;
        leftAt(afterReservation, member, reward, "REQUESTED", 0, "1 minute");
        sql("update redemption set reservation_ttl_seconds = 300, hold_ttl_seconds = 600 where redemption_id in ('"
                + afterHold + "', '" + afterReservation + "')");

        for (String redemptionId : List.of(afterHold, afterReservation)) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> read(member, redemptionId).statusCode(200)
                    .body("status", equalTo("COMPLETED")).body("pointsSpent", equalTo(30)));
            assertThat(FakeServices.hold("redemption:" + redemptionId).status).isEqualTo("CAPTURED");
            assertThat(FakeServices.reservation(redemptionId).status).isEqualTo("CONFIRMED");
        }
        assertThat(FakeServices.hold("redemption:" + afterReservation).ttlSeconds).isEqualTo(600);
        assertThat(FakeServices.available(member)).isEqualTo(40);
    }

    /** A new redemption records the TTLs it asks (the settings of the day), and its calls ask them. */
    @Test
    void aNewRedemptionRecordsTheTtlsItAsks() throws SQLException {
        String member = id("m-ttl-new");
        String reward = id("rw-ttl-new");
        FakeServices.reward(reward, "GIFT", 10, 1);
        FakeServices.balance(member, 10);
        String redemptionId = redeem(member, reward, 1, null).statusCode(201).body("status", equalTo("COMPLETED"))
                .extract().path("redemptionId");
        assertThat(FakeServices.reservation(redemptionId).ttlSeconds).isEqualTo(FakeServices.SETTINGS_TTL);
        assertThat(FakeServices.hold("redemption:" + redemptionId).ttlSeconds).isEqualTo(FakeServices.SETTINGS_TTL);
        assertThat(query("select reservation_ttl_seconds || ',' || hold_ttl_seconds from redemption"
                + " where redemption_id = '" + redemptionId + "'")).isEqualTo("900,900");
    }

    @Test
    void afterTheCaptureASagaNeverGivesUpWithoutAnAnswer() throws SQLException {
        String member = id("m-captured");
        String reward = id("rw-captured");
        FakeServices.reward(reward, "GIFT", 40, 2);
        FakeServices.balance(member, 100);
        String redemptionId = "rd-captured-" + UUID.randomUUID().toString().substring(0, 8);
        // Left after the capture, long past the deadline that fails a saga before its hold.
        FakeServices.reservationOf(redemptionId, reward, member, 1);
        FakeServices.holdOf("redemption:" + redemptionId, member, 40);
        FakeServices.hold("redemption:" + redemptionId).status = "CAPTURED";
        FakeServices.catalogDown = true;
        try {
            leftAt(redemptionId, member, reward, "CAPTURED", 40, "1 hour");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> read(member, redemptionId).statusCode(200)
                    .body("reason", equalTo("CATALOG_UNAVAILABLE: answered 503")));
            read(member, redemptionId).statusCode(200).body("status", equalTo("PENDING"));
        } finally {
            FakeServices.catalogDown = false;
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                read(member, redemptionId).statusCode(200).body("status", equalTo("COMPLETED")));
        assertThat(FakeServices.available(member)).isEqualTo(60);
    }

    /**
     * A refusal's reason outlives a wait: a saga refused its hold (INSUFFICIENT_POINTS) whose release
     * at catalog gets no answer shows why it waits while PENDING, and the ledger's reason once FAILED.
     * Until 2026-12-06 the wait wrote over the reason, and the FAILED redemption (and its
     * redemption.failed) said "CATALOG_UNAVAILABLE: answered 503" beside code INSUFFICIENT_POINTS.
     */
    @Test
    void aRefusalsReasonIsKeptThroughAWaitForTheOtherSide() throws SQLException {
        String member = id("m-reason");
        String reward = id("rw-reason");
        FakeServices.reward(reward, "GIFT", 40, 2);
        String redemptionId = "rd-reason-" + UUID.randomUUID().toString().substring(0, 8);
        FakeServices.reservationOf(redemptionId, reward, member, 1);
        FakeServices.catalogDown = true;
        try {
            sql("insert into redemption (redemption_id, member_id, reward_id, quantity, status, step, kind, points,"
                    + " code, reason, created_at, updated_at, next_attempt_at) values ('" + redemptionId + "', '" + member
                    + "', '" + reward + "', 1, 'PENDING', 'RELEASE_RESERVATION', 'GIFT', 40, 'INSUFFICIENT_POINTS',"
                    + " 'member has 10 points available, 40 asked', now(), now(), now())");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> read(member, redemptionId).statusCode(200)
                    .body("status", equalTo("PENDING")).body("reason", equalTo("CATALOG_UNAVAILABLE: answered 503")));
        } finally {
            FakeServices.catalogDown = false;
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> read(member, redemptionId).statusCode(200)
                .body("status", equalTo("FAILED")).body("code", equalTo("INSUFFICIENT_POINTS"))
                .body("reason", equalTo("member has 10 points available, 40 asked")));
        assertThat(FakeServices.reservation(redemptionId).status).isEqualTo("RELEASED");
    }

    @Test
    void aCancelWhileCatalogIsDownIsFinishedByTheRecoveryJob() {
        String member = id("m-cancel-later");
        String reward = id("rw-cancel-later");
        FakeServices.reward(reward, "GIFT", 30, 1);
        FakeServices.balance(member, 100);
        String redemptionId = redeem(member, reward, 1, null).statusCode(201).extract().path("redemptionId");
        assertThat(FakeServices.stock(reward)).isZero();
        FakeServices.catalogDown = true;
        try {
            given().auth().oauth2(Tokens.member(member)).post("/api/v1/redemptions/{id}/cancel", redemptionId).then()
                    .statusCode(202).body("status", equalTo("CANCELLING"))
                    .header("Location", matchesPattern(".*/api/v1/redemptions/" + redemptionId));
        } finally {
            FakeServices.catalogDown = false;
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                read(member, redemptionId).statusCode(200).body("status", equalTo("CANCELLED")));
        assertThat(FakeServices.available(member)).isEqualTo(100);
        assertThat(FakeServices.reservation(redemptionId).status).isEqualTo("RETURNED");
        assertThat(FakeServices.reservation(redemptionId).returnedUndelivered).as("a cancel's return").isFalse();
        assertThat(FakeServices.stock(reward)).isEqualTo(1);
    }

    @Test
    void catalogDownThenBackCompletesLaterAndDownTooLongFails() {
        String member = id("m-outage");
        String reward = id("rw-outage");
        FakeServices.reward(reward, "GIFT", 10, 5);
        FakeServices.balance(member, 100);

        FakeServices.catalogDown = true;
        String later;
        String key = id("k-outage");
        try {
            later = redeem(member, reward, 1, key).statusCode(202).body("status", equalTo("PENDING"))
                    .body("reason", equalTo("CATALOG_UNAVAILABLE: answered 503"))
                    .header("Location", matchesPattern(".*/api/v1/redemptions/rd-[0-9a-f]{32}"))
                    .extract().path("redemptionId");
            // A repeat of a 202 is not answered from the key's store: it still has its Location.
            redeem(member, reward, 1, key).statusCode(202).body("redemptionId", equalTo(later))
                    .header("Location", matchesPattern(".*/api/v1/redemptions/" + later));
        } finally {
            FakeServices.catalogDown = false;
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                read(member, later).statusCode(200).body("status", equalTo("COMPLETED")));
        // Once settled, a repeat of the key answers how it stands, not the first 202.
        redeem(member, reward, 1, key).statusCode(201).body("redemptionId", equalTo(later))
                .body("status", equalTo("COMPLETED"));

        FakeServices.catalogDown = true;
        try {
            String never = redeem(member, reward, 1, null).statusCode(202).extract().path("redemptionId");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    read(member, never).statusCode(200).body("status", equalTo("FAILED"))
                            .body("code", equalTo("CATALOG_UNAVAILABLE")));
        } finally {
            FakeServices.catalogDown = false;
        }
        assertThat(FakeServices.available(member)).isEqualTo(90);
    }

    @Test
    void theLedgerDownAfterTheReservationIsWaitedForAndNothingIsLost() {
        String member = id("m-ledger-out");
        String reward = id("rw-ledger-out");
        FakeServices.reward(reward, "GIFT", 10, 5);
        FakeServices.balance(member, 100);
        FakeServices.ledgerDown = true;
        String redemptionId;
        try {
            redemptionId = redeem(member, reward, 1, null).statusCode(202).extract().path("redemptionId");
        } finally {
            FakeServices.ledgerDown = false;
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                read(member, redemptionId).statusCode(200).body("status", equalTo("COMPLETED")));
        assertThat(FakeServices.available(member)).isEqualTo(90);
    }

    /**
     * A lottery is drawn when its stock is reserved, before the points are held. Until they are
     * taken the draw is not shown: a member who saw a losing draw on a PENDING redemption could spend
     * the points elsewhere first, so that only winning draws were paid for.
     */
    @Test
    void aDrawIsNotShownBeforeItsPointsAreTaken() {
        String member = id("m-draw-hidden");
        String lottery = id("rw-draw-hidden");
        FakeServices.reward(lottery, "LOTTERY", 100, null).prizeId = "p-1";
        FakeServices.balance(member, 1_000);
        FakeServices.ledgerDown = true;
        String redemptionId;
        try {
            redemptionId = redeem(member, lottery, 1, null).statusCode(202).body("status", equalTo("PENDING"))
                    .body("$", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasKey("lottery")))
                    .extract().path("redemptionId");
            read(member, redemptionId).statusCode(200).body("status", equalTo("PENDING"))
                    .body("$", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasKey("lottery")));
        } finally {
            FakeServices.ledgerDown = false;
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> read(member, redemptionId).statusCode(200)
                .body("status", equalTo("COMPLETED")).body("lottery.prizeId", equalTo("p-1")));
    }

    @Test
    void aRepeatedKeyAnswersTheFirstResponseAndRedeemsOnce() {
        String member = id("m-repeat");
        String reward = id("rw-repeat");
        FakeServices.reward(reward, "VOUCHER", 100, null);
        FakeServices.balance(member, 1_000);
        String key = UUID.randomUUID().toString();

        String first = redeem(member, reward, 1, key).statusCode(201).extract().asString();
        String again = redeem(member, reward, 1, key).statusCode(201).header("Idempotent-Replayed", "true")
                .extract().asString();
        assertThat(again).isEqualTo(first);
        assertThat(FakeServices.available(member)).isEqualTo(900);
        redeem(member, reward, 2, key).statusCode(409).body("code", equalTo("IDEMPOTENCY_KEY_REUSED"));
        given().auth().oauth2(Tokens.admin()).get("/api/v1/members/{m}/redemptions", member).then().statusCode(200)
                .body("items.size()", equalTo(1));
    }

    @Test
    void concurrentFirstUsesOfOneKeyRedeemOnce() throws Exception {
        String member = id("m-race");
        String reward = id("rw-race");
        FakeServices.reward(reward, "GIFT", 100, 10);
        FakeServices.balance(member, 1_000);
        String key = UUID.randomUUID().toString();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<String>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                answers.add(pool.submit(() -> redeem(member, reward, 1, key).statusCode(201)
                        .body("status", equalTo("COMPLETED")).extract().<String>path("redemptionId")));
            }
            java.util.Set<String> ids = new java.util.HashSet<>();
            for (var answer : answers) {
                ids.add(answer.get(60, java.util.concurrent.TimeUnit.SECONDS));
            }
            assertThat(ids).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(FakeServices.available(member)).isEqualTo(900);
        assertThat(FakeServices.stock(reward)).isEqualTo(9);
    }

    @Test
    void aCancelWithinTheWindowGivesPointsAndStockBackOnce() throws SQLException {
        String member = id("m-cancel");
        String reward = id("rw-cancel");
        FakeServices.reward(reward, "VOUCHER", 100, 10);
        FakeServices.balance(member, 1_000);

        String redemptionId = redeem(member, reward, 1, null).statusCode(201).extract().path("redemptionId");
        given().auth().oauth2(Tokens.member(member + "-other")).post("/api/v1/redemptions/{id}/cancel", redemptionId)
                .then().statusCode(403).body("code", equalTo("NOT_OWN_ACCOUNT"));
        given().auth().oauth2(Tokens.member(member)).post("/api/v1/redemptions/{id}/cancel", redemptionId).then()
                .statusCode(200).body("status", equalTo("CANCELLED")).body("pointsReturned", equalTo(100))
                .body("cancelledAt", notNullValue());
        given().auth().oauth2(Tokens.admin()).post("/api/v1/redemptions/{id}/cancel", redemptionId).then()
                .statusCode(200).body("status", equalTo("CANCELLED"));
        assertThat(FakeServices.available(member)).isEqualTo(1_000);
        assertThat(FakeServices.stock(reward)).isEqualTo(10);
        assertThat(FakeServices.reservation(redemptionId).status).isEqualTo("RETURNED");
        TopicReader.await(Topics.REDEMPTIONS, r -> r.value().contains(redemptionId)
                && r.value().contains("redemption.cancelled"), 1, Duration.ofSeconds(30));

        // Too late: completed two days ago.
        String old = redeem(member, reward, 1, null).statusCode(201).extract().path("redemptionId");
        sql("update redemption set completed_at = now() - interval '2 days' where redemption_id = '" + old + "'");
        given().auth().oauth2(Tokens.member(member)).post("/api/v1/redemptions/{id}/cancel", old).then()
                .statusCode(409).body("code", equalTo("CANCEL_WINDOW_PASSED"));
    }

    @Test
    void aUsedVoucherALotteryDrawAndAFailureAreNeverCancelled() {
        String member = id("m-nocancel");
        FakeServices.balance(member, 1_000);
        String voucher = id("rw-v");
        FakeServices.reward(voucher, "VOUCHER", 100, null);
        String lottery = id("rw-l");
        FakeServices.reward(lottery, "LOTTERY", 100, null).prizeId = "p-1";
        String none = id("rw-none");
        FakeServices.reward(none, "GIFT", 100, 0);

        var used = redeem(member, voucher, 1, null).statusCode(201).extract();
        String code = used.path("voucherCode");
        String usedId = used.path("redemptionId");
        given().auth().oauth2(Tokens.checkout()).contentType(ContentType.JSON).body(Map.of("orderId", "o-1"))
                .post("/api/v1/vouchers/{code}/use", code).then().statusCode(200).body("voucherOrderId", equalTo("o-1"));
        given().auth().oauth2(Tokens.checkout()).contentType(ContentType.JSON).body(Map.of("orderId", "o-1"))
                .post("/api/v1/vouchers/{code}/use", code).then().statusCode(200);
        // As a cashier types it: lower case, without the dashes; the same voucher, the same order.
        given().auth().oauth2(Tokens.checkout()).contentType(ContentType.JSON).body(Map.of("orderId", "o-1"))
                .post("/api/v1/vouchers/{code}/use", code.replace("-", "").toLowerCase(java.util.Locale.ROOT))
                .then().statusCode(200).body("redemptionId", equalTo(usedId)).body("voucherCode", equalTo(code));
        given().auth().oauth2(Tokens.checkout()).contentType(ContentType.JSON).body(Map.of("orderId", "o-2"))
                .post("/api/v1/vouchers/{code}/use", code).then().statusCode(409).body("code", equalTo("VOUCHER_USED"));
        given().auth().oauth2(Tokens.checkout()).contentType(ContentType.JSON).body(Map.of("orderId", "o-2"))
                .post("/api/v1/vouchers/{code}/use", "NO-SUCH-CODE").then().statusCode(404);
        given().auth().oauth2(Tokens.member(member)).post("/api/v1/redemptions/{id}/cancel", usedId).then()
                .statusCode(409).body("code", equalTo("VOUCHER_USED"));

        String drawn = redeem(member, lottery, 1, null).statusCode(201).body("lottery.prizeId", equalTo("p-1"))
                .body("cancellableUntil", nullValue()).extract().path("redemptionId");
        given().auth().oauth2(Tokens.member(member)).post("/api/v1/redemptions/{id}/cancel", drawn).then()
                .statusCode(409).body("code", equalTo("NOT_CANCELLABLE"));
        String failed = redeem(member, none, 1, null).statusCode(201).extract().path("redemptionId");
        given().auth().oauth2(Tokens.admin()).post("/api/v1/redemptions/{id}/cancel", failed).then()
                .statusCode(409).body("code", equalTo("NOT_CANCELLABLE"));
        assertThat(FakeServices.available(member)).isEqualTo(800);
    }

    @Test
    void aMembersListIsNewestFirstInPages() {
        String member = id("m-list");
        String reward = id("rw-list");
        FakeServices.reward(reward, "GIFT", 1, null);
        FakeServices.balance(member, 100);
        String a = redeem(member, reward, 1, null).statusCode(201).extract().path("redemptionId");
        String b = redeem(member, reward, 1, null).statusCode(201).extract().path("redemptionId");
        String c = redeem(member, reward, 1, null).statusCode(201).extract().path("redemptionId");

        var page = given().auth().oauth2(Tokens.member(member)).queryParam("limit", 2)
                .get("/api/v1/members/{m}/redemptions", member).then().statusCode(200).extract();
        assertThat(page.<List<String>>path("items.redemptionId")).containsExactly(c, b);
        String cursor = page.path("nextCursor");
        given().auth().oauth2(Tokens.analyst()).queryParam("limit", 2).queryParam("cursor", cursor)
                .get("/api/v1/members/{m}/redemptions", member).then().statusCode(200)
                .body("items.redemptionId", equalTo(List.of(a))).body("nextCursor", nullValue());
        read(member + "-other", a).statusCode(403).body("code", equalTo("NOT_OWN_ACCOUNT"));
        read(member, "rd-none").statusCode(404).body("code", equalTo("NOT_FOUND"));
    }

    @Test
    void tooManyRedemptionsByOneMemberAre429WithRetryAfter() {
        String member = id("m-burst");
        String reward = id("rw-burst");
        FakeServices.reward(reward, "GIFT", 1, null);
        FakeServices.balance(member, 100);
        for (int i = 0; i < 5; i++) {
            redeem(member, reward, 1, null).statusCode(201);
        }
        String retryAfter = redeem(member, reward, 1, null).statusCode(429).contentType("application/problem+json")
                .body("code", equalTo("RATE_LIMITED")).extract().header("Retry-After");
        assertThat(Long.parseLong(retryAfter)).isBetween(1L, 60L);
        // Another member is not slowed down.
        String other = id("m-calm");
        FakeServices.balance(other, 10);
        redeem(other, reward, 1, null).statusCode(201);
    }

    /** A GIFT saga of one unit left PENDING at {@code step} by a crash {@code ago} (an SQL interval), due now. */
    private void leftAt(String redemptionId, String member, String reward, String step, long points, String ago)
            throws SQLException {
        sql("insert into redemption (redemption_id, member_id, reward_id, quantity, status, step, kind, points,"
                + " created_at, updated_at, next_attempt_at) values ('" + redemptionId + "', '" + member + "', '"
                + reward + "', 1, 'PENDING', '" + step + "', 'GIFT', " + points + ", now() - interval '" + ago + "',"
                + " now() - interval '" + ago + "', now())");
    }

    private void sql(String statement) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl, LocalPostgres.USER, LocalPostgres.PASSWORD)) {
            c.createStatement().execute(statement);
        }
    }

    /** The one value a query answers. */
    private String query(String statement) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl, LocalPostgres.USER, LocalPostgres.PASSWORD);
             java.sql.ResultSet rows = c.createStatement().executeQuery(statement)) {
            rows.next();
            return rows.getString(1);
        }
    }
}
