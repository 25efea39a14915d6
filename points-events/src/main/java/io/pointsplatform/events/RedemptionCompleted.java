package io.pointsplatform.events;

/** Points captured and stock confirmed; a voucher code when the reward is a voucher. */
public record RedemptionCompleted(String redemptionId, String memberId, String rewardId, long points,
        String voucherCode) implements RedemptionEvent {

    public static final String TYPE = "redemption.completed";

    public RedemptionCompleted {
        Checks.text(TYPE, "redemptionId", redemptionId);
        Checks.text(TYPE, "memberId", memberId);
        Checks.text(TYPE, "rewardId", rewardId);
        Checks.positive(TYPE, "points", points);
        Checks.optionalText(TYPE, "voucherCode", voucherCode);
    }

    @Override
    public String type() {
        return TYPE;
    }
}
