package io.pointsplatform.catalog.reservation.model;

/**
 * RESERVED holds stock until it expires; CONFIRMED gave the reward; RELEASED and EXPIRED gave the
 * stock back before that; RETURNED gave back a confirmed one after a cancelled redemption.
 */
public enum ReservationStatus {
    RESERVED, CONFIRMED, RELEASED, EXPIRED, RETURNED
}
