package io.pointsplatform.catalog.reward.service;

import io.pointsplatform.catalog.reward.model.PerMemberLimit;
import io.pointsplatform.catalog.reward.model.Prize;
import io.pointsplatform.catalog.reward.model.RewardKind;
import io.pointsplatform.catalog.reward.model.Visibility;
import io.pointsplatform.events.Tier;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * A reward's definition as an admin writes it (create or change), the edge having checked shapes
 * and bounds; what depends on the kind is checked by {@link RewardService}. {@code pointsCost} may
 * be null for a VOUCHER (then its value at the configured rate); {@code stock} null is unlimited.
 */
public record RewardSpec(String rewardId, String name, RewardKind kind, Long pointsCost, Long stock,
                         PerMemberLimit perMemberLimit, Tier minTier, Instant validFrom, Instant validUntil,
                         Visibility visibility, BigDecimal voucherValue, List<Prize> prizes, String cause) {
}
