package io.pointsplatform.redemption.payment.service;

import io.pointsplatform.events.ServiceHoldIds;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * Points used as payment for an order: a hold at the ledger ({@link #holdId}), captured when the
 * order is paid, released when it is cancelled, given back in part by refunds. {@code shopId} is the
 * subject of the checkout token that made it (null for payments made before 2026-12-06).
 * {@code holdTtlSeconds}: the ttlSeconds its hold asks of the ledger, fixed when it was recorded (a
 * repeated hold must ask the same); null for payments from before 2026-12-07.
 */
public record Payment(String paymentId, String orderId, String memberId, BigDecimal orderAmount, String currency,
                      long points, BigDecimal amount, String status, Instant holdExpiresAt, BigDecimal refundedAmount,
                      long refundedPoints, String requestHash, Instant createdAt, Instant updatedAt, String shopId,
                      Long holdTtlSeconds) {

    public static final String PENDING = "PENDING";
    public static final String HELD = "HELD";
    public static final String CAPTURED = "CAPTURED";
    public static final String CANCELLED = "CANCELLED";
    public static final String EXPIRED = "EXPIRED";

    public String holdId() {
        return ServiceHoldIds.payment(paymentId);
    }

    public String reference() {
        return ServiceHoldIds.payment(paymentId);
    }

    /** Whether checkout {@code shop} made this payment (any shop for one made before shops were recorded). */
    public boolean madeBy(String shop) {
        return shopId == null || shopId.equals(shop);
    }

    /** The ttlSeconds of its hold: as recorded, or {@code setting} for a payment from before they were. */
    public long holdTtl(long setting) {
        return holdTtlSeconds != null ? holdTtlSeconds : setting;
    }

    /** A hold nobody captured or cancelled lapses at the ledger: then the payment is EXPIRED. */
    public boolean lapsed(Instant now, long holdTtlSetting) {
        if (HELD.equals(status)) {
            return holdExpiresAt != null && !now.isBefore(holdExpiresAt);
        }
        return PENDING.equals(status) && !now.isBefore(createdAt.plusSeconds(holdTtl(holdTtlSetting)));
    }
}
