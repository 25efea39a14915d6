package io.pointsplatform.events;

import java.time.Instant;
import java.util.List;

/**
 * A manual adjustment, approved by a second admin. Signed {@code points}: a credit creates lot
 * {@code lotId} (available at once, expiring at {@code expiresAt}); a debit takes
 * {@code -points} from the lots its allocations name.
 */
public record PointsAdjusted(String memberId, String adjustmentId, long points, String lotId, Instant expiresAt,
        List<Allocation> allocations, String reason, String requestedBy, String approvedBy) implements PointsEvent {

    public static final String TYPE = "points.adjusted";

    public PointsAdjusted {
        Checks.text(TYPE, "memberId", memberId);
        Checks.text(TYPE, "adjustmentId", adjustmentId);
        if (points > 0) {
            Checks.text(TYPE, "lotId (of a credit)", lotId);
            Checks.present(TYPE, "expiresAt (of a credit)", expiresAt);
            if (allocations != null && !allocations.isEmpty()) {
                throw new IllegalArgumentException(TYPE + ": a credit has no allocations");
            }
            allocations = List.of();
        } else if (points < 0 && points != Long.MIN_VALUE) {
            if (lotId != null || expiresAt != null) {
                throw new IllegalArgumentException(TYPE + ": a debit has no lotId or expiresAt");
            }
            allocations = Checks.allocations(TYPE, allocations, -points);
        } else {
            throw new IllegalArgumentException(TYPE + ": points must be non-zero (was " + points + ")");
        }
        Checks.text(TYPE, "reason", reason);
        Checks.text(TYPE, "requestedBy", requestedBy);
        Checks.text(TYPE, "approvedBy", approvedBy);
    }

    @Override
    public String type() {
        return TYPE;
    }
}
