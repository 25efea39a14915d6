package io.pointsplatform.events;

/** The member's tier moved, decided by the ledger from points earned in the qualifying window. */
public record TierChanged(String memberId, String from, String to, long qualifyingPoints) implements PointsEvent {

    public static final String TYPE = "tier.changed";

    public TierChanged {
        Checks.text(TYPE, "memberId", memberId);
        tier("from", from);
        tier("to", to);
        Checks.nonNegative(TYPE, "qualifyingPoints", qualifyingPoints);
    }

    /**
     * A tier's name as {@link Tier} names them (the names are the contract): until 2026-12-06 any text
     * was taken, and a {@code "gold"} made every later eligibility of the member a 500 in catalog.
     */
    private static void tier(String field, String name) {
        Checks.text(TYPE, field, name);
        for (Tier tier : Tier.values()) {
            if (tier.name().equals(name)) {
                return;
            }
        }
        throw new IllegalArgumentException(TYPE + ": " + field + " must be a tier (MEMBER, SILVER, GOLD, PLATINUM), was "
                + (name.length() > 40 ? name.substring(0, 40) + "…" : name));
    }

    @Override
    public String type() {
        return TYPE;
    }
}
