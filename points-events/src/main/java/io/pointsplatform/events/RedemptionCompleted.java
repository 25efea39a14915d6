package io.pointsplatform.events;

/**
 * Points captured and stock confirmed. What the member got, for its notices and receipts (each
 * absent in events written before it was added, and where it does not apply): {@code rewardName},
 * the reward's name when it was reserved; {@code kind}, the reward's kind; {@code voucherCode} a
 * VOUCHER's code; {@code couponCode} a COUPON's code; {@code prizeName} the prize a LOTTERY's draw
 * won (absent for a draw that won nothing); {@code cause} what a DONATION's points went to.
 */
public record RedemptionCompleted(String redemptionId, String memberId, String rewardId, long points,
        String voucherCode, String rewardName, String kind, String couponCode, String prizeName, String cause)
        implements RedemptionEvent {

    public static final String TYPE = "redemption.completed";

    public RedemptionCompleted {
        Checks.text(TYPE, "redemptionId", redemptionId);
        Checks.text(TYPE, "memberId", memberId);
        Checks.text(TYPE, "rewardId", rewardId);
        Checks.positive(TYPE, "points", points);
        Checks.optionalText(TYPE, "voucherCode", voucherCode);
        Checks.optionalText(TYPE, "rewardName", rewardName);
        Checks.optionalText(TYPE, "kind", kind);
        Checks.optionalText(TYPE, "couponCode", couponCode);
        Checks.optionalText(TYPE, "prizeName", prizeName);
        Checks.optionalText(TYPE, "cause", cause);
    }

    /** The fields of version 1 only (tests, and events that name nothing more). */
    public RedemptionCompleted(String redemptionId, String memberId, String rewardId, long points, String voucherCode) {
        this(redemptionId, memberId, rewardId, points, voucherCode, null, null, null, null, null);
    }

    @Override
    public String type() {
        return TYPE;
    }
}
