package io.pointsplatform.catalog.reward.service;

import io.pointsplatform.catalog.reward.model.Reward;
import io.pointsplatform.catalog.reward.model.RewardStatus;
import io.pointsplatform.events.Account;
import io.pointsplatform.events.Tier;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether a member may redeem one unit of a reward now, and every reason why not, from catalog's
 * own view of the member and its own reservation counts. Advice for a list screen: the ledger still
 * decides when points are held, and a reservation decides stock and limits.
 */
public record Eligibility(boolean eligible, List<String> reasons) {

    /** The reasons a reservation is refused with 422 NOT_ELIGIBLE (the rest have codes of their own). */
    public static List<String> refusals(Reward reward, Tier tier, Instant now) {
        List<String> reasons = new ArrayList<>();
        if (reward.status() == RewardStatus.RETIRED) {
            reasons.add("RETIRED");
        }
        if (reward.minTier() != null && tier.compareTo(Tier.valueOf(reward.minTier())) < 0) {
            reasons.add("TIER_TOO_LOW");
        }
        window(reward, now, reasons);
        return reasons;
    }

    /** {@code used}: the member's units of this reward in the limit's current period. */
    public static Eligibility of(Reward reward, Account account, long used, Instant now) {
        List<String> reasons = new ArrayList<>();
        long available = account == null ? 0 : account.balance(now).available();
        if (available < reward.pointsCost()) {
            reasons.add("INSUFFICIENT_POINTS");
        }
        Tier tier = account == null ? Tier.MEMBER : Tier.valueOf(account.tier());
        if (reward.minTier() != null && tier.compareTo(Tier.valueOf(reward.minTier())) < 0) {
            reasons.add("TIER_TOO_LOW");
        }
        if (reward.perMemberLimit() != null && used >= reward.perMemberLimit().count()) {
            reasons.add("LIMIT_REACHED");
        }
        if (reward.stock() != null && reward.stock() <= 0) {
            reasons.add("OUT_OF_STOCK");
        }
        window(reward, now, reasons);
        if (reward.status() == RewardStatus.RETIRED) {
            reasons.add("RETIRED");
        }
        return new Eligibility(reasons.isEmpty(), List.copyOf(reasons));
    }

    private static void window(Reward reward, Instant now, List<String> reasons) {
        if (reward.validFrom() != null && now.isBefore(reward.validFrom())) {
            reasons.add("NOT_STARTED");
        }
        if (reward.validUntil() != null && !now.isBefore(reward.validUntil())) {
            reasons.add("ENDED");
        }
    }
}
