package io.pointsplatform.events;

import java.time.Duration;
import java.time.Instant;

/**
 * "Nothing expires without the member having been told in time" (ARCHITECTURE.md), as the ledger
 * decides it: a lot expires at {@code max(expiresAt, remindedAt + lastLead)}, where
 * {@code remindedAt} is when its last window's reminder (the shortest lead, 7 days by default) was
 * sent; a lot with no such reminder does not expire. Pure; the ledger writes what it decides
 * ({@link ExpiryDeferred}, {@link PointsExpired}), so replay applies it as written.
 */
public final class ExpiryRule {

    private ExpiryRule() {
    }

    /**
     * For a lot due at {@code now} ({@code expiresAt <= now}): null when it expires now, else the
     * expiresAt to defer it to, always after {@code now}. Not reminded yet ({@code remindedAt} null):
     * one lead from now, the soonest it could expire if the reminder were sent now; the ledger
     * defers it again then if the reminder is still missing.
     */
    public static Instant deferTo(Instant expiresAt, Instant remindedAt, Duration lastLead, Instant now) {
        Checks.present("expiry rule", "expiresAt", expiresAt);
        Checks.present("expiry rule", "now", now);
        if (lastLead == null || lastLead.isNegative() || lastLead.isZero()) {
            throw new IllegalArgumentException("expiry rule: lastLead must be > 0, was " + lastLead);
        }
        if (remindedAt == null) {
            return now.plus(lastLead);
        }
        Instant told = remindedAt.plus(lastLead);
        Instant earliest = told.isAfter(expiresAt) ? told : expiresAt;
        return now.isBefore(earliest) ? earliest : null;
    }
}
