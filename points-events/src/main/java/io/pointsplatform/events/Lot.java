package io.pointsplatform.events;

import java.time.Instant;
import java.util.Comparator;

/**
 * Points credited together, with one life: pending until {@code availableAt} (null means at once),
 * available until {@code expiresAt}. {@code points} is what was credited, {@code remaining} what is
 * left in the lot (held points are not in it). {@code origin} is null for a lot credited by an
 * adjustment.
 */
public record Lot(String lotId, long points, long remaining, Instant availableAt, Instant expiresAt,
        OriginKind origin) {

    /** The order debits take lots in: the soonest to expire first, then by lotId so that ties are stable. */
    public static final Comparator<Lot> SPENDING_ORDER =
            Comparator.comparing(Lot::expiresAt).thenComparing(Lot::lotId);

    public Lot {
        Checks.text("lot", "lotId", lotId);
        Checks.positive("lot", "points", points);
        Checks.nonNegative("lot", "remaining", remaining);
        if (remaining > points) {
            throw new IllegalArgumentException("lot " + lotId + ": remaining " + remaining + " exceeds points " + points);
        }
        Checks.present("lot", "expiresAt", expiresAt);
        if (availableAt != null && !availableAt.isBefore(expiresAt)) {
            throw new IllegalArgumentException("lot " + lotId + ": availableAt must be before expiresAt");
        }
    }

    /** Whether {@code now} is within the lot's life: {@code availableAt <= now < expiresAt}. */
    public boolean isAvailable(Instant now) {
        return (availableAt == null || !now.isBefore(availableAt)) && now.isBefore(expiresAt);
    }

    public boolean isPending(Instant now) {
        return availableAt != null && now.isBefore(availableAt);
    }

    public boolean isExpired(Instant now) {
        return !now.isBefore(expiresAt);
    }
}
