package io.pointsplatform.events;

import java.time.Instant;

/**
 * The ledger's decision that a lot does not expire at {@code scheduledAt} (its expiresAt until now)
 * but at {@code expiresAt}, later: its member was not reminded in time (docs/contract-extensions.md,
 * "Expiry reminders"). {@code remindedAt} is the last window's reminder the new time follows from,
 * absent when there is none yet (the lot waits for it). The fold moves the lot's expiresAt, so
 * that every view of the log keeps its points available until the ledger expires them.
 */
public record ExpiryDeferred(String memberId, String lotId, Instant scheduledAt, Instant expiresAt,
        Instant remindedAt) implements PointsEvent {

    public static final String TYPE = "expiry.deferred";

    public ExpiryDeferred {
        Checks.text(TYPE, "memberId", memberId);
        Checks.text(TYPE, "lotId", lotId);
        Checks.present(TYPE, "scheduledAt", scheduledAt);
        Checks.present(TYPE, "expiresAt", expiresAt);
        if (!expiresAt.isAfter(scheduledAt)) {
            throw new IllegalArgumentException(TYPE + ": expiresAt " + expiresAt + " must be after scheduledAt "
                    + scheduledAt);
        }
    }

    @Override
    public String type() {
        return TYPE;
    }
}
