package io.pointsplatform.events;

/** Why a hold gave its points back. */
public enum ReleaseReason {
    CANCELLED, EXPIRED, FAILED
}
