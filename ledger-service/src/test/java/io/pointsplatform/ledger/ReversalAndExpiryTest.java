package io.pointsplatform.ledger;

import static io.pointsplatform.ledger.Callers.asAdmin;
import static io.pointsplatform.ledger.Callers.asAnalyst;
import static io.pointsplatform.ledger.Callers.asService;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import io.pointsplatform.events.BreakdownLine;
import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.Origin;
import io.pointsplatform.events.OriginKind;
import io.pointsplatform.events.PointsEarned;
import io.pointsplatform.events.PointsValue;
import io.pointsplatform.events.Topics;
import io.pointsplatform.ledger.account.service.LedgerJobs;
import io.pointsplatform.testing.PlatformTestResource;
import io.pointsplatform.testing.TestEvents;
import io.pointsplatform.testing.TopicReader;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Refunds take points back (the rest becomes debt, settled from later credits); lots expire on time;
 * a captured hold's points come back ({@code POST /api/v1/holds/{holdId}/return}) to the lots its
 * capture took them from, once per returnId, never more than it spent, and the log, a rebuild and
 * verify agree with the live accounts afterwards.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "ledger"))
class ReversalAndExpiryTest {

    @Inject
    LedgerJobs jobs;

    @AfterEach
    void backToNow() {
        TestClock.reset();
    }

    @Test
    void aRefundTakesTheOrdersLotFirstRecordsTheRestAsDebtAndLaterCreditsSettleIt() {
        String memberId = "m-" + UUID.randomUUID();
        Instant now = Instant.now();
        credit(memberId, "order-o1", 100, now.plus(Duration.ofDays(300)));
        credit(memberId, "order-o0", 40, now.plus(Duration.ofDays(30)));
        awaitAccount(memberId, "available", 140);
        // 120 spent: the lot that expires first (o0, 40) then 80 of o1.
        hold(memberId, "h-1", 120);
        asService().post("/api/v1/accounts/{m}/holds/h-1/capture", memberId).then().statusCode(201);

        Map<String, Object> refund = Map.of("refundId", "r-1", "orderId", "o1", "lotId", "order-o1", "points", 100);
        asService().contentType(ContentType.JSON).body(refund).post("/api/v1/accounts/{m}/reversals", memberId)
                .then().statusCode(201)
                .body("taken", equalTo(20)).body("debt", equalTo(80)).body("points", equalTo(100))
                .body("allocations[0].lotId", equalTo("order-o1"));
        asService().contentType(ContentType.JSON).body(refund).post("/api/v1/accounts/{m}/reversals", memberId)
                .then().statusCode(200).body("debt", equalTo(80));
        asService().contentType(ContentType.JSON).body(Map.of("refundId", "r-1", "orderId", "o1", "points", 90))
                .post("/api/v1/accounts/{m}/reversals", memberId)
                .then().statusCode(409).body("code", equalTo("REVERSAL_CONFLICT"));
        // A refund named as the ledger names its settlements of debt (the next credit's is
        // settle:order-o2) is refused: until 2026-12-06 it took that name first, and the settlement
        // then met it as already decided, which stopped the consumer of credits.
        asService().contentType(ContentType.JSON).body(Map.of("refundId", "settle:order-o2", "orderId", "o1",
                        "points", 1)).post("/api/v1/accounts/{m}/reversals", memberId)
                .then().statusCode(400).body("code", equalTo("VALIDATION_FAILED"))
                .body("errors[0].field", equalTo("refundId"));
        asService().get("/api/v1/accounts/{m}", memberId).then()
                .body("available", equalTo(0)).body("debt", equalTo(80)).body("reversed", equalTo(20));
        asService().get("/api/v1/accounts/{m}/entries", memberId).then()
                .body("items[0].type", equalTo("points.reversed")).body("items[0].points", equalTo(20))
                .body("items[0].debt", equalTo(80)).body("items[0].reference", equalTo("o1/r-1"));

        // The next credits pay the debt first, by debits the ledger writes like any other.
        credit(memberId, "order-o2", 50, now.plus(Duration.ofDays(300)));
        awaitAccount(memberId, "debt", 30);
        credit(memberId, "order-o3", 100, now.plus(Duration.ofDays(300)));
        awaitAccount(memberId, "debt", 0);
        asService().get("/api/v1/accounts/{m}", memberId).then()
                .body("available", equalTo(70)).body("reversed", equalTo(100)).body("lifetimeEarned", equalTo(290));
        assertThat(TopicReader.await(Topics.POINTS_LEDGER,
                r -> r.key().equals(memberId) && r.value().contains("\"debtSettled\":"), 3, Duration.ofSeconds(30)))
                .hasSize(3);
    }

