package io.pointsplatform.earning.campaign.service;

import io.pointsplatform.events.Tier;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * A campaign: a multiplier on the base points of the lines it covers while {@code startsAt <= paidAt
 * < endsAt}, optionally only for a category, a SKU or members of at least {@code minTier}; with a
 * budget, it stops once it has awarded {@code budget} points.
 */
public record Campaign(String campaignId, String name, BigDecimal multiplier, Instant startsAt, Instant endsAt,
                       String category, String sku, Tier minTier, Long budget, long spent, boolean active,
                       Instant updatedAt) {

    public boolean covers(Instant paidAt) {
        return !paidAt.isBefore(startsAt) && paidAt.isBefore(endsAt);
    }
}
