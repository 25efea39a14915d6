package io.pointsplatform.catalog.reward.rest;

import io.pointsplatform.catalog.reward.model.PerMemberLimit;
import io.pointsplatform.catalog.reward.model.Prize;
import io.pointsplatform.catalog.reward.model.RewardKind;
import io.pointsplatform.catalog.reward.model.Visibility;
import io.pointsplatform.catalog.reward.service.RewardSpec;
import io.pointsplatform.events.Tier;
import io.pointsplatform.kit.Identifiers;
import io.pointsplatform.kit.validation.Texts;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * {@code POST /api/v1/rewards} and {@code PUT /api/v1/rewards/{rewardId}}: a reward's whole
 * definition. Bounds keep points arithmetic far from overflow. On a PUT, rewardId may be left out
 * (the path names the reward) and a field left out is cleared: stock absent is unlimited.
 */
public record RewardRequest(
        @Pattern(regexp = Identifiers.ID_PATTERN, message = "must be 1-64 letters, digits or ._:-") String rewardId,
        @NotBlank @Size(max = 200) String name,
        @NotNull RewardKind kind,
        @Schema(description = "Points per unit (per draw for a LOTTERY); for a VOUCHER, voucherValue at the"
                + " configured rate (100 points a yuan) when left out")
        @Positive @Max(100_000_000) Long pointsCost,
        @Schema(description = "Units left to reserve; absent: unlimited. Not for a COUPON (its stock is its codes)")
        @PositiveOrZero @Max(1_000_000_000) Long stock,
        @Valid PerMemberLimit perMemberLimit,
        Tier minTier,
        Instant validFrom,
        Instant validUntil,
        @Schema(description = "PUBLIC (default) or HIDDEN: listed to admin, analyst and service only")
        Visibility visibility,
        @Schema(description = "VOUCHER only: its value in yuan, at most two decimals")
        @DecimalMin("0.01") @DecimalMax("1000000") @Digits(integer = 7, fraction = 2) BigDecimal voucherValue,
        @Schema(description = "LOTTERY only: the prize table, 1 to 50 prizes; the rest of 1 is no prize")
        @Size(max = 50) List<@Valid @NotNull Prize> prizes,
        @Schema(description = "DONATION only: the cause the points go to")
        @Size(min = 1, max = 200) @Pattern(regexp = Texts.NOT_BLANK, message = Texts.NOT_BLANK_MESSAGE) String cause) {

    /** The service's input: the service never reads a request type of the edge. */
    public RewardSpec toSpec(String id) {
        return new RewardSpec(id, name, kind, pointsCost, stock, perMemberLimit, minTier, validFrom, validUntil,
                visibility, voucherValue, prizes, cause);
    }
}
