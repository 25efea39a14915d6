package io.pointsplatform.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pointsplatform.events.EarningMath.SpendLine;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

class EarningMathProperties {

    @Property
    void pointsAreTheFloorOfSpendTimesRate(@ForAll @LongRange(max = 10_000_000_000L) long fen,
                                           @ForAll @IntRange(min = 0, max = 1_000) int rateTenths) {
        BigDecimal yuan = BigDecimal.valueOf(fen, 2);
        BigDecimal rate = BigDecimal.valueOf(rateTenths, 1);
        long points = EarningMath.pointsFor(yuan, rate);
        BigDecimal exact = yuan.multiply(rate);
        assertThat(BigDecimal.valueOf(points)).isLessThanOrEqualTo(exact);
        assertThat(exact.subtract(BigDecimal.valueOf(points))).isLessThan(BigDecimal.ONE);
    }

    @Property
    void promotionalLinesNeverCount(@ForAll @Size(max = 20) List<@LongRange(max = 1_000_000) Long> fens,
                                    @ForAll @Size(max = 20) List<Boolean> promo) {
        List<SpendLine> lines = new java.util.ArrayList<>();
        BigDecimal expected = BigDecimal.ZERO;
        for (int i = 0; i < fens.size(); i++) {
            boolean promotional = i < promo.size() && promo.get(i);
            BigDecimal price = BigDecimal.valueOf(fens.get(i), 2);
            lines.add(new SpendLine(2, price, promotional));
            if (!promotional) {
                expected = expected.add(price.multiply(BigDecimal.TWO));
            }
        }
        assertThat(EarningMath.eligibleSpend(lines)).isEqualByComparingTo(expected);
    }

    @Property
    void anOrdersTotalIsItsEligibleSpendAndItsPromotionalLines(
            @ForAll @Size(max = 20) List<@LongRange(max = 1_000_000_000_000L) Long> fens,
            @ForAll @Size(max = 20) List<@IntRange(min = 1, max = 100_000) Integer> quantities,
            @ForAll @Size(max = 20) List<Boolean> promo) {
        List<SpendLine> lines = new java.util.ArrayList<>();
        BigDecimal promotional = BigDecimal.ZERO;
        BigDecimal everything = BigDecimal.ZERO;
        for (int i = 0; i < fens.size(); i++) {
            int quantity = i < quantities.size() ? quantities.get(i) : 1;
            BigDecimal amount = BigDecimal.valueOf(fens.get(i), 2).multiply(BigDecimal.valueOf(quantity));
            boolean isPromotional = i < promo.size() && promo.get(i);
            lines.add(new SpendLine(quantity, BigDecimal.valueOf(fens.get(i), 2), isPromotional));
            everything = everything.add(amount);
            if (isPromotional) {
                promotional = promotional.add(amount);
            }
        }
        assertThat(EarningMath.orderTotal(lines)).isEqualByComparingTo(everything);
        assertThat(EarningMath.orderTotal(lines)).isEqualByComparingTo(EarningMath.eligibleSpend(lines).add(promotional));
    }

    @Property
    void aMultiplierAddsNoMoreThanItsExactShare(@ForAll @LongRange(max = 1_000_000_000L) long points,
                                                @ForAll @IntRange(min = 100, max = 1_000) int multiplierHundredths) {
        BigDecimal multiplier = BigDecimal.valueOf(multiplierHundredths, 2);
        long extra = EarningMath.extraFor(points, multiplier);
        BigDecimal exact = BigDecimal.valueOf(points).multiply(multiplier.subtract(BigDecimal.ONE));
        assertThat(extra).isNotNegative();
        assertThat(BigDecimal.valueOf(extra)).isLessThanOrEqualTo(exact);
        assertThat(exact.subtract(BigDecimal.valueOf(extra))).isLessThan(BigDecimal.ONE);
    }

