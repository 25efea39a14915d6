package io.pointsplatform.redemption.payment.rest;

import io.pointsplatform.kit.Identifiers;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.math.BigDecimal;

/** {@code POST /api/v1/payments/{paymentId}/refunds}: the part of the order refunded, in yuan; idempotent by refundId. */
public record RefundRequest(
        @NotNull @Pattern(regexp = Identifiers.ID_PATTERN, message = "must be 1-64 letters, digits or ._:-") String refundId,
        @NotNull @DecimalMin(value = "0.01", message = "must be at least 0.01")
        @Digits(integer = 12, fraction = 2, message = "must have at most 12 digits and 2 decimals") BigDecimal amount) {
}
