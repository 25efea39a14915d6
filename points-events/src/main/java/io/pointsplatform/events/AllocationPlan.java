package io.pointsplatform.events;

import java.util.List;

/** What a debit would take from which lots, and what it could not find ({@code shortfall}). */
public record AllocationPlan(List<Allocation> allocations, long shortfall) {

    public AllocationPlan {
        allocations = Checks.elements("allocation plan", "allocations", allocations);
        Checks.nonNegative("allocation plan", "shortfall", shortfall);
    }

    /** Whether every point asked for was found. */
    public boolean covered() {
        return shortfall == 0;
    }

    public long taken() {
        return Allocation.total(allocations);
    }
}
