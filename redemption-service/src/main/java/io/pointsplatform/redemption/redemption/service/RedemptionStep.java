package io.pointsplatform.redemption.redemption.service;

/**
 * Where a redemption's saga stands: the next remote call to make. Recorded before that call, so a
 * saga left by a crash is resumed from here (every call is idempotent by the derived ids).
 */
public enum RedemptionStep {
    /** Recorded PENDING; next: reserve stock at catalog. */
    REQUESTED,
    /** Stock reserved (the price known); next: hold the points at the ledger. */
    RESERVED,
    /** Points held; next, both at once: capture the hold and confirm the reservation, then issue the code: COMPLETED. */
    HELD,
    /**
     * Points taken. Recorded only by builds before HELD's two calls were made at once; such a saga
     * goes on as from HELD (the capture, idempotent, answers as before).
     */
    CAPTURED,
    /** Compensation after the reservation was confirmed impossible: give the captured points back. */
    RETURN_POINTS,
    /** Compensation: release the reservation, then FAILED with the recorded code. */
    RELEASE_RESERVATION,
    /** Compensation after a confirm whose capture was refused (the hold lapsed): return the stock, then FAILED. */
    RETURN_STOCK,
    /** A cancel: give the stock back at catalog (a coupon code is voided). */
    CANCEL_RETURN_STOCK,
    /** A cancel: give the points back at the ledger, then CANCELLED. */
    CANCEL_RETURN_POINTS,
    /** Nothing left to do. */
    DONE
}
