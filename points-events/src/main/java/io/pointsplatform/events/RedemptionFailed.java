package io.pointsplatform.events;

/** The saga ended without a reward; {@code code} is the problem code (OUT_OF_STOCK, INSUFFICIENT_POINTS, …). */
public record RedemptionFailed(String redemptionId, String memberId, String rewardId, String code, String reason)
        implements RedemptionEvent {

    public static final String TYPE = "redemption.failed";

    public RedemptionFailed {
        Checks.text(TYPE, "redemptionId", redemptionId);
        Checks.text(TYPE, "memberId", memberId);
        Checks.text(TYPE, "rewardId", rewardId);
        Checks.text(TYPE, "code", code);
    }

    @Override
    public String type() {
        return TYPE;
    }
}
