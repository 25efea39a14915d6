package io.pointsplatform.redemption.payment.service;

import java.math.BigDecimal;

/**
 * How much a member could pay with points at checkout now, by redemption-service's view of the
 * log. A quote for the cashier's screen; paying holds the points at the ledger, which decides.
 */
public record PaymentCapacity(String memberId, long availablePoints, int pointsPerYuan, BigDecimal maxAmount,
                              String currency) {
}
