package io.pointsplatform.events;

/** A redemption undone: {@code points} went back to the member, the stock to the catalog. */
public record RedemptionCancelled(String redemptionId, String memberId, String rewardId, long points)
        implements RedemptionEvent {

    public static final String TYPE = "redemption.cancelled";

    public RedemptionCancelled {
        Checks.text(TYPE, "redemptionId", redemptionId);
        Checks.text(TYPE, "memberId", memberId);
        Checks.text(TYPE, "rewardId", rewardId);
        Checks.nonNegative(TYPE, "points", points);
    }

    @Override
    public String type() {
        return TYPE;
    }
}
