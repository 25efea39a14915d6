package io.pointsplatform.redemption.redemption.rest;

import io.pointsplatform.kit.Identifiers;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/** {@code POST /api/v1/vouchers/{code}/use}: the order the voucher pays for (the same order again is a repeat). */
public record VoucherUseRequest(
        @NotNull @Pattern(regexp = Identifiers.ID_PATTERN, message = "must be 1-64 letters, digits or ._:-") String orderId) {
}
