package io.pointsplatform.events;

import java.time.Instant;
import java.util.List;

/**
 * A credit: a new lot of points. Appended by earning-service directly, since adding a lot can never
 * break an invariant. The lot counts as pending until {@code availableAt} (a returns window) and
 * is expired by the ledger at {@code expiresAt}.
 */
public record PointsEarned(String memberId, String lotId, long points, Origin origin, List<BreakdownLine> breakdown,
        Instant availableAt, Instant expiresAt) implements PointsEvent {

    public static final String TYPE = "points.earned";

    /** An absent breakdown reads as empty: it explains the points, it does not define them. */
    public PointsEarned {
        Checks.text(TYPE, "memberId", memberId);
        Checks.text(TYPE, "lotId", lotId);
        Checks.positive(TYPE, "points", points);
        Checks.present(TYPE, "origin", origin);
        breakdown = breakdown == null ? List.of() : Checks.elements(TYPE, "breakdown", breakdown);
        Checks.present(TYPE, "availableAt", availableAt);
        Checks.present(TYPE, "expiresAt", expiresAt);
        if (!availableAt.isBefore(expiresAt)) {
            throw new IllegalArgumentException(
                    TYPE + ": availableAt " + availableAt + " must be before expiresAt " + expiresAt);
        }
    }

    @Override
    public String type() {
        return TYPE;
    }
}
