package io.pointsplatform.replay;

import io.pointsplatform.events.Allocation;
import io.pointsplatform.events.EventData;
import io.pointsplatform.events.ExpiryDeferred;
import io.pointsplatform.events.ExpiryReminded;
import io.pointsplatform.events.Liability;
import io.pointsplatform.events.MemberEnrolled;
import io.pointsplatform.events.MemberUpdated;
import io.pointsplatform.events.OriginKind;
import io.pointsplatform.events.PointsAdjusted;
import io.pointsplatform.events.PointsEarned;
import io.pointsplatform.events.PointsExpired;
import io.pointsplatform.events.PointsReleased;
import io.pointsplatform.events.PointsReserved;
import io.pointsplatform.events.PointsReturned;
import io.pointsplatform.events.PointsReversed;
import io.pointsplatform.events.PointsSpent;
import io.pointsplatform.events.RedemptionCancelled;
import io.pointsplatform.events.RedemptionCompleted;
import io.pointsplatform.events.RedemptionFailed;
import io.pointsplatform.events.RedemptionRequested;
import io.pointsplatform.events.RewardRetired;
import io.pointsplatform.events.RewardUpserted;
import io.pointsplatform.events.StockChanged;
import io.pointsplatform.events.TierChanged;
import java.time.Instant;
import java.util.List;

/**
 * The typed columns of {@code analytics.events} for one event, and what it does to point lots.
 *
 * <p>{@code outstandingDelta} is what the event changes in the points owed to members:
 * {@link Liability#change}, the one rule (points-events), checked against the fold there.
 *
 * <p>{@code lotMoves} say what the event takes from lots (positive) or gives back (negative), as
 * {@code analytics.lots.taken} counts it: a hold takes its allocations until it is released, a
 * capture takes nothing more, a direct spend, an expiry, a reversal and a negative adjustment take
 * theirs, a return gives its allocations back.
 */
record EventColumns(String memberId, Long points, long outstandingDelta, String lotId, String holdId, String orderId,
        String rewardId, String redemptionId, Instant lotExpiresAt, List<Allocation> lotMoves, int moveSign) {

    private static final List<Allocation> NONE = List.of();

    static EventColumns of(EventData data) {
        return switch (data) {
            case PointsEarned e -> new EventColumns(e.memberId(), e.points(), Liability.change(e), e.lotId(), null,
                    e.origin().kind() == OriginKind.ORDER ? e.origin().ref() : null, null, null, e.expiresAt(), NONE, 0);
            case PointsReserved e -> points(e.memberId(), e.points(), 0, e.holdId(), e.allocations(), 1);
            case PointsReleased e -> points(e.memberId(), e.points(), 0, e.holdId(), e.allocations(), -1);
            case PointsSpent e -> points(e.memberId(), e.points(), Liability.change(e), e.holdId(), e.allocations(),
                    e.holdId() == null ? 1 : 0);
            case PointsReturned e -> points(e.memberId(), e.points(), Liability.change(e), e.holdId(), e.allocations(), -1);
            case PointsExpired e -> points(e.memberId(), e.points(), Liability.change(e), null, e.allocations(), 1);
            case PointsReversed e -> new EventColumns(e.memberId(), e.points(), Liability.change(e), null, null, e.orderId(),
                    null, null, null, e.allocations(), 1);
            case PointsAdjusted e -> new EventColumns(e.memberId(), e.points(), Liability.change(e), e.lotId(), null, null, null,
                    null, e.points() > 0 ? e.expiresAt() : null, e.allocations(), e.points() > 0 ? 0 : 1);
            case TierChanged e -> member(e.memberId());
            case ExpiryDeferred e -> new EventColumns(e.memberId(), null, 0, e.lotId(), null, null, null, null,
                    e.expiresAt(), NONE, 0);
            case MemberEnrolled e -> member(e.memberId());
            case MemberUpdated e -> member(e.memberId());
            case RewardUpserted e -> reward(e.rewardId());
            case RewardRetired e -> reward(e.rewardId());
            case StockChanged e -> reward(e.rewardId());
            case RedemptionRequested e -> redemption(e.memberId(), e.points(), e.rewardId(), e.redemptionId());
            case RedemptionCompleted e -> redemption(e.memberId(), e.points(), e.rewardId(), e.redemptionId());
            case RedemptionFailed e -> redemption(e.memberId(), null, e.rewardId(), e.redemptionId());
            case RedemptionCancelled e -> redemption(e.memberId(), e.points(), e.rewardId(), e.redemptionId());
            case ExpiryReminded e -> member(e.memberId());
        };
    }

    private static EventColumns points(String memberId, long points, long delta, String holdId, List<Allocation> moves,
            int sign) {
        return new EventColumns(memberId, points, delta, null, holdId, null, null, null, null, moves, sign);
    }

    private static EventColumns member(String memberId) {
        return new EventColumns(memberId, null, 0, null, null, null, null, null, null, NONE, 0);
    }

    private static EventColumns reward(String rewardId) {
        return new EventColumns(null, null, 0, null, null, null, rewardId, null, null, NONE, 0);
    }

    private static EventColumns redemption(String memberId, Long points, String rewardId, String redemptionId) {
        return new EventColumns(memberId, points, 0, null, null, null, rewardId, redemptionId, null, NONE, 0);
    }
}
