package io.pointsplatform.earning.rule.service;

/** The kinds of earning rule, in the order they are applied (campaigns come between the first two). */
public enum RuleKind {
    CATEGORY_MULTIPLIER, THRESHOLD_BONUS, MEMBER_DAY, FIRST_PURCHASE, TIER_MULTIPLIER
}
