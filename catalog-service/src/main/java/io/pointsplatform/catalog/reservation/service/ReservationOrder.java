package io.pointsplatform.catalog.reservation.service;

/**
 * A reservation asked for, the edge having checked shapes and bounds. {@code seed} (a lottery's,
 * admin only) is null unless given.
 */
public record ReservationOrder(String reservationId, String rewardId, String memberId, int quantity, int ttlSeconds,
                               String seed) {
}
