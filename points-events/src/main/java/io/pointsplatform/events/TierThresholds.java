package io.pointsplatform.events;

/**
 * Points earned in the qualifying window (12 months by default) needed for each tier above
 * MEMBER. Defaults from ARCHITECTURE.md: SILVER 2 000, GOLD 10 000, PLATINUM 50 000.
 */
public record TierThresholds(long silver, long gold, long platinum) {

    public static final TierThresholds DEFAULTS = new TierThresholds(2_000, 10_000, 50_000);

    public TierThresholds {
        if (silver <= 0 || gold <= silver || platinum <= gold) {
            throw new IllegalArgumentException("tier thresholds must rise: 0 < silver < gold < platinum (were "
                    + silver + ", " + gold + ", " + platinum + ")");
        }
    }

    /** The tier {@code qualifyingPoints} reach: a threshold reached exactly counts. */
    public Tier tierFor(long qualifyingPoints) {
        if (qualifyingPoints >= platinum) {
            return Tier.PLATINUM;
        }
        if (qualifyingPoints >= gold) {
            return Tier.GOLD;
        }
        if (qualifyingPoints >= silver) {
            return Tier.SILVER;
        }
        return Tier.MEMBER;
    }
}
