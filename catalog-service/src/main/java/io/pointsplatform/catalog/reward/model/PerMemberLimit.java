package io.pointsplatform.catalog.reward.model;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;

/** At most {@code count} units per member in each {@code period} (RESERVED and CONFIRMED reservations count). */
public record PerMemberLimit(@NotNull @Positive @Max(10_000) Integer count, @NotNull LimitPeriod period) {
}
