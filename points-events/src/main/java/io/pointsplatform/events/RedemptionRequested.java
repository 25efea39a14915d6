package io.pointsplatform.events;

/** A redemption was recorded PENDING; the saga starts. */
public record RedemptionRequested(String redemptionId, String memberId, String rewardId, int quantity, long points)
        implements RedemptionEvent {

    public static final String TYPE = "redemption.requested";

    public RedemptionRequested {
        Checks.text(TYPE, "redemptionId", redemptionId);
        Checks.text(TYPE, "memberId", memberId);
        Checks.text(TYPE, "rewardId", rewardId);
        Checks.positive(TYPE, "quantity", quantity);
        Checks.positive(TYPE, "points", points);
    }

    @Override
    public String type() {
        return TYPE;
    }
}
