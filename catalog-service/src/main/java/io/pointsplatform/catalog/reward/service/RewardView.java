package io.pointsplatform.catalog.reward.service;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.pointsplatform.catalog.reward.repository.Reward;
import java.time.Instant;

/** A reward as clients see it; {@code eligibility} only when asked for a member. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RewardView(String rewardId, String name, String kind, long pointsCost, long stock,
                         Integer perMemberLimit, String minTier, Instant validFrom, Instant validUntil,
                         Eligibility eligibility, @JsonIgnore boolean created) {

    static RewardView of(Reward r, Eligibility eligibility, boolean created) {
        return new RewardView(r.rewardId, r.name, r.kind, r.pointsCost, r.stock, r.perMemberLimit, r.minTier,
                r.validFrom, r.validUntil, eligibility, created);
    }
}
