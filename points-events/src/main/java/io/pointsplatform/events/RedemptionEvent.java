package io.pointsplatform.events;

/** Events of the {@value Topics#REDEMPTIONS} topic: every transition of the redemption saga. */
public sealed interface RedemptionEvent extends EventData
        permits RedemptionRequested, RedemptionCompleted, RedemptionFailed, RedemptionCancelled {

    String memberId();

    String redemptionId();

    @Override
    default String key() {
        return memberId();
    }
}
