package io.pointsplatform.events;

/** Points a debit takes from one lot. Debits name their lots so that replay never recomputes them. */
public record Allocation(String lotId, long points) {

    public Allocation {
        Checks.text("allocation", "lotId", lotId);
        Checks.positive("allocation", "points", points);
    }
}
