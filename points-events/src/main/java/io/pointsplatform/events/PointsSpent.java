package io.pointsplatform.events;

import java.util.List;

/**
 * Points spent for good: either a hold captured ({@code holdId} set, allocations repeat the hold's)
 * or a direct spend ({@code holdId} null, allocations taken from lots now).
 */
public record PointsSpent(String memberId, String holdId, long points, List<Allocation> allocations,
        String reference) implements PointsEvent {

    public static final String TYPE = "points.spent";

    public PointsSpent {
        Checks.text(TYPE, "memberId", memberId);
        Checks.optionalText(TYPE, "holdId", holdId);
        Checks.positive(TYPE, "points", points);
        allocations = Checks.allocations(TYPE, allocations, points);
        Checks.optionalText(TYPE, "reference", reference);
    }

    @Override
    public String type() {
        return TYPE;
    }
}
