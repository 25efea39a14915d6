package io.pointsplatform.events;

/**
 * One member's points at an instant. {@code expiredNotYetRecorded} is in lots past their expiresAt
 * that the ledger has not yet written a points.expired for: already unusable, not yet in
 * {@code expired}. {@code debt} is kept apart and is not taken off {@code available}.
 */
public record Balance(long available, long pending, long reserved, long expiredNotYetRecorded, long debt) {
}
