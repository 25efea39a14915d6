package io.pointsplatform.events;

import java.util.List;

/**
 * Points taken back, in one of two shapes.
 * <ul>
 * <li>A refund's reversal ({@code debtSettled == 0}): {@code points} are taken from lots now (the
 * allocations); {@code debt} is the part that was already spent and is recorded as owed. Either may
 * be zero, not both.</li>
 * <li>A debt settlement ({@code debtSettled > 0}, our extension to the contract): existing debt paid
 * off from a later lot, so {@code points == debtSettled}, the allocations name that lot and
 * {@code debt == 0}. orderId and refundId are optional here, since debt may come from several
 * refunds.</li>
 * </ul>
 * The fold never settles debt on its own: only these events move it, which keeps replay exact.
 */
public record PointsReversed(String memberId, String orderId, String refundId, long points,
        List<Allocation> allocations, long debt, long debtSettled) implements PointsEvent {

    public static final String TYPE = "points.reversed";

    public PointsReversed {
        Checks.text(TYPE, "memberId", memberId);
        Checks.nonNegative(TYPE, "points", points);
        Checks.nonNegative(TYPE, "debt", debt);
        Checks.nonNegative(TYPE, "debtSettled", debtSettled);
        allocations = Checks.allocations(TYPE, allocations, points);
        if (debtSettled == 0) {
            Checks.text(TYPE, "orderId", orderId);
            Checks.text(TYPE, "refundId", refundId);
            if (points == 0 && debt == 0) {
                throw new IllegalArgumentException(TYPE + ": points and debt are both 0; nothing is reversed");
            }
        } else {
            Checks.optionalText(TYPE, "orderId", orderId);
            Checks.optionalText(TYPE, "refundId", refundId);
            if (points != debtSettled || debt != 0) {
                throw new IllegalArgumentException(TYPE + ": a debt settlement takes exactly debtSettled ("
                        + debtSettled + ") from lots and records no new debt (points " + points + ", debt "
                        + debt + ")");
            }
        }
    }

    /** A refund's reversal, the common case. */
    public PointsReversed(String memberId, String orderId, String refundId, long points, List<Allocation> allocations,
            long debt) {
        this(memberId, orderId, refundId, points, allocations, debt, 0);
    }

    @Override
    public String type() {
        return TYPE;
    }
}
