package io.pointsplatform.events;

/**
 * The points owed to members, as an event changes them: what {@link Account}'s fold keeps as
 * {@code lifetimeEarned + adjustedIn - spent - expired - reversed - adjustedOut} (the lots' remaining
 * points plus what open holds keep apart). Their sum over a log is the programme's liability in points
 * (100 points = 1 yuan by default, {@link PointsValue}). Pure; checked against the fold by
 * {@code AccountProperties.theLiabilityIsTheSumOfEachEventsChange}.
 */
public final class Liability {

    private Liability() {
    }

    /**
     * Earned +, adjusted signed, spent −, returned +, expired −, reversed − (the points it took from
     * lots; a debt is owed by the member, not to them); a hold or its release moves nothing owed, nor
     * does any event that is not about points.
     */
    public static long change(EventData data) {
        return switch (data) {
            case PointsEarned e -> e.points();
            case PointsAdjusted e -> e.points();
            case PointsSpent e -> -e.points();
            case PointsReturned e -> e.points();
            case PointsExpired e -> -e.points();
            case PointsReversed e -> -e.points();
            default -> 0;
        };
    }
}
