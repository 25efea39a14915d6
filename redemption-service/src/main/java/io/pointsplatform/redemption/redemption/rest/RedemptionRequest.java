package io.pointsplatform.redemption.redemption.rest;

import io.pointsplatform.kit.Identifiers;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/** {@code POST /api/v1/redemptions}: a member spends points on a reward; quantity 1 by default, at most 100. */
public record RedemptionRequest(
        @NotNull @Pattern(regexp = Identifiers.ID_PATTERN, message = "must be 1-64 letters, digits or ._:-") String memberId,
        @NotNull @Pattern(regexp = Identifiers.ID_PATTERN, message = "must be 1-64 letters, digits or ._:-") String rewardId,
        @Min(1) @Max(100) Integer quantity) {

    int quantityOrDefault() {
        return quantity == null ? 1 : quantity;
    }
}
