package io.pointsplatform.events;

import java.util.List;

/** The ledger's decision that lots reached their expiresAt: what they still held leaves them. */
public record PointsExpired(String memberId, long points, List<Allocation> allocations) implements PointsEvent {

    public static final String TYPE = "points.expired";

    public PointsExpired {
        Checks.text(TYPE, "memberId", memberId);
        Checks.positive(TYPE, "points", points);
        allocations = Checks.allocations(TYPE, allocations, points);
    }

    @Override
    public String type() {
        return TYPE;
    }
}
