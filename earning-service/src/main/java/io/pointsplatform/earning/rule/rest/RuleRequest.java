package io.pointsplatform.earning.rule.rest;

import io.pointsplatform.earning.rule.service.Rule;
import io.pointsplatform.earning.rule.service.RuleKind;
import io.pointsplatform.earning.rule.service.Validation;
import io.pointsplatform.events.Tier;
import io.pointsplatform.kit.Identifiers;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;

/** A rule as an admin sends it; which fields are required depends on {@code kind} (docs/earning.md). */
public record RuleRequest(
        @Pattern(regexp = Identifiers.ID_PATTERN, message = "must be 1-64 letters, digits or ._:-") String ruleId,
        @NotNull RuleKind kind,
        @Size(min = 1, max = 64) String category,
        Tier tier,
        BigDecimal multiplier,
        @Digits(integer = 12, fraction = 2) BigDecimal thresholdYuan,
        Long points,
        Integer dayOfMonth,
        Boolean active) {

    public Rule toRule(String id) {
        Validation v = new Validation().present(id, "ruleId");
        switch (kind) {
            case CATEGORY_MULTIPLIER -> v.present(category, "category").multiplier(multiplier, "multiplier");
            case TIER_MULTIPLIER -> v.present(tier, "tier").multiplier(multiplier, "multiplier");
            case THRESHOLD_BONUS -> v.present(thresholdYuan, "thresholdYuan")
                    .require(thresholdYuan == null || thresholdYuan.signum() > 0
                            && thresholdYuan.stripTrailingZeros().scale() <= 2, "thresholdYuan",
                            "must be a positive amount with at most two decimals")
                    .positivePoints(points, "points");
            case MEMBER_DAY -> v.present(dayOfMonth, "dayOfMonth")
                    .require(dayOfMonth == null || dayOfMonth >= 1 && dayOfMonth <= 31, "dayOfMonth", "must be within 1..31")
                    .positivePoints(points, "points");
            case FIRST_PURCHASE -> v.positivePoints(points, "points");
        }
        v.orRefuse();
        boolean multiplies = kind == RuleKind.CATEGORY_MULTIPLIER || kind == RuleKind.TIER_MULTIPLIER;
        return new Rule(id, kind, kind == RuleKind.CATEGORY_MULTIPLIER ? category : null,
                kind == RuleKind.TIER_MULTIPLIER ? tier : null, multiplies ? multiplier : null,
                kind == RuleKind.THRESHOLD_BONUS ? thresholdYuan : null, multiplies ? null : points,
                kind == RuleKind.MEMBER_DAY ? dayOfMonth : null, active == null || active, null);
    }
}
