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
}
