package io.pointsplatform.redemption.payment.service;

import java.math.BigDecimal;
import java.time.Instant;

/** A refund of a paid order: its share of the payment's points, given back at the ledger (status PENDING until then, DONE after). */
public record PaymentRefund(String paymentId, String refundId, BigDecimal amount, long points, String status,
                            Instant createdAt) {

    /** The ledger's return id: derived, so a retried refund returns once (ids are at most 64 characters). */
    public String returnId() {
        return io.pointsplatform.redemption.DerivedIds.of("pr-", 40, paymentId, refundId);
    }
}
