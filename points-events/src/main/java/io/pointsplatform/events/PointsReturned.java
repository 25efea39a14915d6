package io.pointsplatform.events;

import java.util.List;

/**
 * Points of a captured hold given back (a cancelled redemption, a refund of an order paid with
 * points): each allocation returns to the lot the capture took it from, and {@code spent} goes down
 * by {@code points}. The ledger decides which lots ({@link Allocator#forReturn}); replay applies them
 * as written. A lot that has expired meanwhile takes its points back all the same, and the ledger's
 * expiry job expires them again with a {@code points.expired} naming that lot.
 */
public record PointsReturned(String memberId, String holdId, String returnId, long points,
        List<Allocation> allocations, String reference) implements PointsEvent {

    public static final String TYPE = "points.returned";

    public PointsReturned {
        Checks.text(TYPE, "memberId", memberId);
        Checks.text(TYPE, "holdId", holdId);
        Checks.text(TYPE, "returnId", returnId);
        Checks.positive(TYPE, "points", points);
        allocations = Checks.allocations(TYPE, allocations, points);
        Checks.optionalText(TYPE, "reference", reference);
    }

    @Override
    public String type() {
        return TYPE;
    }
}