    /** However an order is refunded in parts, the parts never take back more than was earned. */
    @Property
    void refundsInPartsNeverTakeBackMoreThanEarned(@ForAll @LongRange(max = 10_000_000) long points,
                                                    @ForAll @LongRange(min = 1, max = 10_000_000) long eligibleFen,
                                                    @ForAll @Size(max = 10) List<@LongRange(max = 5_000_000) Long> refundsFen) {
        BigDecimal eligible = BigDecimal.valueOf(eligibleFen, 2);
        BigDecimal refunded = BigDecimal.ZERO;
        long taken = 0;
        for (long refundFen : refundsFen) {
            BigDecimal now = BigDecimal.valueOf(refundFen, 2);
            long take = EarningMath.proportionalTakeBack(points, eligible, refunded, now);
            assertThat(take).isNotNegative();
            taken += take;
            refunded = refunded.add(now);
        }
        assertThat(taken).isLessThanOrEqualTo(points);
        // The rest of the order keeps at least its proportional share, rounded down.
        BigDecimal left = eligible.subtract(refunded.min(eligible));
        long kept = points - taken;
        assertThat(BigDecimal.valueOf(kept).multiply(eligible))
                .isGreaterThanOrEqualTo(BigDecimal.valueOf(points).multiply(left).subtract(eligible));
        // Refunding what is left takes back everything.
        taken += EarningMath.proportionalTakeBack(points, eligible, refunded, eligible);
        assertThat(taken).isEqualTo(points);
    }

    /**
     * Each line's points add up to the shares' total exactly; a line of no eligible amount gets none;
     * and each line is within a point of its exact share (every share split by the amounts it covers).
     */
    @Property
    void linePointsAddUpToTheSharesAndFollowEachLinesSpend(
            @ForAll @Size(min = 1, max = 12) List<@LongRange(max = 10_000_000) Long> fens,
            @ForAll @Size(max = 5) List<@LongRange(max = 10_000_000) Long> sharePoints,
            @ForAll Random random) {
        List<BigDecimal> amounts = fens.stream().map(f -> BigDecimal.valueOf(f, 2)).toList();
        List<Integer> paid = new ArrayList<>();
        for (int i = 0; i < amounts.size(); i++) {
            if (amounts.get(i).signum() > 0) {
                paid.add(i);
            }
        }
        List<EarningMath.Share> shares = new ArrayList<>();
        for (long points : sharePoints) {
            // Each share covers some lines, at least one with an amount (else nothing earned it).
            List<Integer> covered = new ArrayList<>();
            for (int i = 0; i < amounts.size(); i++) {
                if (random.nextBoolean()) {
                    covered.add(i);
                }
            }
            if (!paid.isEmpty() && covered.stream().noneMatch(paid::contains)) {
                covered.add(paid.get(random.nextInt(paid.size())));
            }
            shares.add(new EarningMath.Share(paid.isEmpty() ? 0 : points, covered));
        }
        long[] lines = EarningMath.linePoints(amounts, shares);
        long total = shares.stream().mapToLong(EarningMath.Share::points).sum();
        assertThat(Arrays.stream(lines).sum()).isEqualTo(total);
        for (int i = 0; i < lines.length; i++) {
            BigDecimal exact = BigDecimal.ZERO;
            for (EarningMath.Share share : shares) {
                if (share.lines().contains(i) && share.points() > 0) {
                    BigDecimal covered = share.lines().stream().map(amounts::get).reduce(BigDecimal.ZERO, BigDecimal::add);
                    exact = exact.add(BigDecimal.valueOf(share.points()).multiply(amounts.get(i))
                            .divide(covered, 20, java.math.RoundingMode.HALF_EVEN));
                }
            }
            assertThat(lines[i]).isNotNegative();
            if (amounts.get(i).signum() == 0) {
                assertThat(lines[i]).isZero();
            }
            assertThat(BigDecimal.valueOf(lines[i]).subtract(exact).abs()).isLessThan(BigDecimal.ONE);
        }
    }

