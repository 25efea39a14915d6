package io.pointsplatform.events;

/** A reward can no longer be redeemed. */
public record RewardRetired(String rewardId) implements CatalogEvent {

    public static final String TYPE = "reward.retired";

    public RewardRetired {
        Checks.text(TYPE, "rewardId", rewardId);
    }

    @Override
    public String type() {
        return TYPE;
    }
}
