package io.pointsplatform.ledger.account.rest;

import io.pointsplatform.events.PointsValue;
import io.pointsplatform.kit.Identifiers;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/**
 * {@code POST /api/v1/accounts/{memberId}/reversals}: a refund's points taken back, once per
 * refundId. {@code lotId} is the order's own lot (taken from first), or null.
 */
public record ReversalRequest(
        @NotNull @Pattern(regexp = Identifiers.ID_PATTERN, message = "must be 1-64 letters, digits or ._:-") String refundId,
        @NotNull @Pattern(regexp = Identifiers.ID_PATTERN, message = "must be 1-64 letters, digits or ._:-") String orderId,
        @Pattern(regexp = Identifiers.LOT_ID_PATTERN, message = "must be 1-160 letters, digits or ._:/-") String lotId,
        @NotNull @Min(1) @Max(PointsValue.MAX_REVERSAL) Long points) {
}
