package io.pointsplatform.events;

/**
 * A redemption was recorded PENDING; the saga starts. {@code points} is 0 when the request is
 * recorded before catalog has priced it (redemption-service reserves stock after this event; the
 * price is the reservation's): the points spent are in {@code redemption.completed}.
 */
public record RedemptionRequested(String redemptionId, String memberId, String rewardId, int quantity, long points)
        implements RedemptionEvent {

    public static final String TYPE = "redemption.requested";

    public RedemptionRequested {
        Checks.text(TYPE, "redemptionId", redemptionId);
        Checks.text(TYPE, "memberId", memberId);
        Checks.text(TYPE, "rewardId", rewardId);
        Checks.positive(TYPE, "quantity", quantity);
        Checks.nonNegative(TYPE, "points", points);
    }

    @Override
    public String type() {
        return TYPE;
    }
}
