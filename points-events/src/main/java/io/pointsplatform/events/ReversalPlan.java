package io.pointsplatform.events;

import java.util.List;

/**
 * A refund's reversal: {@code taken} from lots (the allocations), {@code alreadyExpired} not taken
 * since it had expired from the order's lot, the rest recorded as {@code debt}; {@code holdsMoved}:
 * the open holds on the order's lot that now hold from lots the reversal takes from instead
 * ({@link PointsReversed#holdsMoved()}).
 */
public record ReversalPlan(List<Allocation> allocations, long taken, long debt, long alreadyExpired,
        List<HoldMove> holdsMoved) {

    public ReversalPlan {
        allocations = Checks.allocations("reversal plan", allocations, taken);
        Checks.nonNegative("reversal plan", "debt", debt);
        Checks.nonNegative("reversal plan", "alreadyExpired", alreadyExpired);
        holdsMoved = Checks.elements("reversal plan", "holdsMoved", holdsMoved);
    }
}
