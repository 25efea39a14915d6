package io.pointsplatform.events;

import java.time.Instant;

/**
 * A reward as it now is, whole (the topic is compacted, so the latest record must say everything).
 * {@code kind} stays a string so that catalog can add kinds without a new event version.
 */
public record RewardUpserted(String rewardId, String name, String kind, long pointsCost, long stock,
        Integer perMemberLimit, String minTier, Instant validFrom, Instant validUntil) implements CatalogEvent {

    public static final String TYPE = "reward.upserted";

    public RewardUpserted {
        Checks.text(TYPE, "rewardId", rewardId);
        Checks.text(TYPE, "name", name);
        Checks.text(TYPE, "kind", kind);
        Checks.positive(TYPE, "pointsCost", pointsCost);
        Checks.nonNegative(TYPE, "stock", stock);
        if (perMemberLimit != null) {
            Checks.positive(TYPE, "perMemberLimit", perMemberLimit);
        }
        Checks.optionalText(TYPE, "minTier", minTier);
        if (validFrom != null && validUntil != null && !validFrom.isBefore(validUntil)) {
            throw new IllegalArgumentException(
                    TYPE + ": validFrom " + validFrom + " must be before validUntil " + validUntil);
        }
    }

    @Override
    public String type() {
        return TYPE;
    }
}
