package io.pointsplatform.events;

import java.util.List;
import java.util.Map;

/**
 * An {@link Account}'s figures without its lots and holds: what a store that keeps lots and holds
 * as rows of their own keeps in the account's row. Each figure is checked on its own; how they add
 * up with the lots is {@link AccountState}'s to check, which sees them all.
 */
public record AccountFigures(String memberId, String tier, long lifetimeEarned, long spent, long expired,
        long reversed, long debt, long adjustedIn, long adjustedOut, long reserved) {

    public AccountFigures {
        String owner = "account figures";
        Checks.text(owner, "memberId", memberId);
        Checks.text(owner, "tier", tier);
        Checks.nonNegative(owner, "lifetimeEarned", lifetimeEarned);
        Checks.nonNegative(owner, "spent", spent);
        Checks.nonNegative(owner, "expired", expired);
        Checks.nonNegative(owner, "reversed", reversed);
        Checks.nonNegative(owner, "debt", debt);
        Checks.nonNegative(owner, "adjustedIn", adjustedIn);
        Checks.nonNegative(owner, "adjustedOut", adjustedOut);
        Checks.nonNegative(owner, "reserved", reserved);
    }

    /** The whole account's state: these figures with every lot (emptied ones too) and every open hold. */
    public AccountState with(List<Lot> lots, Map<String, List<Allocation>> holds) {
        return new AccountState(memberId, tier, lifetimeEarned, spent, expired, reversed, debt, adjustedIn,
                adjustedOut, reserved, lots, holds);
    }
}
