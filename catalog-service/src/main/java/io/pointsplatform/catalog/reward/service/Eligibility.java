package io.pointsplatform.catalog.reward.service;

import io.pointsplatform.catalog.reward.repository.Reward;
import io.pointsplatform.events.Account;
import io.pointsplatform.events.Tier;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether a member may redeem a reward now, and every reason why not, from catalog's own view of
 * the member. Advice for a list screen: the ledger still decides when points are held.
 */
public record Eligibility(boolean eligible, List<String> reasons) {

    public static Eligibility of(Reward reward, Account account, Instant now) {
        List<String> reasons = new ArrayList<>();
        if (reward.validFrom != null && now.isBefore(reward.validFrom)) {
            reasons.add("NOT_YET_VALID");
        }
        if (reward.validUntil != null && !now.isBefore(reward.validUntil)) {
            reasons.add("NO_LONGER_VALID");
        }
        if (reward.stock <= 0) {
            reasons.add("OUT_OF_STOCK");
        }
        Tier tier = account == null ? Tier.MEMBER : Tier.valueOf(account.tier());
        if (reward.minTier != null && tier.compareTo(Tier.valueOf(reward.minTier)) < 0) {
            reasons.add("TIER_TOO_LOW");
        }
        long available = account == null ? 0 : account.balance(now).available();
        if (available < reward.pointsCost) {
            reasons.add("INSUFFICIENT_POINTS");
        }
        return new Eligibility(reasons.isEmpty(), List.copyOf(reasons));
    }
}
