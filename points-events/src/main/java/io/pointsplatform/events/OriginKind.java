package io.pointsplatform.events;

/** Why a lot was earned. */
public enum OriginKind {
    ORDER, SIGNUP, REFERRAL, BIRTHDAY, CHECKIN, CAMPAIGN, TIER_BONUS, ACTIVITY
}
