package io.pointsplatform.events;

/** Events of the {@value Topics#POINTS_LEDGER} topic, folded by {@link Account#apply(PointsEvent)}. */
public sealed interface PointsEvent extends EventData permits PointsEarned, PointsReserved, PointsReleased,
        PointsSpent, PointsReturned, PointsExpired, PointsReversed, PointsAdjusted, TierChanged,
        ExpiryDeferred {

    String memberId();

    @Override
    default String key() {
        return memberId();
    }
}
