package io.pointsplatform.notification.notice.service;

import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.MemberEnrolled;
import io.pointsplatform.events.OriginKind;
import io.pointsplatform.events.PointsAdjusted;
import io.pointsplatform.events.PointsEarned;
import io.pointsplatform.events.PointsExpired;
import io.pointsplatform.events.PointsReturned;
import io.pointsplatform.events.PointsReversed;
import io.pointsplatform.events.PointsSpent;
import io.pointsplatform.events.RedemptionCancelled;
import io.pointsplatform.events.RedemptionCompleted;
import io.pointsplatform.events.RedemptionEvent;
import io.pointsplatform.events.RedemptionFailed;
import io.pointsplatform.events.ServiceHoldIds;
import io.pointsplatform.events.TierChanged;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a member is told about an event: its kind and the values its templates are filled with
 * (numbers as numbers, instants as ISO text under a name ending in {@code At}). Holds, releases
 * and requested redemptions are steps of a redemption, not news: the member hears about the spend,
 * the completion or the failure instead; a reversal that took nothing is not news either. Points a
 * redemption spends or gives back (the ledger's events with a {@code redemption:…} reference) are
 * told once, by the redemption's own completion, failure or cancellation, which name the points;
 * a payment's are told by the ledger's events, as it has no such event of its own (said to be a
 * payment at checkout, or its refund, by their {@code payment:…} reference). A redemption's
 * notice names the reward as it was called when reserved and what the member got (a coupon's code,
 * a draw's prize or that it won nothing, a donation's cause); events from before those were written
 * name the reward by its id, and the templates ask for the rest with {@code ??}.
 */
final class Messages {

    private Messages() {
    }

    static Optional<NoticeDraft> forEvent(CloudEvent event) {
        return Optional.ofNullable(switch (event.data()) {
            case MemberEnrolled e -> draft(event, e.memberId(), "name", e.name());
            case PointsEarned e -> earned(event, e);
            case PointsSpent e -> RedemptionEvent.isRedemptionReference(e.reference()) ? null
                    : draft(event, e.memberId(), "points", e.points(), "payment", payment(e.reference()));
            case PointsReturned e -> RedemptionEvent.isRedemptionReference(e.reference()) ? null
                    : draft(event, e.memberId(), "points", e.points(), "payment", payment(e.reference()));
            case PointsExpired e -> draft(event, e.memberId(), "points", e.points());
            case PointsReversed e -> reversal(event, e);
            case PointsAdjusted e -> draft(event, e.memberId(), "points", Math.abs(e.points()), "credit", e.points() > 0,
                    "reason", e.reason());
            case TierChanged e -> draft(event, e.memberId(), "from", e.from(), "to", e.to());
            case RedemptionCompleted e -> draft(event, e.memberId(), "redemptionId", e.redemptionId(),
                    "rewardId", e.rewardId(), "rewardName", e.rewardName(), "points", e.points(),
                    "voucherCode", e.voucherCode(), "kind", e.kind(), "couponCode", e.couponCode(),
                    "prizeName", e.prizeName(), "cause", e.cause());
            case RedemptionFailed e -> draft(event, e.memberId(), "redemptionId", e.redemptionId(),
                    "rewardId", e.rewardId(), "rewardName", e.rewardName(), "code", e.code());
            case RedemptionCancelled e -> draft(event, e.memberId(), "redemptionId", e.redemptionId(),
                    "rewardId", e.rewardId(), "rewardName", e.rewardName(), "points", e.points());
            default -> null;
        });
    }

    /**
     * A refund's reversal names all it takes back, what it could take now and what stays owed
     * ({@code owed}, only when some does), and what of the order's points had already expired, so
     * was not taken again ({@code alreadyExpired}, only when some had; a refund of nothing but
     * expired points takes nothing and is not told); a later settlement of that debt is told as such
     * ({@code settlement}), not as a second "taken back" of points the member already heard about.
     */
    private static NoticeDraft reversal(CloudEvent event, PointsReversed e) {
        if (e.debtSettled() > 0) {
            return draft(event, e.memberId(), "points", e.debtSettled(), "settlement", true);
        }
        if (e.points() + e.debt() == 0) {
            return null;
        }
        List<Object> params = new ArrayList<>(List.of("points", e.points() + e.debt(), "orderId", e.orderId()));
        if (e.refundId().startsWith(PointsReversed.TIER_BONUS_BACK)) {
            // The ledger took back the upgrade bonus of a tier the order's refund lowered.
            params.addAll(List.of("tierBonus", e.refundId().substring(PointsReversed.TIER_BONUS_BACK.length())));
        }
        if (e.debt() > 0) {
            params.addAll(List.of("owed", e.debt()));
        }
        if (e.alreadyExpired() > 0) {
            params.addAll(List.of("alreadyExpired", e.alreadyExpired()));
        }
        return draft(event, e.memberId(), params.toArray());
    }

    /**
     * A credit says what earned it ({@code origin}: an order by its id as {@code orderId}, else the
     * kind, a birthday gift say) and, when its points are pending past the event (an order's returns
     * window), when they become usable ({@code availableAt}): a member told only "you earned 120
     * points" tries to spend them at once and is refused. Notices from before carry neither, and read
     * as before.
     */
    private static NoticeDraft earned(CloudEvent event, PointsEarned e) {
        String orderId = e.origin().kind() == OriginKind.ORDER ? e.origin().ref() : null;
        String availableAt = e.availableAt().isAfter(event.time()) ? e.availableAt().toString() : null;
        return draft(event, e.memberId(), "points", e.points(), "expiresAt", e.expiresAt().toString(),
                "origin", e.origin().kind().name(), "orderId", orderId, "availableAt", availableAt);
    }

    /**
     * True for the points of a payment at checkout (a {@code payment:…} reference: its capture, or the
     * return of a refund), so its notice says so; else null (the template's {@code payment??}).
     */
    private static Boolean payment(String reference) {
        return reference != null && reference.startsWith(ServiceHoldIds.PAYMENT_PREFIX) ? Boolean.TRUE : null;
    }

    /** {@code namesAndValues}: name, value, name, value, …; a value may be null (the template asks {#if}). */
    private static NoticeDraft draft(CloudEvent event, String memberId, Object... namesAndValues) {
        Map<String, Object> params = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            params.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return new NoticeDraft(event.id(), memberId, event.type(), event.time(), params);
    }
}
