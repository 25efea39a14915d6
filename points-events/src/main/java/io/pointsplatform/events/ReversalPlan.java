package io.pointsplatform.events;

import java.util.List;

/**
 * A refund's reversal: {@code taken} from lots (the allocations), {@code alreadyExpired} not taken
 * since it had expired from the order's lot, the rest recorded as {@code debt}.
 */
public record ReversalPlan(List<Allocation> allocations, long taken, long debt, long alreadyExpired) {

    public ReversalPlan {
        allocations = Checks.allocations("reversal plan", allocations, taken);
        Checks.nonNegative("reversal plan", "debt", debt);
        Checks.nonNegative("reversal plan", "alreadyExpired", alreadyExpired);
    }
}
