package io.pointsplatform.events;

/**
 * Membership tiers, lowest first: the order is the ranking ({@code compareTo} says which is higher).
 * Thresholds live with the ledger's configuration; the names are the contract.
 */
public enum Tier {
    MEMBER, SILVER, GOLD, PLATINUM;

    public boolean atLeast(Tier other) {
        return compareTo(other) >= 0;
    }
}
