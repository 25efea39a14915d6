package io.pointsplatform.events;

/**
 * A redemption undone: {@code points} went back to the member, the stock to the catalog;
 * {@code rewardName} the reward's name when it was reserved (absent in events written before it was added).
 */
public record RedemptionCancelled(String redemptionId, String memberId, String rewardId, long points,
        String rewardName) implements RedemptionEvent {

    public static final String TYPE = "redemption.cancelled";

    public RedemptionCancelled {
        Checks.text(TYPE, "redemptionId", redemptionId);
        Checks.text(TYPE, "memberId", memberId);
        Checks.text(TYPE, "rewardId", rewardId);
        Checks.nonNegative(TYPE, "points", points);
        Checks.optionalText(TYPE, "rewardName", rewardName);
    }

    public RedemptionCancelled(String redemptionId, String memberId, String rewardId, long points) {
        this(redemptionId, memberId, rewardId, points, null);
    }

    @Override
    public String type() {
        return TYPE;
    }
}
