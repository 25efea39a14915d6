package io.pointsplatform.events;

import java.util.List;

/** A refund's reversal: {@code taken} from lots (the allocations), the rest recorded as {@code debt}. */
public record ReversalPlan(List<Allocation> allocations, long taken, long debt) {

    public ReversalPlan {
        allocations = Checks.allocations("reversal plan", allocations, taken);
        Checks.nonNegative("reversal plan", "debt", debt);
    }
}
