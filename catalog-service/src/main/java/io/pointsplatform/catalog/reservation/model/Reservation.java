package io.pointsplatform.catalog.reservation.model;

import io.pointsplatform.catalog.reward.model.RewardKind;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * Stock held for one redemption. {@code pointsCost} is the total (unit × quantity); {@code periodKey}
 * the limit period it counts in (null without a limit); {@code seed}, {@code prizeId},
 * {@code prizeName} and {@code prizeTable} a lottery's draw; {@code couponCode} the code taken for it;
 * {@code cause} a donation's cause as it was at reservation; {@code voucherValue} a VOUCHER's value
 * in yuan (quantity × the reward's) as it was at reservation; {@code rewardName} the reward's name
 * as it was at reservation (null for reservations from before it was kept); {@code stockTaken}
 * whether it took units of the reward's stock (false when the reward was unlimited then) and
 * {@code prizeTaken} whether it took one of its prize's stock, so that giving it back returns only
 * what it took.
 */
public record Reservation(String reservationId, String rewardId, String memberId, int quantity, int ttlSeconds,
                          RewardKind kind, long pointsCost, ReservationStatus status, Instant expiresAt,
                          String periodKey, String seed, String prizeId, String prizeName, String prizeTable,
                          String couponCode, String cause, BigDecimal voucherValue, boolean stockTaken, boolean prizeTaken,
                          Instant createdAt, Instant updatedAt, String rewardName) {

    public Reservation withStatus(ReservationStatus next, Instant now) {
        return new Reservation(reservationId, rewardId, memberId, quantity, ttlSeconds, kind, pointsCost, next,
                expiresAt, periodKey, seed, prizeId, prizeName, prizeTable, couponCode, cause, voucherValue, stockTaken, prizeTaken,
                createdAt, now, rewardName);
    }
}
