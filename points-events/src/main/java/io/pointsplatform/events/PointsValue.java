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
    private static final int FEN = 2;

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

    /** The points needed to pay {@code yuan}, rounded up to a whole point. */
    public static long pointsFor(BigDecimal yuan, int pointsPerYuan) {
        requireRate(pointsPerYuan);
        if (yuan.signum() < 0 || yuan.stripTrailingZeros().scale() > FEN) {
            throw new IllegalArgumentException("amount must be a non-negative number of yuan with at most two decimals, was " + yuan);
        }
        return yuan.multiply(BigDecimal.valueOf(pointsPerYuan)).setScale(0, RoundingMode.UP).longValueExact();
    }

    private static void requireRate(int pointsPerYuan) {
        if (pointsPerYuan <= 0) {
            throw new IllegalArgumentException("pointsPerYuan must be positive, was " + pointsPerYuan);
        }
    }
}