    /** A line refunded in parts never gives back more than it earned, and all of it once every unit is back. */
    @Property
    void aLineRefundedInPartsTakesBackExactlyWhatItEarned(@ForAll @LongRange(max = 1_000_000_000L) long points,
                                                         @ForAll @LongRange(min = 1, max = 100_000) long quantity,
                                                         @ForAll Random random) {
        long refunded = 0;
        long taken = 0;
        while (refunded < quantity) {
            long now = 1 + (long) random.nextInt((int) Math.min(quantity - refunded, 1_000));
            long take = EarningMath.lineTakeBack(points, quantity, refunded, now);
            assertThat(take).isNotNegative();
            taken += take;
            refunded += now;
            // What the line keeps is at least its share of the units left, rounded down.
            assertThat(points - taken).isGreaterThanOrEqualTo(
                    BigInteger.valueOf(points).multiply(BigInteger.valueOf(quantity - refunded))
                            .divide(BigInteger.valueOf(quantity)).longValueExact());
        }
        assertThat(taken).isEqualTo(points);
        assertThatThrownBy(() -> EarningMath.lineTakeBack(points, quantity, quantity, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Refunds by lines and by amount in any mix: what the order keeps never grows, never passes what
     * it earned, is 0 once nothing eligible is left; by amount alone it is proportionalTakeBack's
     * remainder, by lines alone the lines' own.
     */
    @Property
    void mixedRefundsKeepLessEachTimeAndNothingAtTheEnd(
            @ForAll @Size(min = 1, max = 6) List<@LongRange(max = 100_000) Long> unitFens,
            @ForAll @Size(min = 1, max = 6) List<@LongRange(min = 1, max = 20) Long> quantities,
            @ForAll @Size(min = 1, max = 6) List<@LongRange(max = 1_000_000) Long> pointsPerYuanTenths,
            @ForAll Random random) {
        List<EarningMath.RefundLine> lines = new ArrayList<>();
        BigDecimal eligible = BigDecimal.ZERO;
        long earned = 0;
        for (int i = 0; i < unitFens.size(); i++) {
            BigDecimal unit = BigDecimal.valueOf(unitFens.get(i), 2);
            long quantity = quantities.get(i % quantities.size());
            BigDecimal amount = unit.multiply(BigDecimal.valueOf(quantity));
            // Points follow the line's spend at its own rate (a category's multiplier), none without spend.
            long points = amount.multiply(BigDecimal.valueOf(pointsPerYuanTenths.get(i % pointsPerYuanTenths.size()), 1))
                    .longValue();
            lines.add(new EarningMath.RefundLine(unit, quantity, points));
            eligible = eligible.add(amount);
            earned += points;
        }
        long[] units = new long[lines.size()];
        BigDecimal byAmount = BigDecimal.ZERO;
        BigDecimal refunded = BigDecimal.ZERO;
        long kept = EarningMath.proportionalKept(lines, units, byAmount);
        assertThat(kept).isEqualTo(eligible.signum() == 0 ? 0 : earned);
        for (int step = 0; step < 20 && refunded.compareTo(eligible) < 0; step++) {
            if (random.nextBoolean()) {
                int line = random.nextInt(lines.size());
                long left = lines.get(line).quantity() - units[line];
                if (left == 0) {
                    continue;
                }
                long now = 1 + random.nextInt((int) left);
                BigDecimal yuan = lines.get(line).unitYuan().multiply(BigDecimal.valueOf(now));
                if (refunded.add(yuan).compareTo(eligible) > 0) {
                    continue; // refused: more than is left of the order (REFUND_EXCEEDS_ORDER)
                }
                units[line] += now;
                refunded = refunded.add(yuan);
            } else {
                BigDecimal left = eligible.subtract(refunded);
                BigDecimal now = left.multiply(BigDecimal.valueOf(random.nextInt(101), 2)).setScale(2,
                        java.math.RoundingMode.DOWN);
                byAmount = byAmount.add(now);
                refunded = refunded.add(now);
            }
            long after = EarningMath.proportionalKept(lines, units, byAmount);
            assertThat(after).isNotNegative().isLessThanOrEqualTo(kept);
            kept = after;
        }
        if (refunded.compareTo(eligible) >= 0) {
            assertThat(kept).isZero();
        }
        // By amount alone: proportionalTakeBack's remainder of the order's points.
        BigDecimal some = eligible.multiply(BigDecimal.valueOf(random.nextInt(101), 2)).setScale(2,
                java.math.RoundingMode.DOWN);
        assertThat(EarningMath.proportionalKept(lines, new long[lines.size()], some))
                .isEqualTo(earned - EarningMath.proportionalTakeBack(earned, eligible, BigDecimal.ZERO, some));
        // By lines alone: what each line keeps by its own rule.
        long byLines = 0;
        for (int i = 0; i < lines.size(); i++) {
            EarningMath.RefundLine line = lines.get(i);
            byLines += line.points() - EarningMath.lineTakeBack(line.points(), line.quantity(), 0, units[i]);
        }
        if (eligible.subtract(sumOf(lines, units)).signum() > 0) {
            assertThat(EarningMath.proportionalKept(lines, units, BigDecimal.ZERO)).isEqualTo(byLines);
        }
    }

    private static BigDecimal sumOf(List<EarningMath.RefundLine> lines, long[] units) {
        BigDecimal sum = BigDecimal.ZERO;
        for (int i = 0; i < lines.size(); i++) {
            sum = sum.add(lines.get(i).unitYuan().multiply(BigDecimal.valueOf(units[i])));
        }
        return sum;
    }

    @Example
    void aRefundByAmountAfterOneByLinesTakesInProportionToWhatIsLeft() {
        // A TV of 60 yuan with a x5 category rule (300 points) beside two loaves of 15 yuan (30 points).
        List<EarningMath.RefundLine> order = List.of(new EarningMath.RefundLine(new BigDecimal("60.00"), 1, 300),
                new EarningMath.RefundLine(new BigDecimal("15.00"), 2, 30));
        // The TV back by lines keeps the bread's 30; one loaf back by amount then takes 15 of them, not 55.
        assertThat(EarningMath.proportionalKept(order, new long[] {1, 0}, BigDecimal.ZERO)).isEqualTo(30);
        assertThat(EarningMath.proportionalKept(order, new long[] {1, 0}, new BigDecimal("15.00"))).isEqualTo(15);
        // The bread back by lines, then half the TV by amount: 150 of the TV's 300 go, not 110.
        assertThat(EarningMath.proportionalKept(order, new long[] {0, 2}, new BigDecimal("30.00"))).isEqualTo(150);
        // 10 yuan by amount, then the TV by lines: the 20 yuan left are bread, which keeps 20.
        assertThat(EarningMath.proportionalKept(order, new long[] {0, 0}, new BigDecimal("10.00"))).isEqualTo(293);
        assertThat(EarningMath.proportionalKept(order, new long[] {1, 0}, new BigDecimal("10.00"))).isEqualTo(20);
    }

    @Example
    void aLineWithAMultiplierCarriesItsExtra() {
        // A TV of 100 yuan with a x5 category rule beside bread of 100 yuan: base 200 over both, 400 extra on the TV.
        long[] lines = EarningMath.linePoints(List.of(new BigDecimal("100.00"), new BigDecimal("100.00")),
                List.of(new EarningMath.Share(200, List.of(0, 1)), new EarningMath.Share(400, List.of(0))));
        assertThat(lines).containsExactly(500, 100);
        // Three equal lines share 10 points: 4, 3, 3 (the earlier line first among equal fractions).
        assertThat(EarningMath.linePoints(List.of(BigDecimal.ONE, BigDecimal.ONE, BigDecimal.ONE),
                List.of(new EarningMath.Share(10, List.of(0, 1, 2))))).containsExactly(4, 3, 3);
        assertThatThrownBy(() -> EarningMath.linePoints(List.of(BigDecimal.ZERO),
                List.of(new EarningMath.Share(5, List.of(0))))).isInstanceOf(IllegalArgumentException.class);
    }

    @Example
    void fractionsOfAYuanEarnNothing() {
        assertThat(EarningMath.pointsFor(new BigDecimal("0.99"), BigDecimal.ONE)).isZero();
        assertThat(EarningMath.pointsFor(new BigDecimal("99.99"), BigDecimal.ONE)).isEqualTo(99);
        assertThat(EarningMath.extraFor(99, new BigDecimal("1.5"))).isEqualTo(49);
        assertThat(EarningMath.proportionalTakeBack(150, new BigDecimal("150.00"), BigDecimal.ZERO,
                new BigDecimal("60.00"))).isEqualTo(60);
        assertThatThrownBy(() -> EarningMath.extraFor(10, new BigDecimal("0.5")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(PointsValue.isYuan(new BigDecimal("1.005"))).isFalse();
    }

    /** Inputs at the edges of a long and of BigDecimal are refused, never wrapped or expanded. */
    @Example
    void quantitiesNearLongMaxAndHugeAmountsAreRefused() {
        assertThatThrownBy(() -> EarningMath.lineTakeBack(1, 5, 3, Long.MAX_VALUE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EarningMath.lineTakeBack(1, 5, Long.MAX_VALUE, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(EarningMath.lineTakeBack(10, Long.MAX_VALUE, 0, Long.MAX_VALUE)).isEqualTo(10);
        assertThat(EarningMath.lineTakeBack(10, Long.MAX_VALUE, 1, Long.MAX_VALUE - 1)).isEqualTo(9);
        assertThat(PointsValue.isYuan(new BigDecimal("1E+999999999"))).isFalse();
        assertThat(PointsValue.isYuan(new BigDecimal("999999999999999999.99"))).isTrue();
        assertThat(PointsValue.isYuan(new BigDecimal("1000000000000000000"))).isFalse();
        assertThatThrownBy(() -> PointsValue.pointsFor(new BigDecimal("1E+999999999"), 100))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PointsValue.maxPointsForOrder(new BigDecimal("1E+999999999"), 50, 100))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
