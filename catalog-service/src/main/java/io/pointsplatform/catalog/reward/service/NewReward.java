package io.pointsplatform.catalog.reward.service;

import io.pointsplatform.events.Tier;
import java.time.Instant;

/** A reward to create, as the service takes it; the edge has checked its shape and bounds. */
public record NewReward(String rewardId, String name, RewardKind kind, long pointsCost, long stock,
                        Integer perMemberLimit, Tier minTier, Instant validFrom, Instant validUntil) {
}
