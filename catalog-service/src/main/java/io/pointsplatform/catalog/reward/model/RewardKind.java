package io.pointsplatform.catalog.reward.service;

public enum RewardKind {
    GIFT, VOUCHER, COUPON, LOTTERY, DONATION
}
