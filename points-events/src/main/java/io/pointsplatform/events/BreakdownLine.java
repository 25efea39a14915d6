package io.pointsplatform.events;

/**
 * One rule's share of an earning, for the member's statement. Explanatory only: the lines are not
 * required to add up to the earning's points (a capped campaign may show its cut as its own line).
 */
public record BreakdownLine(String rule, long points) {

    public BreakdownLine {
        Checks.text("breakdown line", "rule", rule);
    }
}
