package io.pointsplatform.catalog.reward.service;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.pointsplatform.catalog.reward.model.PerMemberLimit;
import io.pointsplatform.catalog.reward.model.Prize;
import io.pointsplatform.catalog.reward.model.Reward;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A reward as clients see it. {@code stock} is what is left to reserve, null when unlimited (for a
 * COUPON, the codes not yet taken); {@code donation} only for a DONATION, {@code eligibility} only
 * when asked for a member.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RewardView(String rewardId, String name, String kind, long pointsCost,
                         @JsonInclude(JsonInclude.Include.ALWAYS)
                         @Schema(nullable = true, description = "Units left to reserve; null: unlimited") Long stock,
                         PerMemberLimit perMemberLimit, String minTier, Instant validFrom, Instant validUntil,
                         String visibility, String status, BigDecimal voucherValue, List<Prize> prizes, String cause,
                         Donation donation, Eligibility eligibility,
                         @Schema(description = "Moves at every change of the reward, its stock's included: send it as"
                                 + " If-Match (\"7\") with a PUT or a retire to refuse a change to a reward that"
                                 + " moved since it was read (412 VERSION_MISMATCH)") long version,
                         @JsonIgnore boolean created) {

    /** The running total given to a DONATION's cause (confirmed donations, less returned ones). */
    public record Donation(String cause, long totalPoints) {
    }

    static RewardView of(Reward r, Long donated, Eligibility eligibility, boolean created) {
        return new RewardView(r.rewardId(), r.name(), r.kind().name(), r.pointsCost(), r.stock(), r.perMemberLimit(),
                r.minTier(), r.validFrom(), r.validUntil(), r.visibility().name(), r.status().name(), r.voucherValue(),
                r.prizes().isEmpty() ? null : r.prizes(), r.cause(),
                r.cause() == null ? null : new Donation(r.cause(), donated == null ? 0 : donated),
                eligibility, r.version(), created);
    }
}
