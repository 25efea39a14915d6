package io.pointsplatform.catalog.reward.model;

/** What a reward gives: each kind has its own fields and its own part at confirm and return. */
public enum RewardKind {
    GIFT, VOUCHER, COUPON, LOTTERY, DONATION
}
