package io.pointsplatform.redemption.payment.rest;

import io.pointsplatform.events.PointsValue;
import io.pointsplatform.kit.Identifiers;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.math.BigDecimal;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * {@code POST /api/v1/payments}: pay part of an order with points. {@code paymentId} (1-48
 * characters: the ledger's hold id is {@code payment:<paymentId>}) makes the call idempotent; absent,
 * it is derived from the Idempotency-Key, else made up. {@code currency} defaults to CNY.
 * {@code paymentCode} is the member's consent (PaymentCodes).
 */
public record PaymentRequest(
        @Pattern(regexp = "[A-Za-z0-9._:-]{1,48}", message = "must be 1-48 letters, digits or ._:-") String paymentId,
        @NotNull @Pattern(regexp = Identifiers.ID_PATTERN, message = "must be 1-64 letters, digits or ._:-") String orderId,
        @NotNull @Pattern(regexp = Identifiers.ID_PATTERN, message = "must be 1-64 letters, digits or ._:-") String memberId,
        @NotNull @DecimalMin(value = "0.01", message = "must be at least 0.01")
        @Digits(integer = 12, fraction = 2, message = "must have at most 12 digits and 2 decimals") BigDecimal orderAmount,
        @Pattern(regexp = "[A-Z]{3}", message = "must be a currency code such as CNY") String currency,
        @NotNull @Min(1) @Max(PointsValue.MAX_SPEND) Long points,
        @Schema(description = "The member's one-time payment code (18 digits) its app shows at the till, from POST"
                + " /api/v1/members/{memberId}/payment-codes: the member's consent. Required unless"
                + " points.payment.member-code-required is false", example = "284512907733016458")
        @Pattern(regexp = "[0-9]{18}", message = "must be the 18 digits of the member's payment code") String paymentCode) {
}
