package io.pointsplatform.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class EventRecordsTest {

    private static final Instant T0 = Samples.T0;
    private static final Instant LATER = T0.plusSeconds(86_400);
    private static final List<Allocation> TEN = List.of(new Allocation("lot-1", 10));

    private static void refused(ThrowingCallable construction, String message) {
        assertThatThrownBy(construction).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @Test
    void allocationsArePositiveAndNamed() {
        refused(() -> new Allocation("lot-1", 0), "allocation: points must be > 0 (was 0)");
        refused(() -> new Allocation(" ", 5), "lotId must not be blank");
    }

    @Test
    void debitsAllocateExactlyTheirPoints() {
        refused(() -> new PointsExpired("m-1", 11, TEN), "allocations sum to 10 but points is 11");
        refused(() -> new PointsExpired("m-1", 10, List.of()), "allocations must not be empty");
        refused(() -> new PointsExpired("m-1", 10, null), "allocations is required");
        refused(() -> new PointsExpired("m-1", 10, Arrays.asList(new Allocation("lot-1", 10), null)), "must not contain null");
        refused(() -> new PointsSpent("m-1", null, 20, List.of(new Allocation("lot-1", 10), new Allocation("lot-1", 10)),
                null), "allocations name lot lot-1 twice");
        refused(() -> new PointsReserved("m-1", "h-1", 0, TEN, LATER, null), "points must be > 0");
        refused(() -> new PointsReleased("m-1", "h-1", 10, TEN, null), "reason is required");
        refused(() -> new PointsSpent("m-1", "", 10, TEN, null), "holdId must be absent or not blank");
        List<Allocation> many = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            many.add(new Allocation("lot-" + i, 1));
        }
        many.add(new Allocation("lot-7", 1));
        refused(() -> new PointsExpired("m-1", 41, many), "allocations name lot lot-7 twice");
    }

    @Test
    void eventsCopyTheirLists() {
        List<Allocation> mutable = new ArrayList<>(TEN);
        PointsExpired expired = new PointsExpired("m-1", 10, mutable);
        mutable.add(new Allocation("lot-2", 5));
        assertThat(expired.allocations()).containsExactly(new Allocation("lot-1", 10));
        assertThatThrownBy(() -> expired.allocations().add(new Allocation("lot-3", 1)))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void earningsHaveALife() {
        Origin order = new Origin(OriginKind.ORDER, "o-1");
        refused(() -> new PointsEarned("m-1", "lot-1", 10, order, null, LATER, T0), "must be before expiresAt");
        refused(() -> new PointsEarned("m-1", "lot-1", 10, order, null, T0, T0), "must be before expiresAt");
        refused(() -> new PointsEarned("m-1", "lot-1", 10, null, null, T0, LATER), "origin is required");
        refused(() -> new PointsEarned("m-1", "lot-1", -10, order, null, T0, LATER), "points must be > 0 (was -10)");
        refused(() -> new PointsEarned(null, "lot-1", 10, order, null, T0, LATER), "memberId must not be blank");
        assertThat(new PointsEarned("m-1", "lot-1", 10, order, null, T0, LATER).breakdown()).isEmpty();
    }

    @Test
    void reversalsTakeOrOweSomething() {
        refused(() -> new PointsReversed("m-1", "o-1", "rf-1", 0, List.of(), 0), "nothing is reversed");
        refused(() -> new PointsReversed("m-1", "o-1", "rf-1", 10, TEN, -1), "debt must be >= 0");
        refused(() -> new PointsReversed("m-1", "o-1", null, 10, TEN, 0), "refundId must not be blank");
        refused(() -> new PointsReversed("m-1", null, null, 10, TEN, 5, 10), "a debt settlement");
        refused(() -> new PointsReversed("m-1", null, null, 10, TEN, 0, 4), "a debt settlement");
        refused(() -> new PointsReversed("m-1", null, null, 10, TEN, 0, 10, 5), "a debt settlement");
        refused(() -> new PointsReversed("m-1", "o-1", "rf-1", 10, TEN, 0, 0, -1), "alreadyExpired must be >= 0");
        refused(() -> new PointsReversed("m-1", "o-1", "rf-1", 0, List.of(), 0, 0, 0), "nothing is reversed");
        // All of a refund's points had expired: nothing taken or owed, the reversal still says so.
        assertThat(new PointsReversed("m-1", "o-1", "rf-1", 0, List.of(), 0, 0, 350).asked()).isEqualTo(350);
        refused(() -> new PointsReversed("m-1", "o-1", "rf-1", 0, TEN, 5), "allocations sum to 10 but points is 0");
        assertThat(new PointsReversed("m-1", "o-1", "rf-1", 0, List.of(), 5).debtSettled()).isZero();
        assertThat(new PointsReversed("m-1", null, null, 10, TEN, 0, 10).debtSettled()).isEqualTo(10);
    }

    @Test
    void adjustmentsAreCreditsOrDebits() {
        refused(() -> new PointsAdjusted("m-1", "a-1", 0, null, null, null, "why", "a", "b"), "non-zero");
        refused(() -> new PointsAdjusted("m-1", "a-1", Long.MIN_VALUE, null, null, TEN, "why", "a", "b"), "non-zero");
        refused(() -> new PointsAdjusted("m-1", "a-1", 10, null, LATER, null, "why", "a", "b"), "lotId (of a credit)");
        refused(() -> new PointsAdjusted("m-1", "a-1", 10, "lot-a", null, null, "why", "a", "b"), "expiresAt (of a credit)");
        refused(() -> new PointsAdjusted("m-1", "a-1", 10, "lot-a", LATER, TEN, "why", "a", "b"), "a credit has no allocations");
        refused(() -> new PointsAdjusted("m-1", "a-1", -10, "lot-a", null, TEN, "why", "a", "b"), "a debit has no lotId");
        refused(() -> new PointsAdjusted("m-1", "a-1", -11, null, null, TEN, "why", "a", "b"), "allocations sum to 10");
        refused(() -> new PointsAdjusted("m-1", "a-1", -10, null, null, TEN, " ", "a", "b"), "reason must not be blank");
        refused(() -> new PointsAdjusted("m-1", "a-1", -10, null, null, TEN, "why", "a", null), "approvedBy");
        assertThat(new PointsAdjusted("m-1", "a-1", 10, "lot-a", LATER, List.of(), "why", "a", "b").allocations()).isEmpty();
    }

    @Test
    void otherEventsCheckTheirFields() {
        refused(() -> new TierChanged("m-1", "MEMBER", "", 1), "to must not be blank");
        refused(() -> new TierChanged("m-1", "MEMBER", "gold", 1), "to must be a tier");
        refused(() -> new TierChanged("m-1", "BRONZE", "GOLD", 1), "from must be a tier");
        refused(() -> new TierChanged("m-1", "MEMBER", "GOLD", -1), "qualifyingPoints must be >= 0");
        refused(() -> new MemberEnrolled("m-1", null, null, "m-1"), "cannot refer itself");
        refused(() -> new MemberUpdated(" ", "x", LocalDate.of(2000, 1, 1)), "memberId");
        refused(() -> new MemberEnrolled("m-1", null, null, null, "chinese", null), "locale");
        refused(() -> new MemberUpdated("m-1", null, null, null, "not an address"), "email");
        refused(() -> new RewardUpserted("rw-1", "Mug", "GIFT", 0, 1L, null, null, null, null, null, null, null, null, null, null), "pointsCost must be > 0");
        refused(() -> new RewardUpserted("rw-1", "Mug", "GIFT", 10, -1L, null, null, null, null, null, null, null, null, null, null), "stock must be >= 0");
        refused(() -> new RewardUpserted("rw-1", "Mug", "GIFT", 10, 1L, 0, null, null, null, null, null, null, null, null, null), "perMemberLimit must be > 0");
        refused(() -> new RewardUpserted("rw-1", "Mug", "GIFT", 10, 1L, null, null, null, LATER, T0, null, null, null, null, null), "validFrom");
        refused(() -> new StockChanged("rw-1", -1), "stock must be >= 0");
        refused(() -> new RewardUpserted("rw-1", "Mug", "LOTTERY", 10, null, null, null, null, null, null, null, null, null,
                List.of(new RewardUpserted.Prize("p-1", "Pen", "0.5", -1L)), null), "prizes.stock must be >= 0");
        refused(() -> new StockChanged("rw-1", null, List.of(new StockChanged.PrizeStock(" ", 1L))), "prizes.prizeId");
        refused(() -> new RewardRetired(null), "rewardId");
        refused(() -> new RedemptionRequested("rd-1", "m-1", "rw-1", 0, 10), "quantity must be > 0");
        refused(() -> new RedemptionCompleted("rd-1", "m-1", "rw-1", 0, null), "points must be > 0");
        refused(() -> new RedemptionFailed("rd-1", "m-1", "rw-1", null, "why"), "code must not be blank");
        refused(() -> new RedemptionCancelled("rd-1", "m-1", "rw-1", -1), "points must be >= 0");
    }

    @Test
    void eachRecordKnowsItsTypeAndKey() {
        for (EventData data : Samples.examples()) {
            assertThat(EventTypes.dataClass(data.type())).isEqualTo(data.getClass());
            String expectedKey = switch (data) {
                case PointsEvent p -> p.memberId();
                case MemberEvent m -> m.memberId();
                case RedemptionEvent r -> r.memberId();
                case CatalogEvent c -> c.rewardId();
                case NotificationEvent n -> n.memberId();
            };
            assertThat(data.key()).isEqualTo(expectedKey);
        }
    }
}
