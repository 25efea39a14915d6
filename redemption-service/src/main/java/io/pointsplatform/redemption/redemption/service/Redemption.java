package io.pointsplatform.redemption.redemption.service;

import io.pointsplatform.events.RedemptionEvent;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * One redemption as recorded: where its saga stands ({@link #step}) and what came of it. The
 * reservation id at catalog and the hold id at the ledger are derived from the id, so every
 * call of the saga can be repeated. {@code voucherValue}: a VOUCHER's value in yuan as catalog priced
 * it; {@code waiting}: why the saga waits for a side that did not answer (null once it moves);
 * {@code rewardName}: the reward's name as catalog reserved it, or as catalog's refusal named it; null
 * when catalog gave none (an unknown reward, catalog unreachable) and for redemptions from before it
 * was kept. {@code reservationTtlSeconds}, {@code holdTtlSeconds}: what the saga asks of catalog and the
 * ledger, fixed when it was recorded (a repeated call must ask the same); null for redemptions from
 * before they were kept.
 */
public record Redemption(long seq, String redemptionId, String memberId, String rewardId, int quantity,
                         String status, RedemptionStep step, String kind, long points, String code, String reason,
                         String voucherCode, String couponCode, String lottery, String donation, int attempts,
                         Instant createdAt, Instant updatedAt, Instant completedAt, Instant cancelledAt,
                         Instant voucherUsedAt, String voucherOrderId, BigDecimal voucherValue, String waiting,
                         String rewardName, Long reservationTtlSeconds, Long holdTtlSeconds) {

    public static final String PENDING = "PENDING";
    public static final String COMPLETED = "COMPLETED";
    public static final String FAILED = "FAILED";
    public static final String CANCELLING = "CANCELLING";
    public static final String CANCELLED = "CANCELLED";

    /** The reservation at catalog: the redemption's own id (catalog's ids are its own namespace). */
    public String reservationId() {
        return redemptionId;
    }

    /** The hold at the ledger: the ledger's hold ids are shared by redemptions and payments. */
    public String holdId() {
        return RedemptionEvent.holdReference(redemptionId);
    }

    /** What the hold and every return say they are for. */
    public String reference() {
        return RedemptionEvent.holdReference(redemptionId);
    }

    /**
     * The ttlSeconds asked of catalog for the reservation: as recorded when the redemption was made
     * (a retry after a deploy that changed the setting asks what the first call asked, since catalog
     * answers another one for the same id as a conflict), or {@code setting} for one from before.
     */
    public long reservationTtl(long setting) {
        return reservationTtlSeconds != null ? reservationTtlSeconds : setting;
    }

    /** The ttlSeconds asked of the ledger for the hold, as {@link #reservationTtl} (the ledger: HOLD_CONFLICT). */
    public long holdTtl(long setting) {
        return holdTtlSeconds != null ? holdTtlSeconds : setting;
    }

    /** Whether the saga has nothing left to do. */
    public boolean settled() {
        return !PENDING.equals(status) && !CANCELLING.equals(status);
    }
}
