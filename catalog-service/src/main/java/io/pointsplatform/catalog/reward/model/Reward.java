package io.pointsplatform.catalog.reward.model;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A reward as catalog keeps it. {@code stock} is what is left to reserve (null = unlimited; for a
 * COUPON, the codes not yet taken); {@code version} counts its changes and names their events.
 */
public record Reward(String rewardId, String name, RewardKind kind, long pointsCost, Long stock,
                     PerMemberLimit perMemberLimit, String minTier, Instant validFrom, Instant validUntil,
                     Visibility visibility, RewardStatus status, BigDecimal voucherValue, List<Prize> prizes,
                     String cause, long version, Instant createdAt, Instant updatedAt) {

    public Reward {
        prizes = prizes == null ? List.of() : List.copyOf(prizes);
    }

    /**
     * The same definition, as an admin wrote it (stock and prizes' stock included, but for a COUPON,
     * whose stock is its codes), whatever its version and times.
     */
    public boolean sameDefinition(Reward other) {
        return same(other, true);
    }

    /**
     * A create sent again ({@code wanted}) is this reward: the same definition, its stock levels and
     * status compared only while nothing has moved them since it was created (version 1). Once
     * reservations took stock or it was retired, the stock and status it was created with are not
     * known any more, and a repeat of the create is still the same reward.
     */
    public boolean sameCreation(Reward wanted) {
        return same(wanted, version == 1);
    }

    private boolean same(Reward other, boolean levels) {
        return name.equals(other.name) && kind == other.kind && pointsCost == other.pointsCost
                && (!levels || kind == RewardKind.COUPON || Objects.equals(stock, other.stock))
                && Objects.equals(perMemberLimit, other.perMemberLimit)
                && Objects.equals(minTier, other.minTier)
                && Objects.equals(validFrom, other.validFrom)
                && Objects.equals(validUntil, other.validUntil)
                && visibility == other.visibility && (!levels || status == other.status)
                && (voucherValue == null ? other.voucherValue == null
                    : other.voucherValue != null && voucherValue.compareTo(other.voucherValue) == 0)
                && samePrizes(prizes, other.prizes, levels) && Objects.equals(cause, other.cause);
    }

    private static boolean samePrizes(List<Prize> a, List<Prize> b, boolean levels) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            Prize x = a.get(i);
            Prize y = b.get(i);
            if (!x.prizeId().equals(y.prizeId()) || !x.name().equals(y.name()) || x.odds().compareTo(y.odds()) != 0
                    || levels && !Objects.equals(x.stock(), y.stock())) {
                return false;
            }
        }
        return true;
    }
}
