package io.pointsplatform.events;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

/**
 * The arithmetic of earning points for money, and of taking them back on a refund. Pure functions:
 * earning-service holds the rules' configuration and applies them in its documented order; every
 * rounding decision is made here, always down (a fraction of a point is never earned), and a refund
 * never takes back more than was earned.
 */
public final class EarningMath {

    private static final int FEN = 2;

    private EarningMath() {
    }

    /** One line of an order: quantity × unit price, and whether it is promotional (earns nothing). */
    public record SpendLine(long quantity, BigDecimal unitPriceYuan, boolean promotional) {
        public SpendLine {
            if (quantity < 0) {
                throw new IllegalArgumentException("quantity must not be negative, was " + quantity);
            }
            Checks.present("spend line", "unitPriceYuan", unitPriceYuan);
            if (unitPriceYuan.signum() < 0) {
                throw new IllegalArgumentException("unitPriceYuan must not be negative, was " + unitPriceYuan);
            }
        }

        public BigDecimal amountYuan() {
            return unitPriceYuan.multiply(BigDecimal.valueOf(quantity));
        }
    }

    /** The sum of the non-promotional lines, in yuan (exact, no rounding). */
    public static BigDecimal eligibleSpend(List<SpendLine> lines) {
        BigDecimal sum = BigDecimal.ZERO;
        for (SpendLine line : lines) {
            if (!line.promotional()) {
                sum = sum.add(line.amountYuan());
            }
        }
        return sum;
    }

    /** The sum of every line, promotional ones included, in yuan (exact): the order's size. */
    public static BigDecimal orderTotal(List<SpendLine> lines) {
        BigDecimal sum = BigDecimal.ZERO;
        for (SpendLine line : lines) {
            sum = sum.add(line.amountYuan());
        }
        return sum;
    }

    /** Whole points for an amount at a rate of points per yuan: the floor, fractions earn nothing. */
    public static long pointsFor(BigDecimal amountYuan, BigDecimal pointsPerYuan) {
        requireNonNegative("amountYuan", amountYuan);
        requireNonNegative("pointsPerYuan", pointsPerYuan);
        return amountYuan.multiply(pointsPerYuan).setScale(0, RoundingMode.DOWN).longValueExact();
    }

    /**
     * The extra points a multiplier adds to {@code points}: floor(points × (multiplier − 1)). A
     * multiplier below 1 is refused (rules only ever add).
     */
    public static long extraFor(long points, BigDecimal multiplier) {
        if (points < 0) {
            throw new IllegalArgumentException("points must not be negative, was " + points);
        }
        if (multiplier.compareTo(BigDecimal.ONE) < 0) {
            throw new IllegalArgumentException("multiplier must be at least 1, was " + multiplier);
        }
        return BigDecimal.valueOf(points).multiply(multiplier.subtract(BigDecimal.ONE))
                .setScale(0, RoundingMode.DOWN).longValueExact();
    }

    /**
     * What a refund takes back of {@code proportionalPoints} (the part of an earning that follows the
     * eligible spend), counted cumulatively so that rounding never adds up to more than was earned:
     * after all refunds, what remains is floor(points × remaining spend / eligible spend), and this
     * refund takes the difference from what remained before it. A refund of everything takes all.
     */
    public static long proportionalTakeBack(long proportionalPoints, BigDecimal eligibleYuan,
                                            BigDecimal refundedBeforeYuan, BigDecimal refundedNowYuan) {
        requireNonNegative("refundedBeforeYuan", refundedBeforeYuan);
        requireNonNegative("refundedNowYuan", refundedNowYuan);
        if (proportionalPoints < 0) {
            throw new IllegalArgumentException("proportionalPoints must not be negative, was " + proportionalPoints);
        }
        if (eligibleYuan.signum() <= 0) {
            return 0;
        }
        BigDecimal before = refundedBeforeYuan.min(eligibleYuan);
        BigDecimal after = refundedBeforeYuan.add(refundedNowYuan).min(eligibleYuan);
        return remaining(proportionalPoints, eligibleYuan, before) - remaining(proportionalPoints, eligibleYuan, after);
    }

    private static long remaining(long points, BigDecimal eligibleYuan, BigDecimal refundedYuan) {
        BigDecimal left = eligibleYuan.subtract(refundedYuan);
        return BigDecimal.valueOf(points).multiply(left).divide(eligibleYuan, 0, RoundingMode.DOWN).longValueExact();
    }

    /** Money as given by a client: non-negative, at most two decimals (fen). */
    public static boolean isAmount(BigDecimal yuan) {
        return yuan != null && yuan.signum() >= 0 && yuan.stripTrailingZeros().scale() <= FEN;
    }

    private static void requireNonNegative(String name, BigDecimal value) {
        Checks.present("earning", name, value);
        if (value.signum() < 0) {
            throw new IllegalArgumentException(name + " must not be negative, was " + value);
        }
    }
}
