package io.pointsplatform.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Points taken back, in one of two shapes.
 * <ul>
 * <li>A refund's reversal ({@code debtSettled == 0}): {@code points} are taken from lots now (the
 * allocations); {@code debt} is the part that was already spent and is recorded as owed;
 * {@code alreadyExpired} (our extension, 0 when absent) is the part that had already expired from
 * the order's lot, so is not taken a second time. The refund asked for the three together; not all
 * may be zero.</li>
 * <li>A debt settlement ({@code debtSettled > 0}, our extension to the contract): existing debt paid
 * off from a later lot, so {@code points == debtSettled}, the allocations name that lot and
 * {@code debt == 0} and {@code alreadyExpired == 0}. orderId and refundId are optional here, since
 * debt may come from several refunds.</li>
 * </ul>
 * The fold never settles debt on its own: only these events move it, which keeps replay exact.
 * {@code alreadyExpired} moves nothing in the fold: it records why the refund took less.
 *
 * <p>{@code holdsMoved} (our extension, empty when absent; a refund's reversal only): open holds
 * that took points from the order's lot now hold as many from lots this reversal takes from (each
 * {@link HoldMove#toLotId()} is one of the allocations' lots, and the moves into a lot add up to at
 * most what the reversal takes from it). Those allocations are then what the holds hold instead of
 * the order's held points, which the refund takes back: the figures move exactly as without the
 * moves, only the holds name other lots, so a release gives the points back to the lots they came
 * from, with their expiry dates, not to the refunded order's lot (until 2026-12-08 it did).
 */
public record PointsReversed(String memberId, String orderId, String refundId, long points,
        List<Allocation> allocations, long debt, long debtSettled, long alreadyExpired,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<HoldMove> holdsMoved) implements PointsEvent {

    public static final String TYPE = "points.reversed";

    /**
     * How the ledger's own settlements of debt name themselves in their event id, in place of a
     * refund's id ({@code points.reversed:<member>:settle:<lotId>}, {@code …settle-release:<holdId>},
     * {@code …settle-return:<returnId>}). A refund's id must not begin so: the two would share one
     * event id, and the later decision would meet the earlier as "already decided".
     */
    public static final String SETTLE_CREDIT = "settle:";
    public static final String SETTLE_RELEASE = "settle-release:";
    public static final String SETTLE_RETURN = "settle-return:";
    /**
     * How the ledger names its take-back of a tier's upgrade bonus when a refund lowers the tier
     * below it, in place of a refund's id ({@code points.reversed:<member>:tier-bonus:<TIER>}).
     */
    public static final String TIER_BONUS_BACK = "tier-bonus:";

    /** Why a refund's id that {@link #isSettlementName} is refused, for the caller (400, field refundId). */
    public static final String OWN_NAMES_REFUSAL = "must not begin with " + SETTLE_CREDIT + ", " + SETTLE_RELEASE
            + ", " + SETTLE_RETURN + " or " + TIER_BONUS_BACK + " (the ledger's own reversals are named so)";

    /** Whether a refund's id would take the name of one of the ledger's own reversals ({@link #SETTLE_CREDIT} and the others). */
    public static boolean isSettlementName(String refundId) {
        return refundId.startsWith(SETTLE_CREDIT) || refundId.startsWith(SETTLE_RELEASE)
                || refundId.startsWith(SETTLE_RETURN) || refundId.startsWith(TIER_BONUS_BACK);
    }

    public PointsReversed {
        Checks.text(TYPE, "memberId", memberId);
        Checks.nonNegative(TYPE, "points", points);
        Checks.nonNegative(TYPE, "debt", debt);
        Checks.nonNegative(TYPE, "debtSettled", debtSettled);
        Checks.nonNegative(TYPE, "alreadyExpired", alreadyExpired);
        allocations = Checks.allocations(TYPE, allocations, points);
        holdsMoved = holdsMoved == null ? List.of() : Checks.elements(TYPE, "holdsMoved", holdsMoved);
        if (!holdsMoved.isEmpty()) {
            if (debtSettled > 0) {
                throw new IllegalArgumentException(TYPE + ": a debt settlement moves no hold");
            }
            checkMoves(allocations, holdsMoved);
        }
        if (debtSettled == 0) {
            Checks.text(TYPE, "orderId", orderId);
            Checks.text(TYPE, "refundId", refundId);
            if (points == 0 && debt == 0 && alreadyExpired == 0) {
                throw new IllegalArgumentException(TYPE + ": points, debt and alreadyExpired are all 0; nothing is"
                        + " reversed");
            }
        } else {
            Checks.optionalText(TYPE, "orderId", orderId);
            Checks.optionalText(TYPE, "refundId", refundId);
            if (points != debtSettled || debt != 0 || alreadyExpired != 0) {
                throw new IllegalArgumentException(TYPE + ": a debt settlement takes exactly debtSettled ("
                        + debtSettled + ") from lots and records no new debt (points " + points + ", debt "
                        + debt + ", alreadyExpired " + alreadyExpired + ")");
            }
        }
    }

    /**
     * Each move goes into a lot the allocations take from, no more in all than they take from it,
     * and names its hold and two lots once.
     */
    private static void checkMoves(List<Allocation> allocations, List<HoldMove> moves) {
        Map<String, Long> room = new HashMap<>();
        for (Allocation allocation : allocations) {
            room.put(allocation.lotId(), allocation.points());
        }
        Set<List<String>> named = new HashSet<>();
        for (HoldMove move : moves) {
            Long left = room.get(move.toLotId());
            if (left == null) {
                throw new IllegalArgumentException(TYPE + ": holdsMoved move hold " + move.holdId() + " to lot "
                        + move.toLotId() + ", which the allocations do not take from");
            }
            if (move.points() > left) {
                throw new IllegalArgumentException(TYPE + ": holdsMoved move more into lot " + move.toLotId()
                        + " than the allocations take from it");
            }
            room.put(move.toLotId(), left - move.points());
            if (!named.add(List.of(move.holdId(), move.fromLotId(), move.toLotId()))) {
                throw new IllegalArgumentException(TYPE + ": holdsMoved name hold " + move.holdId() + " from lot "
                        + move.fromLotId() + " to lot " + move.toLotId() + " twice");
            }
        }
    }

    /** A refund's reversal, or a debt settlement, moving no hold. */
    public PointsReversed(String memberId, String orderId, String refundId, long points, List<Allocation> allocations,
            long debt, long debtSettled, long alreadyExpired) {
        this(memberId, orderId, refundId, points, allocations, debt, debtSettled, alreadyExpired, List.of());
    }

    /** A refund's reversal as the ledger planned it ({@link Allocator#forReversal}). */
    public static PointsReversed refund(String memberId, String orderId, String refundId, ReversalPlan plan) {
        return new PointsReversed(memberId, orderId, refundId, plan.taken(), plan.allocations(), plan.debt(), 0,
                plan.alreadyExpired(), plan.holdsMoved());
    }

    /** A refund's reversal, the common case. */
    public PointsReversed(String memberId, String orderId, String refundId, long points, List<Allocation> allocations,
            long debt) {
        this(memberId, orderId, refundId, points, allocations, debt, 0, 0);
    }

    /** A refund's reversal (debtSettled 0) or a debt settlement, with nothing already expired. */
    public PointsReversed(String memberId, String orderId, String refundId, long points, List<Allocation> allocations,
            long debt, long debtSettled) {
        this(memberId, orderId, refundId, points, allocations, debt, debtSettled, 0);
    }

    /** What the refund asked back: taken, owed and already expired together (0 for a settlement). */
    public long asked() {
        return debtSettled > 0 ? 0 : points + debt + alreadyExpired;
    }

    @Override
    public String type() {
        return TYPE;
    }
}
