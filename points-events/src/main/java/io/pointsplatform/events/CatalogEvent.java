package io.pointsplatform.events;

/** Events of the compacted {@value Topics#CATALOG_REWARDS} topic, keyed by reward. */
public sealed interface CatalogEvent extends EventData permits RewardUpserted, RewardRetired, StockChanged {

    String rewardId();

    @Override
    default String key() {
        return rewardId();
    }
}
