package io.pointsplatform.events;

/** Events of the {@value Topics#REDEMPTIONS} topic: every transition of the redemption saga. */
public sealed interface RedemptionEvent extends EventData
        permits RedemptionRequested, RedemptionCompleted, RedemptionFailed, RedemptionCancelled {

    /**
     * How a redemption names its hold at the ledger and what the hold and every return of its points
     * say they are for ({@code redemption:<redemptionId>}): a reader of {@code points.ledger} tells
     * a redemption's spend from a payment's by it (docs/contract-extensions.md).
     */
    String HOLD_PREFIX = ServiceHoldIds.REDEMPTION_PREFIX;

    /** The hold id and reference of the redemption {@code redemptionId}'s points at the ledger. */
    static String holdReference(String redemptionId) {
        return ServiceHoldIds.redemption(redemptionId);
    }

    /** Whether a ledger event's {@code reference} names a redemption's hold (false for null). */
    static boolean isRedemptionReference(String reference) {
        return reference != null && reference.startsWith(HOLD_PREFIX);
    }

    String memberId();

    String redemptionId();

    @Override
    default String key() {
        return memberId();
    }
}
