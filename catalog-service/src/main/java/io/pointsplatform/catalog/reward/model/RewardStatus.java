package io.pointsplatform.catalog.reward.model;

/** A RETIRED reward can no longer be reserved or changed; its reservations still confirm, release and return. */
public enum RewardStatus {
    ACTIVE, RETIRED
}
