package io.pointsplatform.catalog.reward.rest;

import io.pointsplatform.catalog.reward.service.NewReward;
import io.pointsplatform.catalog.reward.service.RewardKind;
import io.pointsplatform.events.Tier;
import io.pointsplatform.kit.Identifiers;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.time.Instant;

/** {@code POST /api/v1/rewards}: a reward and its stock. Bounds keep points arithmetic far from overflow. */
public record RewardRequest(
        @NotNull @Pattern(regexp = Identifiers.ID_PATTERN, message = "must be 1-64 letters, digits or ._:-") String rewardId,
        @NotBlank @Size(max = 200) String name,
        @NotNull RewardKind kind,
        @Positive @Max(100_000_000) long pointsCost,
        @PositiveOrZero @Max(1_000_000_000) long stock,
        @Positive @Max(10_000) Integer perMemberLimit,
        Tier minTier,
        Instant validFrom,
        Instant validUntil) {

    /** The service's input: the service never reads a request type of the edge. */
    public NewReward toNewReward() {
        return new NewReward(rewardId, name, kind, pointsCost, stock, perMemberLimit, minTier, validFrom, validUntil);
    }
}
