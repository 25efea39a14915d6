package io.pointsplatform.redemption.redemption.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import io.pointsplatform.redemption.redemption.service.Redemption;
import java.math.BigDecimal;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A redemption as a client sees it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "Redemption", description = "A redemption and what came of it")
public record RedemptionView(
        String redemptionId, String memberId, String rewardId,
        @Schema(nullable = true, description = "The reward's name when catalog reserved it, as the member's receipt"
                + " shows it whatever the reward is renamed to later; when catalog refused at once, as its refusal"
                + " named it; absent when catalog gave none")
        String rewardName,
        int quantity,
        @Schema(enumeration = {"PENDING", "COMPLETED", "FAILED", "CANCELLING", "CANCELLED"}) String status,
        @Schema(nullable = true, description = "FAILED: why (OUT_OF_STOCK, INSUFFICIENT_POINTS, TOO_MANY_LOTS, POINTS_OVER_LIMIT, LIMIT_REACHED,"
                + " NOT_ELIGIBLE, NOT_FOUND, CATALOG_UNAVAILABLE, LEDGER_UNAVAILABLE, HOLD_EXPIRED, RESERVATION_EXPIRED…)")
        String code,
        @Schema(nullable = true, description = "A sentence for people, with the code") String reason,
        @Schema(nullable = true, enumeration = {"GIFT", "VOUCHER", "COUPON", "LOTTERY", "DONATION"}) String kind,
        @Schema(description = "Points taken for it (COMPLETED); 0 otherwise") long pointsSpent,
        @Schema(description = "Points given back by a cancel (CANCELLED); 0 otherwise") long pointsReturned,
        @Schema(nullable = true, description = "VOUCHER: the code a shop accepts once") String voucherCode,
        @Schema(nullable = true, description = "VOUCHER: what it is worth in yuan (quantity × the reward's voucherValue),"
                + " fixed when the redemption was priced, whatever the reward's value is set to later") BigDecimal voucherValue,
        @Schema(nullable = true, description = "COUPON: the imported code taken for it") String couponCode,
        @Schema(nullable = true, implementation = Object.class, description = "LOTTERY: {seed, prizeId, prizeName}; prizeId"
                + " null for a losing draw. Shown once the points are taken (COMPLETED, and after a cancel): a draw"
                + " seen while PENDING could be left unpaid by spending the points elsewhere first")
        @JsonRawValue String lottery,
        @Schema(nullable = true, implementation = Object.class, description = "DONATION: {cause, totalPoints}")
        @JsonRawValue String donation,
        Instant createdAt,
        @Schema(nullable = true) Instant completedAt,
        @Schema(nullable = true, description = "Until when a cancel is accepted; absent when never") Instant cancellableUntil,
        @Schema(nullable = true) Instant cancelledAt,
        @Schema(nullable = true) Instant voucherUsedAt,
        @Schema(nullable = true) String voucherOrderId) {

    static RedemptionView of(Redemption r, Instant cancellableUntil) {
        boolean completed = Redemption.COMPLETED.equals(r.status());
        return new RedemptionView(r.redemptionId(), r.memberId(), r.rewardId(), r.rewardName(), r.quantity(), r.status(),
                Redemption.FAILED.equals(r.status()) ? r.code() : null,
                Redemption.FAILED.equals(r.status()) ? r.reason()
                        : Redemption.PENDING.equals(r.status()) ? (r.waiting() != null ? r.waiting() : r.reason()) : null,
                r.kind(), completed || Redemption.CANCELLING.equals(r.status()) ? r.points() : 0,
                Redemption.CANCELLED.equals(r.status()) ? r.points() : 0,
                r.voucherCode(), "VOUCHER".equals(r.kind()) ? r.voucherValue() : null, r.couponCode(), completed || r.cancelledAt() != null || Redemption.CANCELLING.equals(r.status())
                        ? r.lottery() : null, r.donation(), r.createdAt(), r.completedAt(),
                completed && r.voucherUsedAt() == null ? cancellableUntil : null, r.cancelledAt(), r.voucherUsedAt(),
                r.voucherOrderId());
    }
}
