package io.pointsplatform.earning.order.rest;

import com.fasterxml.jackson.annotation.JsonAlias;
import io.pointsplatform.earning.rule.service.Validation;
import io.pointsplatform.events.EarningMath;
import io.pointsplatform.events.EarningMath.SpendLine;
import io.pointsplatform.kit.Identifiers;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * {@code POST /api/v1/earnings}: a paid order from checkout. {@code purchasedAt} (CONTRACT.md's
 * name, the one errors name) is also read as {@code paidAt}.
 */
public record OrderRequest(
        @NotNull @Pattern(regexp = Identifiers.ID_PATTERN, message = "must be 1-64 letters, digits or ._:-") String orderId,
        @NotNull @Pattern(regexp = Identifiers.ID_PATTERN, message = "must be 1-64 letters, digits or ._:-") String memberId,
        @Pattern(regexp = Identifiers.ID_PATTERN, message = "must be 1-64 letters, digits or ._:-") String shopId,
        @NotNull @JsonAlias("paidAt")
        @Schema(description = "When the order was paid, at most now plus 60 s of clock skew; also read as paidAt")
        Instant purchasedAt,
        @Pattern(regexp = "CNY", message = "must be CNY") String currency,
        @NotEmpty @Size(max = 500) List<@Valid @NotNull Line> lines) {

    /**
     * The most an order's lines may add up to, promotional ones included: 100 000 000.00 yuan. Past
     * it an order is no checkout's; its amounts would leave the {@code numeric(14, 2)} columns they
     * are kept in and its points, multiplied by campaigns, a {@code long}.
     */
    public static final BigDecimal MAX_TOTAL_YUAN = new BigDecimal("100000000.00");

    /** Refuses an order whose lines add up to more than {@link #MAX_TOTAL_YUAN} (400, field {@code lines}). */
    public OrderRequest requireWithinLimits() {
        BigDecimal total = EarningMath.orderTotal(lines.stream().map(Line::spend).toList());
        new Validation().require(total.compareTo(MAX_TOTAL_YUAN) <= 0, "lines",
                "must add up to at most " + MAX_TOTAL_YUAN.toPlainString() + " yuan (was " + total.toPlainString() + ")")
                .orRefuse();
        return this;
    }

    /** One line of the order; promotional ("特价") lines earn nothing. */
    @Schema(name = "OrderLine")
    public record Line(
            @NotNull @Size(min = 1, max = 64) String sku,
            @Size(max = 64) String category,
            @Min(1) @Max(100_000) long quantity,
            @NotNull @DecimalMin("0.00") @Digits(integer = 10, fraction = 2) BigDecimal unitPrice,
            boolean promotional) {

        /** The line as the earning arithmetic reads it. */
        public SpendLine spend() {
            return new SpendLine(quantity, unitPrice, promotional);
        }
    }
}
