package io.pointsplatform.redemption.payment.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * How much a member could pay with points at checkout now, by redemption-service's view of the
 * log. A quote for the cashier's screen; paying holds the points at the ledger, which decides.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PaymentCapacity(String memberId, long availablePoints, int pointsPerYuan, BigDecimal maxAmount,
                              String currency,
                              @Schema(description = "Points may pay at most this share of an order (percent)") int capPercent,
                              @Schema(nullable = true, description = "The orderAmount asked about") BigDecimal orderAmount,
                              @Schema(nullable = true, description = "With orderAmount: the most points that order may"
                                      + " be paid with now (the cap, and the points available)") Long maxPointsForOrder) {
}
