package io.pointsplatform.notification.notice.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.pointsplatform.events.Allocation;
import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.PointsReversed;
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
    void aSettlementOfDebtIsToldAsSuchNotAsASecondTakingBack() {
        PointsReversed settlement = new PointsReversed("m-1", null, null, 80, List.of(new Allocation("order-o-9", 80)), 0, 80);
        assertThat(paramsOf(settlement, "points.reversed:m-1:settle-release:h-1"))
                .containsExactlyInAnyOrderEntriesOf(Map.of("points", 80L, "settlement", true));
    }
}
