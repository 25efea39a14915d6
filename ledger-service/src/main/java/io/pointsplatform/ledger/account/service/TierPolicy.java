package io.pointsplatform.ledger.account.service;

import io.pointsplatform.events.TierThresholds;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The programme's tier rules (ARCHITECTURE.md defaults), from {@code points.tier.*}. */
@ConfigMapping(prefix = "points.tier")
public interface TierPolicy {

    @WithDefault("2000")
    long silver();

    @WithDefault("10000")
    long gold();

    @WithDefault("50000")
    long platinum();

    /** Months of earning that count towards a tier. */
    @WithDefault("12")
    int windowMonths();

    /** Points credited on an upgrade (0: none). */
    @WithDefault("1000")
    long upgradeBonus();

    @WithDefault("12")
    int bonusLifetimeMonths();

    default TierThresholds thresholds() {
        return new TierThresholds(silver(), gold(), platinum());
    }
}
