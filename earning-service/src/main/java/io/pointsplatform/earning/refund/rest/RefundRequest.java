package io.pointsplatform.earning.refund.rest;

import io.pointsplatform.kit.Identifiers;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * {@code POST /api/v1/earnings/{orderId}/refunds}: either the refunded {@code lines} (by SKU and
 * quantity, priced as ordered) or the refunded eligible {@code amount} in yuan.
 */
public record RefundRequest(
        @NotNull @Pattern(regexp = Identifiers.ID_PATTERN, message = "must be 1-64 letters, digits or ._:-") String refundId,
        @Size(min = 1, max = 500) List<@Valid @NotNull Line> lines,
        @DecimalMin(value = "0.01") @Digits(integer = 10, fraction = 2) BigDecimal amount) {

    @Schema(name = "RefundLine")
    public record Line(@NotNull @Size(min = 1, max = 64) String sku, @Min(1) @Max(100_000) long quantity) {
    }
}
