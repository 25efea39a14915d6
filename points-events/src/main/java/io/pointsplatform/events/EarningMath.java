package io.pointsplatform.events;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The arithmetic of earning points for money, and of taking them back on a refund. Pure functions:
 * earning-service holds the rules' configuration and applies them in its documented order; every
 * rounding decision is made here, always down (a fraction of a point is never earned), and a refund
 * never takes back more than was earned.
 */
public final class EarningMath {

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

    /**
     * A part of an earning's proportional points and the lines whose spend earned it: the base and a
     * tier multiplier's extra cover every line, a category multiplier's or a campaign's extra the lines
     * it names. {@code lines} are indexes into the order's lines.
     */
    public record Share(long points, List<Integer> lines) {
        public Share {
            if (points < 0) {
                throw new IllegalArgumentException("points must not be negative, was " + points);
            }
            lines = List.copyOf(lines);
        }
    }

    private static final MathContext EXACT_ENOUGH = new MathContext(40, RoundingMode.DOWN);

    /**
     * Each line's whole points of the shares, so that a refund of a line takes back what that line
     * earned: every share is split over the lines it covers in proportion to their eligible amounts
     * ({@code amounts}, 0 for a promotional line), and the exact parts are rounded so that they add up
     * to the shares' total: each line its floor, then one point more to the lines with the largest
     * fractions (the earlier line first among equals). A line of no eligible amount gets 0. A share
     * of points over lines of no eligible amount is refused (nothing earned it).
     */
    public static long[] linePoints(List<BigDecimal> amounts, List<Share> shares) {
        int n = amounts.size();
        BigDecimal[] exact = new BigDecimal[n];
        Arrays.fill(exact, BigDecimal.ZERO);
        long total = 0;
        for (Share share : shares) {
            if (share.points() == 0) {
                continue;
            }
            BigDecimal covered = BigDecimal.ZERO;
            for (int line : share.lines()) {
                requireNonNegative("amount", amounts.get(line));
                covered = covered.add(amounts.get(line));
            }
            if (covered.signum() == 0) {
                throw new IllegalArgumentException(share.points() + " points over lines of no eligible amount");
            }
            total = Math.addExact(total, share.points());
            BigDecimal points = BigDecimal.valueOf(share.points());
            for (int line : share.lines()) {
                exact[line] = exact[line].add(points.multiply(amounts.get(line)).divide(covered, EXACT_ENOUGH));
            }
        }
        long[] whole = new long[n];
        long given = 0;
        for (int i = 0; i < n; i++) {
            whole[i] = exact[i].setScale(0, RoundingMode.DOWN).longValueExact();
            given += whole[i];
        }
        List<Integer> byFraction = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (exact[i].signum() > 0) {
                byFraction.add(i);
            }
        }
        byFraction.sort((x, y) -> {
            int larger = fraction(exact[y], whole[y]).compareTo(fraction(exact[x], whole[x]));
            return larger != 0 ? larger : Integer.compare(x, y);
        });
        // The exact parts add up to the total (up to the division's last digit), so fewer points are
        // left than lines with a fraction; the guard keeps the sum exact whatever the digits.
        for (int k = 0; given < total; k = (k + 1) % byFraction.size()) {
            whole[byFraction.get(k)]++;
            given++;
        }
        return whole;
    }

    /**
     * What a refund of {@code quantityNow} units of a line takes back of the {@code linePoints} it
     * earned over its {@code quantity} units, after {@code quantityBefore} were refunded: cumulatively,
     * floor(linePoints × units left / quantity) remain, and this refund takes the difference from
     * what remained before it, so that refunds of a line in parts never take back more than it
     * earned, and the last unit takes the rest.
     */
    public static long lineTakeBack(long linePoints, long quantity, long quantityBefore, long quantityNow) {
        // quantityNow > quantity - quantityBefore, not the sum: a sum near Long.MAX_VALUE wraps (until
        // 2026-12-06 lineTakeBack(1, 5, 3, Long.MAX_VALUE) took back 1.8e18 points of a line that earned 1).
        if (linePoints < 0 || quantity <= 0 || quantityBefore < 0 || quantityNow < 0 || quantityBefore > quantity
                || quantityNow > quantity - quantityBefore) {
            throw new IllegalArgumentException("a line of " + quantity + " units earning " + linePoints
                    + " points cannot have " + quantityBefore + " and then " + quantityNow + " refunded");
        }
        return remainingOfLine(linePoints, quantity, quantityBefore)
                - remainingOfLine(linePoints, quantity, quantityBefore + quantityNow);
    }

    /** One order line as refunds see it: its eligible yuan a unit (0 for a promotional line), its units, its points. */
    public record RefundLine(BigDecimal unitYuan, long quantity, long points) {
        public RefundLine {
            requireNonNegative("unitYuan", unitYuan);
            if (quantity <= 0 || points < 0) {
                throw new IllegalArgumentException("a line of " + quantity + " units earning " + points + " points");
            }
        }
    }

    /**
     * The proportional points an order keeps after refunds by lines ({@code refundedUnits}, by line)
     * and by amount ({@code refundedByAmountYuan}, which no line can be told from): each line keeps
     * floor(points × units left / quantity) ({@link #lineTakeBack}'s rule), and what the lines keep is
     * shared down in proportion to the yuan refunded by amount out of the yuan the lines have left:
     * floor(kept × (lines' yuan left − refunded by amount) / lines' yuan left). By amount alone this is
     * {@link #proportionalTakeBack}'s remainder, by lines alone the lines' own; mixed, a refund by amount
     * takes in proportion to what is left (not to the order as it was: after a line of many points a
     * unit was refunded by lines, the order's average would take too much of the rest, and after a
     * line of few points too little). Never more than is left, never less under any further refund.
     */
    public static long proportionalKept(List<RefundLine> lines, long[] refundedUnits, BigDecimal refundedByAmountYuan) {
        requireNonNegative("refundedByAmountYuan", refundedByAmountYuan);
        if (refundedUnits.length != lines.size()) {
            throw new IllegalArgumentException(refundedUnits.length + " refunded quantities for " + lines.size() + " lines");
        }
        BigInteger kept = BigInteger.ZERO;
        BigDecimal yuanLeft = BigDecimal.ZERO;
        for (int i = 0; i < lines.size(); i++) {
            RefundLine line = lines.get(i);
            if (refundedUnits[i] < 0 || refundedUnits[i] > line.quantity()) {
                throw new IllegalArgumentException(refundedUnits[i] + " units refunded of a line of " + line.quantity());
            }
            kept = kept.add(BigInteger.valueOf(remainingOfLine(line.points(), line.quantity(), refundedUnits[i])));
            yuanLeft = yuanLeft.add(line.unitYuan().multiply(BigDecimal.valueOf(line.quantity() - refundedUnits[i])));
        }
        if (yuanLeft.signum() == 0 || refundedByAmountYuan.compareTo(yuanLeft) >= 0) {
            return 0;
        }
        return new BigDecimal(kept).multiply(yuanLeft.subtract(refundedByAmountYuan))
                .divide(yuanLeft, 0, RoundingMode.DOWN).longValueExact();
    }

    private static BigDecimal fraction(BigDecimal exact, long whole) {
        return exact.subtract(BigDecimal.valueOf(whole));
    }

    private static long remainingOfLine(long linePoints, long quantity, long refunded) {
        return BigInteger.valueOf(linePoints).multiply(BigInteger.valueOf(quantity - refunded))
                .divide(BigInteger.valueOf(quantity)).longValueExact();
    }

    private static void requireNonNegative(String name, BigDecimal value) {
        Checks.present("earning", name, value);
        if (value.signum() < 0) {
            throw new IllegalArgumentException(name + " must not be negative, was " + value);
        }
    }
}
