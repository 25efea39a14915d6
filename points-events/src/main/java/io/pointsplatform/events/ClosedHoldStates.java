package io.pointsplatform.events;

/**
 * How a hold the ledger no longer keeps open was closed: the {@code state} of its
 * {@code 409 HOLD_NOT_OPEN} problem (docs/contract-extensions.md). The ledger writes it and the
 * services whose holds race (a payment's capture and cancel) read it, so the names live here once.
 */
public final class ClosedHoldStates {

    /** Captured: the points were spent ({@code points.spent}). */
    public static final String CAPTURED = "CAPTURED";
    /** Released by a caller: the points are back ({@code points.released}, not by expiry). */
    public static final String RELEASED = "RELEASED";
    /** Lapsed at its TTL: the points are back ({@code points.released}, reason EXPIRED). */
    public static final String EXPIRED = "EXPIRED";

    private ClosedHoldStates() {
    }

    /** The state a hold closed by {@code closing} is in, or null for an event that does not close a hold. */
    public static String of(EventData closing) {
        return switch (closing) {
            case PointsSpent spent -> CAPTURED;
            case PointsReleased released -> released.reason() == ReleaseReason.EXPIRED ? EXPIRED : RELEASED;
            default -> null;
        };
    }
}