    /**
     * A refund that finds its order's points held (a redemption or a payment in progress) cannot
     * take them, so it records debt. If the hold is then released, or its capture given back, those
     * very points come back: they pay the debt first, at once, by a settlement the ledger writes.
     * Before, they came back whole and spendable while the debt waited for a credit that might
     * never come: earn, hold everything, refund the order, cancel the hold, spend the points.
     */
    @Test
    void pointsThatComeBackFromAHoldPayTheDebtARefundLeftWhileTheyWereHeld() {
        String memberId = withTwoLots("signup-x", 100, 300, "order-o1", 350, 300);
        hold(memberId, "h-all", 450);
        asService().contentType(ContentType.JSON)
                .body(Map.of("refundId", "r-held", "orderId", "o1", "lotId", "order-o1", "points", 350))
                .post("/api/v1/accounts/{m}/reversals", memberId).then().statusCode(201)
                .body("taken", equalTo(0)).body("debt", equalTo(350));

        asService().post("/api/v1/accounts/{m}/holds/h-all/release", memberId).then().statusCode(201);
        asService().get("/api/v1/accounts/{m}", memberId).then()
                .body("available", equalTo(100)).body("debt", equalTo(0)).body("reversed", equalTo(350))
                .body("reserved", equalTo(0));
        String settlement = TopicReader.await(Topics.POINTS_LEDGER, r -> r.key().equals(memberId)
                && r.value().contains("settle-release:h-all"), 1, Duration.ofSeconds(30)).getFirst().value();
        assertThat(settlement).contains("\"debtSettled\":350").contains("\"lotId\":\"order-o1\"");

        // The same with a capture given back (a cancelled redemption): the return pays what is owed.
        credit(memberId, "order-o2", 160, Instant.now().plus(Duration.ofDays(300)));
        awaitAccount(memberId, "available", 260);
        String spentHold = captured(memberId, 260, "redemption:rd-1");
        asService().contentType(ContentType.JSON)
                .body(Map.of("refundId", "r-spent", "orderId", "o2", "lotId", "order-o2", "points", 160))
                .post("/api/v1/accounts/{m}/reversals", memberId).then().statusCode(201)
                .body("taken", equalTo(0)).body("debt", equalTo(160));
        asService().contentType(ContentType.JSON).body(Map.of("returnId", "rt-1", "points", 70))
                .post("/api/v1/holds/{h}/return", spentHold).then().statusCode(200).body("points", equalTo(70));
        asService().get("/api/v1/accounts/{m}", memberId).then()
                .body("available", equalTo(0)).body("debt", equalTo(90)).body("spent", equalTo(190))
                .body("reversed", equalTo(420));

        // Live and replay agree, settlements included.
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() ->
                asAnalyst().get("/api/v1/admin/verify").then().statusCode(200).body("mismatchCount", equalTo(0)));
    }

    /**
     * A refund that finds part of its order's points held takes them back all the same: the hold
     * now holds as many from the other lot the refund took from, so its release gives them back
     * there, with that lot's later expiry, and the refunded lot stays empty. Until 2026-12-08 the
     * release gave them to the refunded lot, which expired them with it months early.
     */
    @Test
    void aRefundMovesAHoldOffItsOrdersPointsSoItsReleaseGivesThemBackToTheLotsTaken() {
        String memberId = withTwoLots("order-o1", 100, 30, "order-o2", 100, 300);
        hold(memberId, "h-o1", 60);
        asService().contentType(ContentType.JSON)
                .body(Map.of("refundId", "r-o1", "orderId", "o1", "lotId", "order-o1", "points", 100))
                .post("/api/v1/accounts/{m}/reversals", memberId).then().statusCode(201)
                .body("taken", equalTo(100)).body("debt", equalTo(0))
                .body("allocations.lotId", contains("order-o1", "order-o2"))
                .body("allocations.points", contains(40, 60));
        String reversal = TopicReader.await(Topics.POINTS_LEDGER, r -> r.key().equals(memberId)
                && r.value().contains("\"refundId\":\"r-o1\""), 1, Duration.ofSeconds(30)).getFirst().value();
        assertThat(reversal).contains("\"holdsMoved\":[{\"holdId\":\"h-o1\",\"fromLotId\":\"order-o1\","
                + "\"toLotId\":\"order-o2\",\"points\":60}]");

        asService().post("/api/v1/accounts/{m}/holds/h-o1/release", memberId).then().statusCode(201);
        asService().get("/api/v1/accounts/{m}", memberId).then()
                .body("available", equalTo(100)).body("reserved", equalTo(0)).body("reversed", equalTo(100))
                .body("expiring", hasSize(1)).body("expiring[0].points", equalTo(100));
        rebuildAndVerify();
        asService().get("/api/v1/accounts/{m}", memberId).then()
                .body("available", equalTo(100)).body("expiring", hasSize(1));
    }

    /**
     * A refund of an order whose points expired does not take them a second time from the member's
     * other points: the member lost them once already. Only what the member spent of the order is
     * taken back. Before (until 2026-12-06), the refund took all of it again from other lots.
     */
    @Test
    void aRefundOfAnOrderWhosePointsExpiredTakesBackOnlyWhatWasSpentOfThem() {
        String memberId = withTwoLots("order-o5", 350, 1, "lot-year", 400, 365);
        // 100 spent, from the soonest-expiring lot: the order's.
        captured(memberId, 100, "redemption:rd-e");
        TestClock.advance(Duration.ofDays(3));
        assertThat(jobs.expireLots().await().atMost(Duration.ofSeconds(30))).isGreaterThanOrEqualTo(1);
        asService().get("/api/v1/accounts/{m}", memberId).then()
                .body("available", equalTo(400)).body("expired", equalTo(250));

        // 200 refunded: all of it had expired, nothing is taken or owed.
        Map<String, Object> first = Map.of("refundId", "r-e1", "orderId", "o5", "lotId", "order-o5", "points", 200);
        asService().contentType(ContentType.JSON).body(first).post("/api/v1/accounts/{m}/reversals", memberId)
                .then().statusCode(201).body("points", equalTo(200)).body("taken", equalTo(0))
                .body("debt", equalTo(0)).body("alreadyExpired", equalTo(200)).body("allocations.size()", equalTo(0));
        asService().contentType(ContentType.JSON).body(first).post("/api/v1/accounts/{m}/reversals", memberId)
                .then().statusCode(200).body("alreadyExpired", equalTo(200));
        // The other 150: 50 more had expired; the 100 spent come from the member's other points.
        Map<String, Object> second = Map.of("refundId", "r-e2", "orderId", "o5", "lotId", "order-o5", "points", 150);
        asService().contentType(ContentType.JSON).body(second).post("/api/v1/accounts/{m}/reversals", memberId)
                .then().statusCode(201).body("points", equalTo(150)).body("taken", equalTo(100))
                .body("debt", equalTo(0)).body("alreadyExpired", equalTo(50))
                .body("allocations.lotId", equalTo(List.of("lot-year")));
        asService().contentType(ContentType.JSON).body(Map.of("refundId", "r-e2", "orderId", "o5", "lotId", "order-o5",
                        "points", 100))
                .post("/api/v1/accounts/{m}/reversals", memberId).then().statusCode(409)
                .body("code", equalTo("REVERSAL_CONFLICT")).body("detail", containsString("150"));
        // Of the order's 350 the member lost 250 to expiry and 100 to the refunds: nothing twice.
        asService().get("/api/v1/accounts/{m}", memberId).then()
                .body("available", equalTo(300)).body("expired", equalTo(250)).body("reversed", equalTo(100))
                .body("debt", equalTo(0));
        // The member's history says so of each refund; other entries carry neither figure.
        asService().get("/api/v1/accounts/{m}/entries", memberId).then().statusCode(200)
                .body("items[0].type", equalTo("points.reversed")).body("items[0].points", equalTo(100))
                .body("items[0].debt", equalTo(0)).body("items[0].alreadyExpired", equalTo(50))
                .body("items[1].type", equalTo("points.reversed")).body("items[1].points", equalTo(0))
                .body("items[1].alreadyExpired", equalTo(200))
                .body("items[2].type", equalTo("points.expired")).body("items[2].alreadyExpired", equalTo(null))
                .body("items[2].debt", equalTo(null));
        assertThat(TopicReader.await(Topics.POINTS_LEDGER, r -> r.key().equals(memberId)
                && r.value().contains("\"points.reversed\""), 2, Duration.ofSeconds(30)).getFirst().value())
                .contains("\"alreadyExpired\":200").contains("\"refundId\":\"r-e1\"");
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() ->
                asAnalyst().get("/api/v1/admin/verify").then().statusCode(200).body("mismatchCount", equalTo(0)));
    }

    /**
     * A lot past its expiresAt that the expiry job has not emptied yet still pays a refund before
     * anything is owed: the ledger defers the expiry of a lot whose reminder was not sent, which
     * would have made those points spendable while the member owed (until 2026-12-06).
     */
    /**
     * Qualifying points are net of refunds: an order that lifted its member to SILVER, refunded,
     * leaves them MEMBER again, and the upgrade bonus it brought is taken back (debt for what was
     * spent of it); a bonus taken back is not given again. Until 2026-12-06 the member kept SILVER
     * and the 1 000 points: earn 2 000, spend 1 500, refund the order, keep the spending.
     */
    @Test
    void aRefundThatLowersTheTierTakesItsUpgradeBonusBack() {
        String memberId = "m-" + UUID.randomUUID();
        credit(memberId, "order-big", 2_000, Instant.now().plus(Duration.ofDays(300)));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asService().get("/api/v1/accounts/{m}", memberId)
                .then().body("tier", equalTo("SILVER")).body("available", equalTo(3_000)));
        captured(memberId, 1_500, "redemption:rd-gift");

        asService().contentType(ContentType.JSON).body(Map.of("refundId", "r-big", "orderId", "big", "lotId",
                        "order-big", "points", 2_000)).post("/api/v1/accounts/{m}/reversals", memberId)
                .then().statusCode(201).body("taken", equalTo(1_500)).body("debt", equalTo(500));
        // The bonus's 1 000 were taken by the refund (other lots after the order's own): all owed now.
        asService().get("/api/v1/accounts/{m}", memberId).then().body("tier", equalTo("MEMBER"))
                .body("available", equalTo(0)).body("debt", equalTo(1_500));
        asService().get("/api/v1/accounts/{m}/entries", memberId).then()
                .body("items[0].type", equalTo("points.reversed")).body("items[0].reference", equalTo("big/tier-bonus:SILVER"))
                .body("items[0].debt", equalTo(1_000)).body("items[1].type", equalTo("tier.changed"));

        // 2 000 earned less 2 000 refunded: a credit of 500 qualifies 500, no upgrade, no bonus again.
        credit(memberId, "order-small", 500, Instant.now().plus(Duration.ofDays(300)));
        awaitAccount(memberId, "debt", 1_000);
        asService().get("/api/v1/accounts/{m}", memberId).then().body("tier", equalTo("MEMBER"))
                .body("available", equalTo(0));
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() ->
                asAnalyst().get("/api/v1/admin/verify").then().statusCode(200).body("mismatchCount", equalTo(0)));
    }

    /**
     * A refund takes its qualifying points off the order's credit: the refund of an order earned
     * before the tier window lowers nothing now (until 2026-12-07 it counted by the month of the
     * refund, so it took the tier and its bonus back from a member whose qualifying points of the
     * window were all still there). A rebuild keeps the same tier and the same qualifying points.
     */
    @Test
    void aRefundOfAnOrderCreditedBeforeTheWindowLowersNoQualifyingPoints() {
        String memberId = "m-" + UUID.randomUUID();
        Instant now = Instant.now();
        creditOrder(memberId, "old", 1_500, now.atZone(java.time.ZoneOffset.UTC).minusMonths(13).toInstant());
        awaitAccount(memberId, "available", 1_500);
        creditOrder(memberId, "new", 2_000, now);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asService().get("/api/v1/accounts/{m}", memberId)
                .then().body("tier", equalTo("SILVER")).body("available", equalTo(4_500)));

        asService().contentType(ContentType.JSON).body(Map.of("refundId", "r-old", "orderId", "old", "lotId",
                        "order-old", "points", 1_500)).post("/api/v1/accounts/{m}/reversals", memberId)
                .then().statusCode(201).body("taken", equalTo(1_500)).body("debt", equalTo(0));
        // 2 000 of the window still qualify: SILVER, and its bonus, stay.
        asService().get("/api/v1/accounts/{m}", memberId).then().body("tier", equalTo("SILVER"))
                .body("available", equalTo(3_000)).body("debt", equalTo(0));
        asService().get("/api/v1/accounts/{m}/entries", memberId).then()
                .body("items[0].type", equalTo("points.reversed")).body("items[0].reference", equalTo("old/r-old"));

        // A credit reviews the tier from the sums: 2 001, still SILVER (no tier.changed).
        creditOrder(memberId, "tiny", 1, Instant.now());
        awaitAccount(memberId, "available", 3_001);
        asService().get("/api/v1/accounts/{m}", memberId).then().body("tier", equalTo("SILVER"));
        assertThat(TopicReader.await(Topics.POINTS_LEDGER, r -> r.key().equals(memberId)
                && r.value().contains("\"tier.changed\""), 1, Duration.ofSeconds(30))).hasSize(1);

        rebuildAndVerify();
        asService().get("/api/v1/accounts/{m}", memberId).then().body("tier", equalTo("SILVER"))
                .body("available", equalTo(3_001));
    }

    /**
     * A refund made months after its order counts against the order's credit, so once that credit
     * has left the window the refund no longer lowers the total either (until 2026-12-07 it lowered
     * the month it was made in, and kept a member below a threshold its window's credits reached).
     */
    @Test
    void aRefundInALaterMonthTakesItsPointsOffTheOrdersMonth() {
        String memberId = "m-" + UUID.randomUUID();
        Instant now = Instant.now();
        creditOrder(memberId, "a", 2_000, now.atZone(java.time.ZoneOffset.UTC).minusMonths(11).toInstant());
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asService().get("/api/v1/accounts/{m}", memberId)
                .then().body("tier", equalTo("SILVER")).body("available", equalTo(3_000)));
        asService().contentType(ContentType.JSON).body(Map.of("refundId", "r-a", "orderId", "a", "lotId",
                        "order-a", "points", 2_000)).post("/api/v1/accounts/{m}/reversals", memberId)
                .then().statusCode(201).body("taken", equalTo(2_000));
        // Within the window the refund cancels its order: MEMBER, the bonus taken back.
        asService().get("/api/v1/accounts/{m}", memberId).then().body("tier", equalTo("MEMBER"))
                .body("available", equalTo(0));

        // Two months on, the order's credit has left the window, and its refund with it.
        TestClock.advance(Duration.ofDays(62));
        creditOrder(memberId, "b", 2_000, now);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asService().get("/api/v1/accounts/{m}", memberId)
                .then().body("available", equalTo(2_000)).body("tier", equalTo("SILVER")));

        rebuildAndVerify();
        asService().get("/api/v1/accounts/{m}", memberId).then().body("tier", equalTo("SILVER"))
                .body("available", equalTo(2_000));
    }

    /** An order's credit as earning-service writes it: lot order-&lt;orderId&gt;, origin the order, at {@code at}. */
    private static void creditOrder(String memberId, String orderId, long points, Instant at) {
        creditOrder(memberId, orderId, points, at, Instant.now().plus(Duration.ofDays(300)));
    }

    /** Order "first" of 2 000 points at {@code at} lifts the member to SILVER with its 1 000-point bonus. */
    private static void silverByAnOrder(String memberId, Instant at, Instant expiresAt) {
        creditOrder(memberId, "first", 2_000, at, expiresAt);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asService().get("/api/v1/accounts/{m}", memberId)
                .then().body("tier", equalTo("SILVER")).body("available", equalTo(3_000)));
    }

    private static void creditOrder(String memberId, String orderId, long points, Instant at, Instant expiresAt) {
        String lotId = "order-" + orderId;
        TestEvents.publish(Topics.POINTS_LEDGER, CloudEvent.of("points.earned:" + memberId + ":" + lotId,
                "/earning-service", memberId, at, new PointsEarned(memberId, lotId, points,
                        new Origin(OriginKind.ORDER, orderId), List.of(new BreakdownLine("base", points)),
                        at.minusSeconds(5), expiresAt)));
    }

    /**
     * A member who fell below a tier after its bonus (the window moved on) and climbed back to it was
     * given no second bonus, so a refund that undoes the climb takes none back: the bonus belongs to
     * the first upgrade, which stood. Until 2026-12-07 it was taken back from the member's points.
     */
    @Test
    void aRefundUndoingAnUpgradeThatPaidNoBonusTakesNoneBack() {
        String memberId = "m-" + UUID.randomUUID();
        Instant start = Instant.now();
        Instant farAway = start.plus(Duration.ofDays(1_000));
        silverByAnOrder(memberId, start, farAway);
        // Thirteen months on the first order has left the window: the next credit finds MEMBER.
        TestClock.advance(Duration.ofDays(396));
        Instant later = start.plus(Duration.ofDays(396));
        creditOrder(memberId, "small", 1, later, farAway);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asService().get("/api/v1/accounts/{m}", memberId)
                .then().body("tier", equalTo("MEMBER")));
        // Back to SILVER: the bonus was given once, not again.
        creditOrder(memberId, "again", 2_000, later, farAway);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asService().get("/api/v1/accounts/{m}", memberId)
                .then().body("tier", equalTo("SILVER")));
        int before = asService().get("/api/v1/accounts/{m}", memberId).then().extract().path("available");

        asService().contentType(ContentType.JSON).body(Map.of("refundId", "r-again", "orderId", "again", "lotId",
                        "order-again", "points", 2_000)).post("/api/v1/accounts/{m}/reversals", memberId)
                .then().statusCode(201).body("taken", equalTo(2_000)).body("debt", equalTo(0));
        asService().get("/api/v1/accounts/{m}", memberId).then().body("tier", equalTo("MEMBER"))
                .body("available", equalTo(before - 2_000)).body("debt", equalTo(0));
        asService().get("/api/v1/accounts/{m}/entries", memberId).then()
                .body("items[0].type", equalTo("tier.changed")).body("items[1].reference", equalTo("again/r-again"));
        rebuildAndVerify();
    }

    /**
     * A refund that lowers the tier after the tier's upgrade bonus expired takes none of it back
     * from the member's other points: the member lost those points once already. Until 2026-12-07 the
     * take-back counted nothing as expired (as a refund of an expired order did before 2026-12-06),
     * and took the whole bonus again from the member's other lots.
     */
    @Test
    void aTierBonusThatExpiredIsNotTakenBackAgainWhenARefundLowersTheTier() {
        String memberId = "m-" + UUID.randomUUID();
        Instant start = Instant.now();
        Instant farAway = start.plus(Duration.ofDays(1_000));
        silverByAnOrder(memberId, start, farAway);
        // Eleven months on, a second order keeps the member SILVER through the next year.
        TestClock.advance(Duration.ofDays(335));
        creditOrder(memberId, "second", 2_000, start.plus(Duration.ofDays(335)), farAway);
        awaitAccount(memberId, "available", 5_000);
        // A year after it was given, the bonus expires unspent.
        TestClock.advance(Duration.ofDays(32));
        jobs.expireLots().await().atMost(Duration.ofSeconds(30));
        asService().get("/api/v1/accounts/{m}", memberId).then().body("available", equalTo(4_000))
                .body("expired", equalTo(1_000));

        // The first order has left the window: refunding the second leaves nothing qualifying.
        TestClock.advance(Duration.ofDays(30));
        asService().contentType(ContentType.JSON).body(Map.of("refundId", "r-second", "orderId", "second", "lotId",
                        "order-second", "points", 2_000)).post("/api/v1/accounts/{m}/reversals", memberId)
                .then().statusCode(201).body("taken", equalTo(2_000)).body("debt", equalTo(0));
        asService().get("/api/v1/accounts/{m}", memberId).then().body("tier", equalTo("MEMBER"))
                .body("available", equalTo(2_000)).body("debt", equalTo(0));
        asService().get("/api/v1/accounts/{m}/entries", memberId).then()
                .body("items[0].type", equalTo("points.reversed")).body("items[0].reference", equalTo("second/tier-bonus:SILVER"))
                .body("items[0].points", equalTo(0)).body("items[0].alreadyExpired", equalTo(1_000))
                .body("items[0].debt", equalTo(0));
        rebuildAndVerify();
    }

    private static void rebuildAndVerify() {
        asAdmin().post("/api/v1/admin/rebuild").then().statusCode(200);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() ->
                asAnalyst().get("/api/v1/admin/verify").then().statusCode(200).body("mismatchCount", equalTo(0)));
    }

    @Test
    void aRefundTakesALotPastItsExpiryNotYetEmptiedBeforeOwing() {
        String memberId = "m-" + UUID.randomUUID();
        credit(memberId, "order-o7", 100, Instant.now().plus(Duration.ofDays(300)));
        awaitAccount(memberId, "available", 100);
        captured(memberId, 100, "redemption:rd-7");
        credit(memberId, "lot-day", 30, Instant.now().plus(Duration.ofDays(1)));
        awaitAccount(memberId, "available", 30);
        TestClock.advance(Duration.ofDays(2));
        asService().get("/api/v1/accounts/{m}", memberId).then().body("available", equalTo(0)).body("expired", equalTo(0));

        asService().contentType(ContentType.JSON)
                .body(Map.of("refundId", "r-o7", "orderId", "o7", "lotId", "order-o7", "points", 100))
                .post("/api/v1/accounts/{m}/reversals", memberId).then().statusCode(201)
                .body("taken", equalTo(30)).body("debt", equalTo(70)).body("alreadyExpired", equalTo(0))
                .body("allocations.lotId", equalTo(List.of("lot-day")));
        // Nothing is left for the expiry job; the debt waits for the next points.
        jobs.expireLots().await().atMost(Duration.ofSeconds(30));
        asService().get("/api/v1/accounts/{m}", memberId).then()
                .body("available", equalTo(0)).body("expired", equalTo(0)).body("debt", equalTo(70))
                .body("reversed", equalTo(30));
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() ->
                asAnalyst().get("/api/v1/admin/verify").then().statusCode(200).body("mismatchCount", equalTo(0)));
    }

    @Test
    void aRefundTakesBackAllOfAnOrderThatEarnedMoreThanOneSpendMoves() {
        String memberId = "m-" + UUID.randomUUID();
        // 10^8 yuan at a multiplier of 100: ten billion points, ten times what one hold may take.
        long earned = 10_000_000_200L;
        credit(memberId, "order-big", earned, Instant.now().plus(Duration.ofDays(300)));
        // (With the ledger's own tier bonus, which comes with it: more than the order's points.)
        await().atMost(Duration.ofSeconds(30)).until(() -> asService().get("/api/v1/accounts/{m}", memberId)
                .then().extract().statusCode() == 200 && asService().get("/api/v1/accounts/{m}", memberId).then()
                .extract().jsonPath().getLong("available") >= earned);
        long bonus = asService().get("/api/v1/accounts/{m}", memberId).then().extract().jsonPath().getLong("available")
                - earned;
        asService().contentType(ContentType.JSON).body(Map.of("refundId", "r-big", "orderId", "big", "lotId", "order-big",
                        "points", earned))
                .post("/api/v1/accounts/{m}/reversals", memberId).then().statusCode(201)
                .body("taken", equalTo(earned)).body("debt", equalTo(0));
        // The order lifted the member to PLATINUM; refunded, the tier falls back and its bonus goes with it.
        asService().get("/api/v1/accounts/{m}", memberId).then().body("available", equalTo(0))
                .body("reversed", equalTo(earned + bonus)).body("tier", equalTo("MEMBER"));
        // Past what any refund may take back (10^15): refused with the field, nothing taken.
        asService().contentType(ContentType.JSON).body(Map.of("refundId", "r-huge", "orderId", "big", "lotId", "order-big",
                        "points", PointsValue.MAX_REVERSAL + 1))
                .post("/api/v1/accounts/{m}/reversals", memberId).then().statusCode(400)
                .body("code", equalTo("VALIDATION_FAILED")).body("errors[0].field", equalTo("points"));
    }

    @Test
    void aRefundThatOvertakesItsOrdersCreditWaitsForItInsteadOfTakingOtherPoints() {
        String memberId = "m-" + UUID.randomUUID();
        Instant now = Instant.now();
        credit(memberId, "signup/" + memberId, 100, now.plus(Duration.ofDays(300)));
        awaitAccount(memberId, "available", 100);

        // The refund comes straight to the ledger; its order's credit is still on the log.
        Map<String, Object> refund = Map.of("refundId", "r-early", "orderId", "o9", "lotId", "order-o9", "points", 60);
        asService().contentType(ContentType.JSON).body(refund).post("/api/v1/accounts/{m}/reversals", memberId)
                .then().statusCode(404).contentType("application/problem+json").body("code", equalTo("NOT_FOUND"))
                .body("detail", containsString("order-o9"));
        asService().get("/api/v1/accounts/{m}", memberId).then()
                .body("available", equalTo(100)).body("reversed", equalTo(0)).body("debt", equalTo(0));

        // Once the credit is applied, the same refund takes the order's own points and nothing else.
        credit(memberId, "order-o9", 80, now.plus(Duration.ofDays(300)));
        awaitAccount(memberId, "available", 180);
        asService().contentType(ContentType.JSON).body(refund).post("/api/v1/accounts/{m}/reversals", memberId)
                .then().statusCode(201).body("taken", equalTo(60)).body("debt", equalTo(0))
                .body("allocations.lotId", equalTo(List.of("order-o9")));
        asService().get("/api/v1/accounts/{m}", memberId).then()
                .body("available", equalTo(120)).body("reversed", equalTo(60));
    }

    @Test
    void lotsExpireAfterDowntimeOldestFirstAndNeverTwice() {
        String memberId = "m-" + UUID.randomUUID();
        Instant now = Instant.now();
        credit(memberId, "lot-a", 30, now.plus(Duration.ofDays(1)));
        credit(memberId, "lot-b", 20, now.plus(Duration.ofDays(2)));
        credit(memberId, "lot-c", 50, now.plus(Duration.ofDays(40)));
        awaitAccount(memberId, "available", 100);

        // The service was down for three days: both due lots expire in one catch-up run.
        TestClock.advance(Duration.ofDays(3));
        asService().get("/api/v1/accounts/{m}", memberId).then().body("available", equalTo(50));
        assertThat(jobs.expireLots().await().atMost(Duration.ofSeconds(30))).isGreaterThanOrEqualTo(1);
        assertThat(jobs.expireLots().await().atMost(Duration.ofSeconds(30))).isZero();
        asService().get("/api/v1/accounts/{m}", memberId).then()
                .body("available", equalTo(50)).body("expired", equalTo(50));
        List<org.apache.kafka.clients.consumer.ConsumerRecord<String, String>> expired = TopicReader.await(
                Topics.POINTS_LEDGER, r -> r.key().equals(memberId) && r.value().contains("\"points.expired\""), 1,
                Duration.ofSeconds(30));
        assertThat(expired.get(0).value()).contains("lot-a").contains("lot-b").doesNotContain("lot-c");
    }

    @Test
    void aHoldNobodyCapturesIsReleasedAtItsTtl() {
        String memberId = "m-" + UUID.randomUUID();
        credit(memberId, "lot-h", 60, Instant.now().plus(Duration.ofDays(100)));
        awaitAccount(memberId, "available", 60);
        asService().contentType(ContentType.JSON).body(Map.of("holdId", "h-ttl", "points", 45, "ttlSeconds", 60))
                .post("/api/v1/accounts/{m}/holds", memberId).then().statusCode(201);
        assertThat(jobs.releaseExpiredHolds().await().atMost(Duration.ofSeconds(30))).isZero();

        TestClock.advance(Duration.ofMinutes(2));
        assertThat(jobs.releaseExpiredHolds().await().atMost(Duration.ofSeconds(30))).isGreaterThanOrEqualTo(1);
        asService().get("/api/v1/accounts/{m}", memberId).then().body("available", equalTo(60)).body("reserved", equalTo(0));
        asService().post("/api/v1/accounts/{m}/holds/h-ttl/capture", memberId).then().statusCode(409)
                .body("code", equalTo("HOLD_NOT_OPEN")).body("state", equalTo("EXPIRED"));
        asService().get("/api/v1/accounts/{m}/entries", memberId).then()
                .body("items[0].type", equalTo("points.released")).body("items[0].reference", equalTo("EXPIRED"));
    }

    /**
     * A capture that comes at or after its hold's TTL is refused as it is once the job has released
     * the hold (409 HOLD_NOT_OPEN, state EXPIRED), and releases it in the same decision as the job
     * would: the points are back at once, the log says released (EXPIRED), and a replay agrees. Before
     * (until 2026-12-06), such a capture took the points until the job's next run. A release past
     * the TTL answers as after the job: the expiry's release, 200 RELEASED_EXPIRED.
     */
    @Test
    void aCaptureAfterTheHoldsTtlIsRefusedAndReleasesItBeforeTheJobRuns() {
        String memberId = "m-" + UUID.randomUUID();
        credit(memberId, "lot-t", 100, Instant.now().plus(Duration.ofDays(100)));
        awaitAccount(memberId, "available", 100);
        String early = "h-" + UUID.randomUUID();
        String lapsed = "h-" + UUID.randomUUID();
        String lapsedById = "h-" + UUID.randomUUID();
        String cancelled = "h-" + UUID.randomUUID();
        String lasting = "h-" + UUID.randomUUID();
        holdWithTtl(memberId, early, 10, 60);
        asService().post("/api/v1/accounts/{m}/holds/{h}/capture", memberId, early).then().statusCode(201);
        holdWithTtl(memberId, lapsed, 45, 60);
        holdWithTtl(memberId, lapsedById, 30, 60);
        holdWithTtl(memberId, cancelled, 5, 60);
        holdWithTtl(memberId, lasting, 10, 3_600);
        asService().get("/api/v1/accounts/{m}", memberId).then().body("available", equalTo(0))
                .body("reserved", equalTo(90));

        // Past the TTL of all but one, and the job (off in tests) has not run.
        TestClock.advance(Duration.ofMinutes(2));
        asService().post("/api/v1/accounts/{m}/holds/{h}/capture", memberId, lapsed).then().statusCode(409)
                .contentType("application/problem+json")
                .body("code", equalTo("HOLD_NOT_OPEN")).body("state", equalTo("EXPIRED"));
        asService().get("/api/v1/accounts/{m}", memberId).then()
                .body("available", equalTo(45)).body("reserved", equalTo(45)).body("spent", equalTo(10));
        asService().post("/api/v1/holds/{h}/capture", lapsedById).then().statusCode(409)
                .body("code", equalTo("HOLD_NOT_OPEN")).body("state", equalTo("EXPIRED"));
        asService().get("/api/v1/accounts/{m}", memberId).then()
                .body("available", equalTo(75)).body("reserved", equalTo(15)).body("spent", equalTo(10));
        // Again: the same answer, nothing moves.
        asService().post("/api/v1/accounts/{m}/holds/{h}/capture", memberId, lapsed).then().statusCode(409)
                .body("code", equalTo("HOLD_NOT_OPEN")).body("state", equalTo("EXPIRED"));
        asService().post("/api/v1/holds/{h}/capture", lapsedById).then().statusCode(409)
                .body("code", equalTo("HOLD_NOT_OPEN")).body("state", equalTo("EXPIRED"));
        // A release past the TTL: the expiry's release, as a release after the job is answered.
        String released = asService().post("/api/v1/accounts/{m}/holds/{h}/release", memberId, cancelled).then()
                .statusCode(200).body("status", equalTo("RELEASED_EXPIRED")).body("points", equalTo(5))
                .body("eventId", equalTo("points.released:" + memberId + ":" + cancelled)).extract().asString();
        assertThat(asService().post("/api/v1/holds/{h}/release", cancelled).then().statusCode(200).extract().asString())
                .isEqualTo(released);
        // A hold within its TTL captures as before.
        asService().post("/api/v1/accounts/{m}/holds/{h}/capture", memberId, lasting).then().statusCode(201)
                .body("status", equalTo("CAPTURED"));
        asService().get("/api/v1/accounts/{m}", memberId).then()
                .body("available", equalTo(80)).body("reserved", equalTo(0)).body("spent", equalTo(20));

        // The job finds nothing left of these holds.
        jobs.releaseExpiredHolds().await().atMost(Duration.ofSeconds(30));
        asService().get("/api/v1/accounts/{m}", memberId).then()
                .body("available", equalTo(80)).body("reserved", equalTo(0)).body("spent", equalTo(20));
        List<String> releases = TopicReader.await(Topics.POINTS_LEDGER, r -> r.key().equals(memberId)
                && r.value().contains("\"points.released\""), 3, Duration.ofSeconds(30)).stream()
                .map(r -> r.value()).toList();
        assertThat(releases).hasSize(3).allMatch(r -> r.contains("\"reason\":\"EXPIRED\""));
        assertThat(releases).anyMatch(r -> r.contains(lapsed)).anyMatch(r -> r.contains(lapsedById))
                .anyMatch(r -> r.contains(cancelled));
        List<String> spends = TopicReader.await(Topics.POINTS_LEDGER, r -> r.key().equals(memberId)
                && r.value().contains("\"points.spent\""), 2, Duration.ofSeconds(30)).stream()
                .map(r -> r.value()).toList();
        assertThat(spends).hasSize(2).noneMatch(r -> r.contains(lapsed) || r.contains(lapsedById));
        asService().get("/api/v1/accounts/{m}/entries", memberId).then()
                .body("items.findAll { it.type == 'points.released' }.reference",
                        equalTo(List.of("EXPIRED", "EXPIRED", "EXPIRED")));
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() ->
                asAnalyst().get("/api/v1/admin/verify").then().statusCode(200).body("mismatchCount", equalTo(0)));
    }

    /**
     * Captures decided together in one batch: each lapsed one is refused and releases its hold, the
     * others capture, and the batch is not made again (a lapsed capture's release is written with
     * it, not undone by its refusal).
     */
    @Test
    void lapsedCapturesDecidedTogetherAreEachRefusedAndReleasedInTheirBatch() throws Exception {
        List<String> members = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String memberId = "m-" + UUID.randomUUID();
            credit(memberId, "lot-b", 50, Instant.now().plus(Duration.ofDays(100)));
            members.add(memberId);
        }
        for (String memberId : members) {
            awaitAccount(memberId, "available", 50);
            holdWithTtl(memberId, "h-short", 40, 60);
            holdWithTtl(memberId, "h-long", 10, 3_600);
        }
        TestClock.advance(Duration.ofMinutes(2));
        double retriedBefore = HoldTest.metric("points_ledger_decision_batch_retried_total");
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(24);
        List<java.util.concurrent.Future<String>> answers = new java.util.ArrayList<>();
        for (String memberId : members) {
            for (String holdId : List.of("h-short", "h-long")) {
                answers.add(pool.submit(() -> {
                    var answer = asService().post("/api/v1/accounts/{m}/holds/{h}/capture", memberId, holdId).then()
                            .extract();
                    return holdId + " " + answer.statusCode() + " " + answer.path("state");
                }));
            }
        }
        List<String> statuses = new java.util.ArrayList<>();
        for (java.util.concurrent.Future<String> answer : answers) {
            statuses.add(answer.get());
        }
        pool.shutdown();
        assertThat(statuses).filteredOn(s -> s.startsWith("h-short")).hasSize(12)
                .allMatch(s -> s.equals("h-short 409 EXPIRED"));
        assertThat(statuses).filteredOn(s -> s.startsWith("h-long")).hasSize(12)
                .allMatch(s -> s.equals("h-long 201 null"));
        for (String memberId : members) {
            asService().get("/api/v1/accounts/{m}", memberId).then().statusCode(200)
                    .body("available", equalTo(40)).body("reserved", equalTo(0)).body("spent", equalTo(10));
        }
        assertThat(HoldTest.metric("points_ledger_decision_batch_retried_total")).isEqualTo(retriedBefore);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() ->
                asAnalyst().get("/api/v1/admin/verify").then().statusCode(200).body("mismatchCount", equalTo(0)));
    }

    private static void holdWithTtl(String memberId, String holdId, long points, long ttlSeconds) {
        asService().contentType(ContentType.JSON)
                .body(Map.of("holdId", holdId, "points", points, "ttlSeconds", ttlSeconds))
                .post("/api/v1/accounts/{m}/holds", memberId).then().statusCode(201);
    }

    @Test
    void aCapturedHoldGivesBackToItsLotsLatestExpiringFirstOncePerReturnId() {
        String memberId = withTwoLots("lot-soon", 40, 30, "lot-late", 100, 300);
        // 120 spent: all of lot-soon, 80 of lot-late.
        String holdId = captured(memberId, 120, "redemption:rd-1");

        // Part: from the latest-expiring lot first.
        String first = giveBack(holdId, Map.of("returnId", "rt-1", "points", 50)).statusCode(200)
                .body("holdId", equalTo(holdId)).body("returnId", equalTo("rt-1")).body("memberId", equalTo(memberId))
                .body("points", equalTo(50)).body("allocations.size()", equalTo(1))
                .body("allocations[0].lotId", equalTo("lot-late")).body("allocations[0].points", equalTo(50))
                .body("eventId", equalTo("points.returned:" + memberId + ":rt-1")).extract().asString();
        // The same again, with or without its points: the first answer; with other points: a conflict.
        assertThat(giveBack(holdId, Map.of("returnId", "rt-1", "points", 50)).statusCode(200).extract().asString())
                .isEqualTo(first);
        assertThat(giveBack(holdId, Map.of("returnId", "rt-1")).statusCode(200).extract().asString()).isEqualTo(first);
        giveBack(holdId, Map.of("returnId", "rt-1", "points", 40)).statusCode(409)
                .contentType("application/problem+json").body("code", equalTo("RETURN_CONFLICT"));
        asService().get("/api/v1/accounts/{m}", memberId).then().statusCode(200)
                .body("spent", equalTo(70)).body("available", equalTo(70)).body("reserved", equalTo(0));

        // More than is left: refused, nothing changes. Then all that is left: 30 of lot-late, then lot-soon.
        giveBack(holdId, Map.of("returnId", "rt-2", "points", 71)).statusCode(409)
                .body("code", equalTo("RETURN_EXCEEDS_SPENT"));
        giveBack(holdId, Map.of("returnId", "rt-2")).statusCode(200).body("points", equalTo(70))
                .body("allocations.lotId", equalTo(List.of("lot-late", "lot-soon")))
                .body("allocations.points", equalTo(List.of(30, 40)));
        giveBack(holdId, Map.of("returnId", "rt-3")).statusCode(409).body("code", equalTo("RETURN_EXCEEDS_SPENT"));
        giveBack(holdId, Map.of("returnId", "rt-3", "points", 1)).statusCode(409)
                .body("code", equalTo("RETURN_EXCEEDS_SPENT"));
        asService().get("/api/v1/accounts/{m}", memberId).then().statusCode(200)
                .body("spent", equalTo(0)).body("available", equalTo(140));
        asService().get("/api/v1/accounts/{m}/entries", memberId).then().statusCode(200)
                .body("items[0].type", equalTo("points.returned")).body("items[0].points", equalTo(70))
                .body("items[0].reference", equalTo("redemption:rd-1"))
                .body("items[1].type", equalTo("points.returned")).body("items[1].points", equalTo(50));

        // Both returns are on the log, once each, naming their lots.
        List<String> published = TopicReader.await(Topics.POINTS_LEDGER,
                r -> r.key().equals(memberId) && r.value().contains("\"points.returned\""), 2, Duration.ofSeconds(30))
                .stream().map(r -> r.value()).toList();
        assertThat(published).hasSize(2);
        assertThat(published.get(0)).contains("\"returnId\":\"rt-1\"").contains("\"lotId\":\"lot-late\"");

        // A returnId belongs to one hold of the member.
        String other = captured(memberId, 10, null);
        giveBack(other, Map.of("returnId", "rt-1", "points", 50)).statusCode(409)
                .body("code", equalTo("RETURN_CONFLICT"));
        giveBack(other, Map.of("returnId", "rt-4", "reference", "payment:p-1")).statusCode(200)
                .body("points", equalTo(10));
        asService().get("/api/v1/accounts/{m}/entries", memberId).then()
                .body("items[0].reference", equalTo("payment:p-1"));
    }

    @Test
    void onlyACapturedHoldGivesBack() {
        String memberId = HoldTest.credited(100);
        String open = "h-" + UUID.randomUUID();
        hold(memberId, open, 30);
        giveBack(open, Map.of("returnId", "rt-open")).statusCode(409).contentType("application/problem+json")
                .body("code", equalTo("HOLD_NOT_CAPTURED"));
        asService().post("/api/v1/holds/{h}/release", open).then().statusCode(201);
        giveBack(open, Map.of("returnId", "rt-open", "points", 5)).statusCode(409)
                .body("code", equalTo("HOLD_NOT_CAPTURED"));
        giveBack("never-" + UUID.randomUUID(), Map.of("returnId", "rt-x")).statusCode(404)
                .body("code", equalTo("NOT_FOUND"));
        asService().get("/api/v1/accounts/{m}", memberId).then()
                .body("available", equalTo(100)).body("spent", equalTo(0)).body("reserved", equalTo(0));
    }

    /**
     * A lot that expired while its points were spent takes them back, and the expiry job expires
     * them again naming it; with holds, captures, partial and full returns, a replay of the log
     * (verify) and a rebuild from it equal the live accounts.
     */
    @Test
    void pointsGivenBackToAnExpiredLotExpireAgainAndRebuildAndVerifyStayExact() {
        String memberId = withTwoLots("lot-day", 30, 1, "lot-year", 100, 365);
        String spentAll = captured(memberId, 80, "redemption:rd-x");
        String partly = captured(memberId, 40, "payment:p-x");
        String stillOpen = "h-" + UUID.randomUUID();

        // Three days later lot-day has expired; its 30 points come back to it all the same.
        TestClock.advance(Duration.ofDays(3));
        // Held now, so that its TTL (900 s) has not passed when it is captured after the rebuild.
        hold(memberId, stillOpen, 5);
        giveBack(spentAll, Map.of("returnId", "rt-all")).statusCode(200).body("points", equalTo(80))
                .body("allocations.lotId", equalTo(List.of("lot-year", "lot-day")))
                .body("allocations.points", equalTo(List.of(50, 30)));
        giveBack(partly, Map.of("returnId", "rt-part", "points", 15)).statusCode(200)
                .body("allocations.lotId", equalTo(List.of("lot-year")));
        asService().get("/api/v1/accounts/{m}", memberId).then().statusCode(200)
                .body("available", equalTo(100 - 5 - 25)).body("spent", equalTo(25)).body("expired", equalTo(0));

        assertThat(jobs.expireLots().await().atMost(Duration.ofSeconds(30))).isGreaterThanOrEqualTo(1);
        asService().get("/api/v1/accounts/{m}", memberId).then()
                .body("available", equalTo(70)).body("expired", equalTo(30)).body("spent", equalTo(25));
        List<String> expired = TopicReader.await(Topics.POINTS_LEDGER,
                r -> r.key().equals(memberId) && r.value().contains("\"points.expired\""), 1, Duration.ofSeconds(30))
                .stream().map(r -> r.value()).toList();
        assertThat(expired.get(0)).contains("\"lotId\":\"lot-day\"").contains("\"points\":30");

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() ->
                asAnalyst().get("/api/v1/admin/verify").then().statusCode(200).body("mismatchCount", equalTo(0)));
        Map<String, String> before = new HashMap<>();
        before.put(memberId, asService().get("/api/v1/accounts/{m}", memberId).then().extract().asString());
        asAdmin().post("/api/v1/admin/rebuild").then().statusCode(200);
        asAnalyst().get("/api/v1/admin/verify").then().statusCode(200).body("mismatchCount", equalTo(0));
        assertThat(asService().get("/api/v1/accounts/{m}", memberId).then().extract().asString())
                .isEqualTo(before.get(memberId));
        // After the rebuild the ledger still knows what was given back, and the open hold still captures.
        giveBack(partly, Map.of("returnId", "rt-rest")).statusCode(200).body("points", equalTo(25));
        giveBack(partly, Map.of("returnId", "rt-more")).statusCode(409).body("code", equalTo("RETURN_EXCEEDS_SPENT"));
        asService().post("/api/v1/holds/{h}/capture", stillOpen).then().statusCode(201);
        asService().get("/api/v1/accounts/{m}", memberId).then()
                .body("available", equalTo(95)).body("spent", equalTo(5)).body("expired", equalTo(30));
    }

    private static ValidatableResponse giveBack(String holdId, Map<String, Object> body) {
        return asService().contentType(ContentType.JSON).body(body).post("/api/v1/holds/{h}/return", holdId).then();
    }

    /** A new member with two lots that expire in {@code soonDays} and {@code lateDays}, both credited. */
    private static String withTwoLots(String soonLot, long soonPoints, int soonDays, String lateLot, long latePoints,
            int lateDays) {
        String memberId = "m-" + UUID.randomUUID();
        Instant now = Instant.now();
        credit(memberId, soonLot, soonPoints, now.plus(Duration.ofDays(soonDays)));
        credit(memberId, lateLot, latePoints, now.plus(Duration.ofDays(lateDays)));
        awaitAccount(memberId, "available", (int) (soonPoints + latePoints));
        return memberId;
    }

    /** A hold of {@code points}, captured: its id. */
    private static String captured(String memberId, long points, String reference) {
        String holdId = "h-" + UUID.randomUUID();
        holdFor(reference, memberId, holdId, points);
        asService().post("/api/v1/holds/{h}/capture", holdId).then().statusCode(201);
        return holdId;
    }

    private static void hold(String memberId, String holdId, long points) {
        holdFor(null, memberId, holdId, points);
    }

    /** A hold made with {@code reference} (none when null). */
    private static void holdFor(String reference, String memberId, String holdId, long points) {
        Map<String, Object> body = new HashMap<>(Map.of("holdId", holdId, "points", points));
        if (reference != null) {
            body.put("reference", reference);
        }
        asService().contentType(ContentType.JSON).body(body).post("/api/v1/accounts/{m}/holds", memberId)
                .then().statusCode(201);
    }

    static void credit(String memberId, String lotId, long points, Instant expiresAt) {
        Instant now = Instant.now();
        TestEvents.publish(Topics.POINTS_LEDGER, CloudEvent.of("points.earned:" + memberId + ":" + lotId,
                "/earning-service", memberId, now, new PointsEarned(memberId, lotId, points,
                        new Origin(OriginKind.ORDER, lotId), List.of(new BreakdownLine("base", points)),
                        now.minusSeconds(5), expiresAt)));
    }

    static void awaitAccount(String memberId, String field, int value) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asService().get("/api/v1/accounts/{m}", memberId)
                .then().statusCode(200).body(field, equalTo(value)));
    }
}
