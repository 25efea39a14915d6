package io.pointsplatform.events;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * notification-service told a member, at {@code remindedAt}, that points of these lots expire: the
 * reminder of one window (an ISO-8601 period such as {@code P7D}, {@code leadSeconds} long) before
 * their expiry. The ledger records it per lot and never expires a lot earlier than
 * {@code remindedAt + leadSeconds} of its last window's reminder (docs/contract-extensions.md,
 * "Expiry reminders").
 */
public record ExpiryReminded(String memberId, String window, long leadSeconds, Instant remindedAt,
        List<RemindedLot> lots) implements NotificationEvent {

    public static final String TYPE = "expiry.reminded";

    public ExpiryReminded {
        Checks.text(TYPE, "memberId", memberId);
        Checks.text(TYPE, "window", window);
        Checks.positive(TYPE, "leadSeconds", leadSeconds);
        Checks.present(TYPE, "remindedAt", remindedAt);
        lots = Checks.elements(TYPE, "lots", lots);
        if (lots.isEmpty()) {
            throw new IllegalArgumentException(TYPE + ": lots must not be empty");
        }
        Set<String> seen = new HashSet<>();
        for (RemindedLot lot : lots) {
            if (!seen.add(lot.lotId())) {
                throw new IllegalArgumentException(TYPE + ": lot " + lot.lotId() + " is named twice");
            }
        }
    }

    @Override
    public String type() {
        return TYPE;
    }
}
