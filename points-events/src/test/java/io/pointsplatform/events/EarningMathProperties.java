package io.pointsplatform.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pointsplatform.events.EarningMath.SpendLine;
import java.math.BigDecimal;
import java.util.List;
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

    @Example
    void fractionsOfAYuanEarnNothing() {
        assertThat(EarningMath.pointsFor(new BigDecimal("0.99"), BigDecimal.ONE)).isZero();
        assertThat(EarningMath.pointsFor(new BigDecimal("99.99"), BigDecimal.ONE)).isEqualTo(99);
        assertThat(EarningMath.extraFor(99, new BigDecimal("1.5"))).isEqualTo(49);
        assertThat(EarningMath.proportionalTakeBack(150, new BigDecimal("150.00"), BigDecimal.ZERO,
                new BigDecimal("60.00"))).isEqualTo(60);
        assertThatThrownBy(() -> EarningMath.extraFor(10, new BigDecimal("0.5")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(EarningMath.isAmount(new BigDecimal("1.005"))).isFalse();
    }
}
