package io.pointsplatform.events;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Points as money, at a rate of points per yuan (100 by default: 100 points = 1 yuan). Money is
 * {@link BigDecimal} in yuan with two decimals (fen); conversions never round in the member's
 * favour or against the shop by more than the rule says: an amount is paid with its points rounded
 * up to a whole point, and points are worth their amount rounded down to a whole fen.
 */
public final class PointsValue {

    public static final int DEFAULT_POINTS_PER_YUAN = 100;
    /**
     * The most points one spend moves at the ledger: a hold (a redemption's, a payment's), a return,
     * an adjustment. A member may hold more; one spend takes at most this many.
     */
    public static final long MAX_SPEND = 1_000_000_000L;
    /**
     * The most points one refund's reversal takes back: far more than {@link #MAX_SPEND}, since one
     * order may earn more than that (10^8 yuan at a multiplier of 100 earns 10^10), and a refund must
     * be able to take back all an order earned. 10^15 is under 2^53, so every JSON client reads it
     * exactly.
     */
    public static final long MAX_REVERSAL = 1_000_000_000_000_000L;
    private static final int FEN = 2;
    /** Digits before the point an amount may have: under 10^18 yuan. */
    private static final int MAX_YUAN_DIGITS = 18;

    private PointsValue() {
    }

    /** What {@code points} are worth in yuan, rounded down to the fen. */
    public static BigDecimal yuanFor(long points, int pointsPerYuan) {
        requireRate(pointsPerYuan);
        if (points < 0) {
            throw new IllegalArgumentException("points must not be negative, was " + points);
        }
        return BigDecimal.valueOf(points).divide(BigDecimal.valueOf(pointsPerYuan), FEN, RoundingMode.DOWN);
    }

    /**
     * Money as the platform takes it: not negative, at most two decimals (fen), under 10^18 yuan. The
     * bound keeps a caller that skipped its own checks from asking for arithmetic on a number such as
     * 1E+999999999, whose setScale(0) builds a billion digits (until 2026-12-06 it was accepted here).
     */
    public static boolean isYuan(BigDecimal yuan) {
        if (yuan == null || yuan.signum() < 0) {
            return false;
        }
        BigDecimal stripped = yuan.stripTrailingZeros();
        return stripped.scale() <= FEN && stripped.precision() - stripped.scale() <= MAX_YUAN_DIGITS;
    }

    /** The points needed to pay {@code yuan}, rounded up to a whole point. */
    public static long pointsFor(BigDecimal yuan, int pointsPerYuan) {
        requireRate(pointsPerYuan);
        requireAmount(yuan);
        return yuan.multiply(BigDecimal.valueOf(pointsPerYuan)).setScale(0, RoundingMode.UP).longValueExact();
    }

    /**
     * The most points an order of {@code orderAmount} yuan may be paid with when points may pay at
     * most {@code capPercent} % of it: whole points, rounded down, so the share is never exceeded.
     * The quote ({@code payment-capacity}) and the payment use this one rule.
     */
    public static long maxPointsForOrder(BigDecimal orderAmount, int capPercent, int pointsPerYuan) {
        requireRate(pointsPerYuan);
        if (capPercent < 0 || capPercent > 100) {
            throw new IllegalArgumentException("capPercent must be 0..100, was " + capPercent);
        }
        requireAmount(orderAmount);
        return orderAmount.multiply(BigDecimal.valueOf((long) pointsPerYuan * capPercent))
                .divide(BigDecimal.valueOf(100), 0, RoundingMode.DOWN).longValueExact();
    }

    /**
     * The points a refund of {@code refundAmount} gives back of a payment of {@code points} for an
     * order of {@code orderAmount}, when {@code refundedBefore} of the order was refunded already:
     * in proportion, computed on the running total (the points back so far are
     * {@code floor(points × refunded / orderAmount)}), so partial refunds never give back more than
     * one refund of the whole would, and the refund that completes the order gives back every point
     * left. A refund beyond the order's amount is refused.
     */
    public static long refundPoints(long points, BigDecimal orderAmount, BigDecimal refundedBefore,
                                    BigDecimal refundAmount) {
        if (points < 0) {
            throw new IllegalArgumentException("points must not be negative, was " + points);
        }
        requireAmount(orderAmount);
        requireAmount(refundedBefore);
        requireAmount(refundAmount);
        if (orderAmount.signum() <= 0) {
            throw new IllegalArgumentException("orderAmount must be positive, was " + orderAmount);
        }
        BigDecimal after = refundedBefore.add(refundAmount);
        if (after.compareTo(orderAmount) > 0) {
            throw new IllegalArgumentException("refunds " + after + " exceed the order's " + orderAmount);
        }
        return pointsBackAfter(points, orderAmount, after) - pointsBackAfter(points, orderAmount, refundedBefore);
    }

    private static long pointsBackAfter(long points, BigDecimal orderAmount, BigDecimal refunded) {
        if (refunded.compareTo(orderAmount) == 0) {
            return points;
        }
        return BigDecimal.valueOf(points).multiply(refunded).divide(orderAmount, 0, RoundingMode.DOWN).longValueExact();
    }

    private static void requireAmount(BigDecimal yuan) {
        if (!isYuan(yuan)) {
            throw new IllegalArgumentException("amount must be a non-negative number of yuan with at most two decimals"
                    + " and 18 digits before them, was " + (yuan == null ? null : yuan.toString().length() > 40
                    ? yuan.toString().substring(0, 40) + "…" : yuan));
        }
    }

    private static void requireRate(int pointsPerYuan) {
        if (pointsPerYuan <= 0) {
            throw new IllegalArgumentException("pointsPerYuan must be positive, was " + pointsPerYuan);
        }
    }
}
