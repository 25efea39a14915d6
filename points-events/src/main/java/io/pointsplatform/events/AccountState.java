package io.pointsplatform.events;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An {@link Account} as a value: every figure, every lot (emptied ones too, since a later credit
 * with the same lotId must still be refused) and every open hold. Lots are kept in lotId order and
 * holds in holdId order, so two states are equal exactly when the accounts are.
 *
 * <p>The compact constructor checks the account's invariants, so a snapshot read from a database
 * can be trusted as much as one folded from the log.
 */
public record AccountState(String memberId, String tier, long lifetimeEarned, long spent, long expired, long reversed,
        long debt, long adjustedIn, long adjustedOut, long reserved, List<Lot> lots,
        Map<String, List<Allocation>> holds) {

    public AccountState {
        String owner = "account state";
        // Each figure on its own, as AccountFigures checks them; then how they add up with the lots.
        new AccountFigures(memberId, tier, lifetimeEarned, spent, expired, reversed, debt, adjustedIn, adjustedOut,
                reserved);

        List<Lot> sorted = new ArrayList<>(Checks.elements(owner, "lots", lots));
        sorted.sort(Comparator.comparing(Lot::lotId));
        lots = List.copyOf(sorted);
        Map<String, Long> heldByLot = new HashMap<>();
        Map<String, List<Allocation>> holdsById = new TreeMap<>();
        long held = 0;
        for (Map.Entry<String, List<Allocation>> hold : Checks.present(owner, "holds", holds).entrySet()) {
            Checks.text(owner, "holdId", hold.getKey());
            List<Allocation> allocations = Checks.elements(owner, "hold " + hold.getKey(), hold.getValue());
            if (allocations.isEmpty()) {
                throw new IllegalArgumentException(owner + ": hold " + hold.getKey() + " holds nothing");
            }
            for (Allocation allocation : allocations) {
                held += allocation.points();
                heldByLot.merge(allocation.lotId(), allocation.points(), Long::sum);
            }
            holdsById.put(hold.getKey(), allocations);
        }
        holds = Collections.unmodifiableMap(holdsById);

        long credited = 0;
        long left = 0;
        String previous = null;
        for (Lot lot : lots) {
            if (lot.lotId().equals(previous)) {
                throw new IllegalArgumentException(owner + ": lot " + lot.lotId() + " appears twice");
            }
            previous = lot.lotId();
            credited += lot.points();
            left += lot.remaining();
            // Released holds go back to their lots, so a lot must have room for what is held from it.
            if (lot.remaining() + heldByLot.getOrDefault(lot.lotId(), 0L) > lot.points()) {
                throw new IllegalArgumentException(owner + ": lot " + lot.lotId() + " holds more than it was credited");
            }
            heldByLot.remove(lot.lotId());
        }
        if (!heldByLot.isEmpty()) {
            throw new IllegalArgumentException(owner + ": holds name unknown lots " + heldByLot.keySet());
        }
        if (held != reserved) {
            throw new IllegalArgumentException(owner + ": reserved " + reserved + " but holds add up to " + held);
        }
        if (credited != lifetimeEarned + adjustedIn) {
            throw new IllegalArgumentException(owner + ": lots were credited " + credited + " but earned + adjustedIn is "
                    + (lifetimeEarned + adjustedIn));
        }
        long accounted = left + reserved + spent + expired + reversed + adjustedOut;
        if (accounted != credited) {
            throw new IllegalArgumentException(owner + ": " + credited + " credited but " + accounted
                    + " accounted for (remaining + reserved + spent + expired + reversed + adjustedOut)");
        }
    }

    /** The state's figures, without its lots and holds. */
    public AccountFigures figures() {
        return new AccountFigures(memberId, tier, lifetimeEarned, spent, expired, reversed, debt, adjustedIn,
                adjustedOut, reserved);
    }
}
