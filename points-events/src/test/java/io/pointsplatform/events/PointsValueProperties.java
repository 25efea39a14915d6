package io.pointsplatform.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

class PointsValueProperties {

    @Property
    void pointsAreNeverWorthMoreThanTheirExactValue(@ForAll @LongRange(max = 1_000_000_000_000L) long points,
                                                    @ForAll @IntRange(min = 1, max = 10_000) int rate) {
        BigDecimal yuan = PointsValue.yuanFor(points, rate);
        BigDecimal exact = BigDecimal.valueOf(points).divide(BigDecimal.valueOf(rate), 10, java.math.RoundingMode.DOWN);
        assertThat(yuan).isLessThanOrEqualTo(exact);
        assertThat(exact.subtract(yuan)).isLessThan(new BigDecimal("0.01"));
        // Paying what the points are worth never needs more points than there are.
        assertThat(PointsValue.pointsFor(yuan, rate)).isLessThanOrEqualTo(points);
    }

    @Property
    void anAmountCostsAtLeastItsExactValueInPoints(@ForAll @LongRange(max = 10_000_000_000L) long fen,
                                                   @ForAll @IntRange(min = 1, max = 10_000) int rate) {
        BigDecimal yuan = BigDecimal.valueOf(fen, 2);
        long points = PointsValue.pointsFor(yuan, rate);
        assertThat(BigDecimal.valueOf(points)).isGreaterThanOrEqualTo(yuan.multiply(BigDecimal.valueOf(rate)));
        assertThat(BigDecimal.valueOf(points - 1)).isLessThan(yuan.multiply(BigDecimal.valueOf(rate)));
    }

    @Example
    void theDefaultRateIsAHundredPointsAYuan() {
        assertThat(PointsValue.yuanFor(1_234, PointsValue.DEFAULT_POINTS_PER_YUAN)).isEqualByComparingTo("12.34");
        assertThat(PointsValue.pointsFor(new BigDecimal("5.00"), 100)).isEqualTo(500);
        assertThatThrownBy(() -> PointsValue.pointsFor(new BigDecimal("0.001"), 100))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PointsValue.yuanFor(-1, 100)).isInstanceOf(IllegalArgumentException.class);
    }

    @Property
    void theCapIsTheLargestWholeNumberOfPointsWithinTheShare(@ForAll @LongRange(min = 1, max = 10_000_000_000L) long fen,
                                                            @ForAll @IntRange(min = 0, max = 100) int capPercent,
                                                            @ForAll @IntRange(min = 1, max = 10_000) int rate) {
        BigDecimal order = BigDecimal.valueOf(fen, 2);
        long max = PointsValue.maxPointsForOrder(order, capPercent, rate);
        BigDecimal share = order.multiply(BigDecimal.valueOf(capPercent)).multiply(BigDecimal.valueOf(rate))
                .divide(BigDecimal.valueOf(100));
        assertThat(BigDecimal.valueOf(max)).isLessThanOrEqualTo(share);
        assertThat(BigDecimal.valueOf(max + 1)).isGreaterThan(share);
        assertThat(max).isNotNegative();
    }

    @Property
    void refundsGiveBackEveryPointOnceAndNeverMoreThanTheirShare(
            @ForAll @LongRange(min = 0, max = 1_000_000_000L) long points,
            @ForAll @LongRange(min = 1, max = 100_000_000L) long orderFen,
            @ForAll("cuts") java.util.List<Integer> cuts) {
        BigDecimal order = BigDecimal.valueOf(orderFen, 2);
        // The order refunded in pieces at the given per-mille cuts, the last piece completing it.
        java.util.List<BigDecimal> pieces = new java.util.ArrayList<>();
        BigDecimal refunded = BigDecimal.ZERO.setScale(2);
        for (int cut : cuts) {
            BigDecimal target = order.multiply(BigDecimal.valueOf(cut)).divide(BigDecimal.valueOf(1000), 2,
                    java.math.RoundingMode.DOWN);
            if (target.compareTo(refunded) > 0) {
                pieces.add(target.subtract(refunded));
                refunded = target;
            }
        }
        if (refunded.compareTo(order) < 0) {
            pieces.add(order.subtract(refunded));
        }
        long back = 0;
        BigDecimal before = BigDecimal.ZERO;
        for (BigDecimal piece : pieces) {
            long now = PointsValue.refundPoints(points, order, before, piece);
            assertThat(now).isNotNegative();
            back += now;
            before = before.add(piece);
            // Never more than the proportional share of what was refunded so far (rounded down), until the end.
            if (before.compareTo(order) < 0) {
                assertThat(BigDecimal.valueOf(back)).isLessThanOrEqualTo(
                        BigDecimal.valueOf(points).multiply(before).divide(order, 10, java.math.RoundingMode.DOWN));
            }
        }
        assertThat(back).isEqualTo(points);
        BigDecimal all = before;
        assertThatThrownBy(() -> PointsValue.refundPoints(points, order, all, new BigDecimal("0.01")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<java.util.List<Integer>> cuts() {
        return net.jqwik.api.Arbitraries.integers().between(0, 1000).list().ofMaxSize(6)
                .map(list -> list.stream().sorted().toList());
    }

    @Example
    void halfTheOrderIsTheDefaultCap() {
        assertThat(PointsValue.maxPointsForOrder(new BigDecimal("99.99"), 50, 100)).isEqualTo(4_999);
        assertThat(PointsValue.refundPoints(1_000, new BigDecimal("30.00"), BigDecimal.ZERO, new BigDecimal("10.00")))
                .isEqualTo(333);
        assertThat(PointsValue.refundPoints(1_000, new BigDecimal("30.00"), new BigDecimal("10.00"),
                new BigDecimal("20.00"))).isEqualTo(667);
    }
}
