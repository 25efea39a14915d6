package io.pointsplatform.notification.notice.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.pointsplatform.events.Allocation;
import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.Origin;
import io.pointsplatform.events.OriginKind;
import io.pointsplatform.events.PointsEarned;
import io.pointsplatform.events.PointsReturned;
import io.pointsplatform.events.PointsReversed;
import io.pointsplatform.events.PointsSpent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a member is told of a refund's reversal, and of the settlement of what it left owed. */
class MessagesTest {

    private static final Instant AT = Instant.parse("2026-12-06T04:00:00Z");

    private static Map<String, Object> paramsOf(PointsReversed reversed, String id) {
        return Messages.forEvent(CloudEvent.of(id, "/ledger-service", reversed.memberId(), AT, reversed))
                .map(NoticeDraft::params).orElse(null);
    }

    @Test
    void aReversalTellsAllItTakesBackAndHowMuchOfItIsOwed() {
        PointsReversed partlyOwed = new PointsReversed("m-1", "o-1", "rf-1", 20, List.of(new Allocation("order-o-1", 20)), 80);
        assertThat(paramsOf(partlyOwed, "points.reversed:m-1:rf-1"))
                .containsExactlyInAnyOrderEntriesOf(Map.of("points", 100L, "orderId", "o-1", "owed", 80L));
        PointsReversed whole = new PointsReversed("m-1", "o-2", "rf-2", 50, List.of(new Allocation("order-o-2", 50)), 0);
        assertThat(paramsOf(whole, "points.reversed:m-1:rf-2"))
                .containsExactlyInAnyOrderEntriesOf(Map.of("points", 50L, "orderId", "o-2"));
    }

    @Test
    void aReversalSaysWhatOfTheOrderHadExpiredAndIsSilentWhenItTakesNothing() {
        PointsReversed partly = new PointsReversed("m-1", "o-3", "rf-3", 100, List.of(new Allocation("lot-x", 100)), 0, 0,
                250);
        assertThat(paramsOf(partly, "points.reversed:m-1:rf-3"))
                .containsExactlyInAnyOrderEntriesOf(Map.of("points", 100L, "orderId", "o-3", "alreadyExpired", 250L));
        // All of it had expired: nothing taken, nothing owed, nothing to tell.
        PointsReversed nothing = new PointsReversed("m-1", "o-4", "rf-4", 0, List.of(), 0, 0, 350);
        assertThat(paramsOf(nothing, "points.reversed:m-1:rf-4")).isNull();
    }

    @Test
    void aTierBonusTakenBackAfterARefundSaysWhichTiersBonus() {
        PointsReversed bonus = new PointsReversed("m-1", "o-5", "tier-bonus:SILVER", 0, List.of(), 1_000, 0, 0);
        assertThat(paramsOf(bonus, "points.reversed:m-1:tier-bonus:SILVER")).containsExactlyInAnyOrderEntriesOf(
                Map.of("points", 1_000L, "orderId", "o-5", "owed", 1_000L, "tierBonus", "SILVER"));
    }

    @Test
    void aCreditNamesItsOrderAndWhenItsPointsBecomeUsableWhilePending() {
        Instant expires = AT.plus(Duration.ofDays(365));
        PointsEarned order = new PointsEarned("m-1", "order-o-7", 120, new Origin(OriginKind.ORDER, "o-7"), List.of(),
                AT.plus(Duration.ofDays(7)), expires);
        assertThat(Messages.forEvent(CloudEvent.of("e-1", "/earning-service", "m-1", AT, order)).orElseThrow().params())
                .containsExactlyInAnyOrderEntriesOf(Map.of("points", 120L, "expiresAt", expires.toString(),
                        "origin", "ORDER", "orderId", "o-7", "availableAt", AT.plus(Duration.ofDays(7)).toString()));
        // Usable at once (a check-in, an order paid long ago): no date to wait for; no order id but an order's.
        PointsEarned checkin = new PointsEarned("m-1", "checkin-1", 5, new Origin(OriginKind.CHECKIN, "2026-12-06"),
                List.of(), AT.minusSeconds(3_600), expires);
        Map<String, Object> params = Messages.forEvent(CloudEvent.of("e-2", "/earning-service", "m-1", AT, checkin))
                .orElseThrow().params();
        assertThat(params).containsEntry("origin", "CHECKIN").containsEntry("orderId", null)
                .containsEntry("availableAt", null);
    }

    @Test
    void aPaymentsPointsAndItsRefundAreToldAsSuchAndARedemptionsAreNotToldTwice() {
        List<Allocation> lot = List.of(new Allocation("lot-1", 500));
        PointsSpent paid = new PointsSpent("m-1", "payment:pay-1", 500, lot, "payment:pay-1");
        assertThat(Messages.forEvent(CloudEvent.of("s-1", "/ledger-service", "m-1", AT, paid)).orElseThrow().params())
                .containsEntry("points", 500L).containsEntry("payment", true);
        PointsReturned refunded = new PointsReturned("m-1", "payment:pay-1", "pr-1", 250, List.of(new Allocation("lot-1", 250)),
                "payment:pay-1:refund:rf-1");
        assertThat(Messages.forEvent(CloudEvent.of("r-1", "/ledger-service", "m-1", AT, refunded)).orElseThrow().params())
                .containsEntry("payment", true);
        PointsSpent own = new PointsSpent("m-1", "h-1", 40, List.of(new Allocation("lot-1", 40)), null);
        assertThat(Messages.forEvent(CloudEvent.of("s-2", "/ledger-service", "m-1", AT, own)).orElseThrow().params())
                .containsEntry("payment", null);
        PointsSpent redemption = new PointsSpent("m-1", "redemption:r-1", 40, List.of(new Allocation("lot-1", 40)),
                "redemption:r-1");
        assertThat(Messages.forEvent(CloudEvent.of("s-3", "/ledger-service", "m-1", AT, redemption))).isEmpty();
    }

    @Test
    void aSettlementOfDebtIsToldAsSuchNotAsASecondTakingBack() {
        PointsReversed settlement = new PointsReversed("m-1", null, null, 80, List.of(new Allocation("order-o-9", 80)), 0, 80);
        assertThat(paramsOf(settlement, "points.reversed:m-1:settle-release:h-1"))
                .containsExactlyInAnyOrderEntriesOf(Map.of("points", 80L, "settlement", true));
    }
}
