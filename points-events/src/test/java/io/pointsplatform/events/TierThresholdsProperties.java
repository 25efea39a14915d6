package io.pointsplatform.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

class TierThresholdsProperties {

    @Property
    void morePointsNeverGiveALowerTier(@ForAll @LongRange(min = 0, max = 200_000) long a,
                                       @ForAll @LongRange(min = 0, max = 200_000) long b) {
        TierThresholds t = TierThresholds.DEFAULTS;
        long low = Math.min(a, b);
        long high = Math.max(a, b);
        assertThat(t.tierFor(high).atLeast(t.tierFor(low))).isTrue();
    }

    @Property
    void aThresholdReachedExactlyCountsAndOneLessDoesNot(@ForAll @LongRange(min = 1, max = 1_000) long silver,
                                                         @ForAll @LongRange(min = 1, max = 1_000) long gap1,
                                                         @ForAll @LongRange(min = 1, max = 1_000) long gap2) {
        TierThresholds t = new TierThresholds(silver, silver + gap1, silver + gap1 + gap2);
        assertThat(t.tierFor(silver)).isEqualTo(Tier.SILVER);
        assertThat(t.tierFor(silver - 1)).isEqualTo(Tier.MEMBER);
        assertThat(t.tierFor(t.gold())).isEqualTo(Tier.GOLD);
        assertThat(t.tierFor(t.gold() - 1)).isEqualTo(Tier.SILVER);
        assertThat(t.tierFor(t.platinum())).isEqualTo(Tier.PLATINUM);
        assertThat(t.tierFor(t.platinum() - 1)).isEqualTo(Tier.GOLD);
    }

    @Property
    void thresholdsThatDoNotRiseAreRefused(@ForAll @LongRange(min = 1, max = 1_000) long silver) {
        assertThatThrownBy(() -> new TierThresholds(silver, silver, silver + 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TierThresholds(0, silver + 1, silver + 2))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
