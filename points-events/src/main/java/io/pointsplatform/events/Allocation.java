package io.pointsplatform.events;

import java.util.List;

/** Points a debit takes from one lot. Debits name their lots so that replay never recomputes them. */
public record Allocation(String lotId, long points) {

    public Allocation {
        Checks.text("allocation", "lotId", lotId);
        Checks.positive("allocation", "points", points);
    }

    /**
     * The points these allocations take together: what a hold holds, a capture spends, an expiry
     * expires. Throws {@link ArithmeticException} when the sum overflows a long.
     */
    public static long total(List<Allocation> allocations) {
        long total = 0;
        for (Allocation allocation : allocations) {
            total = Math.addExact(total, allocation.points());
        }
        return total;
    }
}
