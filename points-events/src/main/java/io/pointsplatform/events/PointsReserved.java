package io.pointsplatform.events;

import java.time.Instant;
import java.util.List;

/** A hold: points taken from their lots and kept apart until captured or released. */
public record PointsReserved(String memberId, String holdId, long points, List<Allocation> allocations,
        Instant holdExpiresAt, String reference) implements PointsEvent {

    public static final String TYPE = "points.reserved";

    public PointsReserved {
        Checks.text(TYPE, "memberId", memberId);
        Checks.text(TYPE, "holdId", holdId);
        Checks.positive(TYPE, "points", points);
        allocations = Checks.allocations(TYPE, allocations, points);
        Checks.present(TYPE, "holdExpiresAt", holdExpiresAt);
        Checks.optionalText(TYPE, "reference", reference);
    }

    @Override
    public String type() {
        return TYPE;
    }
}
