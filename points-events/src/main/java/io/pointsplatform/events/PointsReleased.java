package io.pointsplatform.events;

import java.util.List;

/** A hold given back: its allocations return to their lots. */
public record PointsReleased(String memberId, String holdId, long points, List<Allocation> allocations,
        ReleaseReason reason) implements PointsEvent {

    public static final String TYPE = "points.released";

    public PointsReleased {
        Checks.text(TYPE, "memberId", memberId);
        Checks.text(TYPE, "holdId", holdId);
        Checks.positive(TYPE, "points", points);
        allocations = Checks.allocations(TYPE, allocations, points);
        Checks.present(TYPE, "reason", reason);
    }

    @Override
    public String type() {
        return TYPE;
    }
}
