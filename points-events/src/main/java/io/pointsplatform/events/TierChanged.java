package io.pointsplatform.events;

/** The member's tier moved, decided by the ledger from points earned in the qualifying window. */
public record TierChanged(String memberId, String from, String to, long qualifyingPoints) implements PointsEvent {

    public static final String TYPE = "tier.changed";

    public TierChanged {
        Checks.text(TYPE, "memberId", memberId);
        Checks.text(TYPE, "from", from);
        Checks.text(TYPE, "to", to);
        Checks.nonNegative(TYPE, "qualifyingPoints", qualifyingPoints);
    }

    @Override
    public String type() {
        return TYPE;
    }
}
