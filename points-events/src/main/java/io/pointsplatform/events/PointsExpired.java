package io.pointsplatform.events;

import java.time.Instant;
import java.util.List;

/**
 * The ledger's decision that lots reached their expiresAt: what they still held leaves them. An
 * expiry the ledger deferred ({@link ExpiryDeferred}) says so: {@code scheduledAt} is the lot's
 * expiresAt before it was deferred and {@code remindedAt} the last window's reminder it waited
 * for; both absent for an expiry on time.
 */
public record PointsExpired(String memberId, long points, List<Allocation> allocations, Instant scheduledAt,
        Instant remindedAt) implements PointsEvent {

    public static final String TYPE = "points.expired";

    public PointsExpired {
        Checks.text(TYPE, "memberId", memberId);
        Checks.positive(TYPE, "points", points);
        allocations = Checks.allocations(TYPE, allocations, points);
        if ((scheduledAt == null) != (remindedAt == null)) {
            throw new IllegalArgumentException(TYPE + ": scheduledAt and remindedAt go together");
        }
    }

    /** An expiry on time. */
    public PointsExpired(String memberId, long points, List<Allocation> allocations) {
        this(memberId, points, allocations, null, null);
    }

    @Override
    public String type() {
        return TYPE;
    }
}
