package io.pointsplatform.events;

/**
 * How a service names the holds it makes at the ledger for something it promised a third party:
 * {@code <purpose>:<id>}, a payment's {@code payment:<paymentId>}, a redemption's
 * {@code redemption:<redemptionId>}. The colon is what the ledger reads: a hold id with one is a
 * service's, which only a service token may place, capture or release (403 SERVICE_HOLD for a
 * member), so the names and the rule live here once. A member's own holds have ids without one.
 */
public final class ServiceHoldIds {

    public static final char SEPARATOR = ':';
    public static final String PAYMENT_PREFIX = "payment" + SEPARATOR;
    public static final String REDEMPTION_PREFIX = "redemption" + SEPARATOR;

    private ServiceHoldIds() {
    }

    /** The hold id (and reference) of the payment {@code paymentId}. */
    public static String payment(String paymentId) {
        return PAYMENT_PREFIX + paymentId;
    }

    /** The hold id (and reference) of the redemption {@code redemptionId}. */
    public static String redemption(String redemptionId) {
        return REDEMPTION_PREFIX + redemptionId;
    }

    /** Whether {@code holdId} names a service's hold. */
    public static boolean isServiceHold(String holdId) {
        return holdId.indexOf(SEPARATOR) >= 0;
    }
}
