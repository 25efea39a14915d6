package io.pointsplatform.events;

/**
 * The saga ended without a reward; {@code code} is the problem code (OUT_OF_STOCK, INSUFFICIENT_POINTS, …);
 * {@code rewardName} the reward's name when catalog reserved it, or as catalog's refusal named it
 * (absent when catalog gave none, and in events written before it was added).
 */
public record RedemptionFailed(String redemptionId, String memberId, String rewardId, String code, String reason,
        String rewardName) implements RedemptionEvent {

    public static final String TYPE = "redemption.failed";

    public RedemptionFailed {
        Checks.text(TYPE, "redemptionId", redemptionId);
        Checks.text(TYPE, "memberId", memberId);
        Checks.text(TYPE, "rewardId", rewardId);
        Checks.text(TYPE, "code", code);
        Checks.optionalText(TYPE, "rewardName", rewardName);
    }

    public RedemptionFailed(String redemptionId, String memberId, String rewardId, String code, String reason) {
        this(redemptionId, memberId, rewardId, code, reason, null);
    }

    @Override
    public String type() {
        return TYPE;
    }
}
