package io.pointsplatform.earning.rule.service;

import io.pointsplatform.events.Tier;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * An earning rule. Which fields matter depends on the kind: {@code category} and {@code multiplier}
 * for a category multiplier, {@code thresholdYuan} and {@code points} for a threshold bonus,
 * {@code dayOfMonth} and {@code points} for member day, {@code points} for the first purchase,
 * {@code tier} and {@code multiplier} for a tier multiplier.
 */
public record Rule(String ruleId, RuleKind kind, String category, Tier tier, BigDecimal multiplier,
                   BigDecimal thresholdYuan, Long points, Integer dayOfMonth, boolean active, Instant updatedAt) {
}
