package io.pointsplatform.earning.order.service;

import io.pointsplatform.events.BreakdownLine;
import java.math.BigDecimal;
import java.util.List;

/**
 * The outcome of the rules for one order. {@code proportionalPoints} is the part that follows the
 * eligible spend (base and multipliers), which a refund takes back in proportion; the rest are
 * fixed bonuses. {@code budgetClaims} are what budgeted campaigns would award, to be taken from
 * their budgets when the earning is recorded.
 */
public record Calculation(BigDecimal eligibleYuan, long points, long proportionalPoints, List<BreakdownLine> breakdown,
                          List<Skipped> skipped, List<BudgetClaim> budgetClaims, boolean firstPurchase,
                          List<FixedBonus> fixedBonuses, List<Long> linePoints) {

    /** A rule that did not fire, and why. */
    public record Skipped(String rule, String reason) {
    }

    public record BudgetClaim(String campaignId, long points) {
    }

    /** A bonus that does not scale with the spend; a threshold bonus is lost when a refund drops below it. */
    public record FixedBonus(String rule, long points, BigDecimal thresholdYuan) {
    }
}
