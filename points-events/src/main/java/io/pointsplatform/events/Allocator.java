package io.pointsplatform.events;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which lots a debit takes, for the ledger's deciders. Pure: the same lots, points and instant give
 * the same plan. Lots are spent in {@link Lot#SPENDING_ORDER} (soonest to expire, then lotId), each
 * emptied before the next is touched, so members lose as little as possible to expiry.
 */
public final class Allocator {

    private Allocator() {
    }

    /** Takes {@code points} from the lots available at {@code now}; short when they hold too little. */
    public static AllocationPlan forDebit(Collection<Lot> lots, long points, Instant now) {
        Checks.positive("debit", "points", points);
        Checks.present("debit", "now", now);
        List<Lot> usable = new ArrayList<>();
        for (Lot lot : lots) {
            if (lot.remaining() > 0 && lot.isAvailable(now)) {
                usable.add(lot);
            }
        }
        usable.sort(Lot.SPENDING_ORDER);
        List<Allocation> allocations = new ArrayList<>();
        long left = takeInOrder(usable, points, null, allocations, Integer.MAX_VALUE);
        return new AllocationPlan(allocations, left);
    }

    /**
     * Takes a refund's points back: first from the order's own lot (still pending counts, and so does
     * a lot past its expiresAt that the expiry job has not emptied yet), since those are the points
     * the refund undoes; then what had already expired from that lot ({@code lapsed}, see
     * {@link #lapsedFromLot}) is not taken a second time: the member lost those points once already;
     * then from other lots with points left, in spending order: available ones and ones past their
     * expiresAt that no {@code points.expired} emptied yet (the soonest to expire, so first), then
     * ones still pending; what is still missing was already spent or is held, and becomes debt. So
     * debt is owed only while no lot holds a point (the account property checks it): nothing
     * settles debt when a pending lot becomes available, or when the ledger defers the expiry of a
     * lot whose reminder was not sent (until 2026-12-06 either lot became spendable while its member
     * still owed). Until 2026-12-06 too, a refund of an order whose points had expired took them
     * again from the member's other lots. What open holds hold of the order's lot is taken back by
     * moving them onto the other lots taken from ({@link ReversalPlan#holdsMoved()}).
     */
    public static ReversalPlan forReversal(Account account, String orderLotId, long points, long lapsed, Instant now) {
        return forReversal(account, orderLotId, points, lapsed, now, LotLimits.PER_EVENT);
    }

    /**
     * {@link #forReversal(Account, String, long, long, Instant)} taking from at most {@code maxLots}
     * lots: a refund cannot be refused, so what more lots would have given is owed as debt too, as
     * what was already spent is (paid from the next credits), and the reversal stays one event.
     */
    public static ReversalPlan forReversal(Account account, String orderLotId, long points, long lapsed, Instant now,
            int maxLots) {
        Checks.positive("reversal", "points", points);
        Checks.nonNegative("reversal", "lapsed", lapsed);
        Checks.positive("reversal", "maxLots", maxLots);
        Checks.present("reversal", "now", now);
        List<Allocation> allocations = new ArrayList<>();
        long left = points;
        Lot own = orderLotId == null ? null : account.lot(orderLotId);
        if (own != null && own.remaining() > 0) {
            long take = Math.min(left, own.remaining());
            allocations.add(new Allocation(own.lotId(), take));
            left -= take;
        }
        long alreadyExpired = own == null ? 0 : Math.min(left, lapsed);
        left -= alreadyExpired;
        if (left > 0) {
            // account.lots(): the lots with points left, in spending order.
            List<Lot> usable = new ArrayList<>();
            List<Lot> pending = new ArrayList<>();
            for (Lot lot : account.lots()) {
                (lot.isPending(now) ? pending : usable).add(lot);
            }
            usable.addAll(pending);
            left = takeInOrder(usable, left, own == null ? null : own.lotId(), allocations, maxLots);
        }
        int others = own != null && own.remaining() > 0 ? 1 : 0;
        List<HoldMove> moves = own == null ? List.of()
                : holdsMovedOff(account, own.lotId(), allocations.subList(others, allocations.size()));
        return new ReversalPlan(allocations, points - alreadyExpired - left, left, alreadyExpired, moves);
    }

    /**
     * The order's points that open holds took are the order's too, and the refund takes them back
     * before anything was spent of them: as much as it took from other lots ({@code others}, in the
     * order taken), up to what the holds hold from the order's lot, is moved so that those holds
     * hold it from the other lots instead. The holds in hold id order; the other lots from the last
     * taken (the latest to expire, or pending) back, so that what a release gives back is what the
     * member would have kept had the refund found nothing held: the soonest-expiring points pay
     * for what was spent of the order.
     */
    private static List<HoldMove> holdsMovedOff(Account account, String orderLotId, List<Allocation> others) {
        if (others.isEmpty()) {
            return List.of();
        }
        List<String> holdIds = new ArrayList<>();
        List<Long> held = new ArrayList<>();
        for (Map.Entry<String, List<Allocation>> hold : new java.util.TreeMap<>(account.holds()).entrySet()) {
            for (Allocation allocation : hold.getValue()) {
                if (allocation.lotId().equals(orderLotId)) {
                    holdIds.add(hold.getKey());
                    held.add(allocation.points());
                }
            }
        }
        List<HoldMove> moves = new ArrayList<>();
        int hold = 0;
        long holdLeft = held.isEmpty() ? 0 : held.getFirst();
        for (int lot = others.size() - 1; lot >= 0 && hold < holdIds.size(); lot--) {
            Allocation taken = others.get(lot);
            long lotLeft = taken.points();
            while (lotLeft > 0 && hold < holdIds.size()) {
                long move = Math.min(lotLeft, holdLeft);
                moves.add(new HoldMove(holdIds.get(hold), orderLotId, taken.lotId(), move));
                lotLeft -= move;
                holdLeft -= move;
                if (holdLeft == 0 && ++hold < holdIds.size()) {
                    holdLeft = held.get(hold);
                }
            }
        }
        return moves;
    }

    /**
     * The points of an order's lot that expired and no reversal of the order has counted yet as
     * already expired: what {@link #forReversal} must not take again. {@code history} is the
     * member's events in any order (only the {@code points.expired} naming the lot and the refund
     * reversals of {@code orderId} count). A lot can expire more than once (points a cancelled
     * redemption gave back to it after its expiry expire again), never more than it was credited.
     */
    public static long lapsedFromLot(String lotId, String orderId, Iterable<? extends PointsEvent> history) {
        long counted = 0;
        for (PointsEvent event : history) {
            if (event instanceof PointsReversed r && r.debtSettled() == 0 && r.orderId().equals(orderId)) {
                counted += r.alreadyExpired();
            }
        }
        return Math.max(0, expiredFromLot(lotId, history) - counted);
    }

    /**
     * Every point the {@code points.expired} events of {@code history} took from the lot: what a
     * take-back made once per lot (a tier's upgrade bonus) must not take again, as a refund does not
     * take again what expired of its order ({@link #lapsedFromLot}).
     */
    public static long expiredFromLot(String lotId, Iterable<? extends PointsEvent> history) {
        long expired = 0;
        for (PointsEvent event : history) {
            if (event instanceof PointsExpired e) {
                for (Allocation allocation : e.allocations()) {
                    if (allocation.lotId().equals(lotId)) {
                        expired += allocation.points();
                    }
                }
            }
        }
        return expired;
    }

    /**
     * Pays existing debt from a newly credited lot, as much as it holds: the same settlement as for
     * points given back ({@link #forDebtSettlement(Account, List)}), the lot's whole
     * remaining being what came in. Not covered when the lot is smaller than the debt: the rest
     * waits for the next credit.
     */
    public static AllocationPlan forDebtSettlement(Account account, String newLotId) {
        Lot lot = account.lot(newLotId);
        if (lot == null) {
            throw new IllegalArgumentException("debt settlement: account " + account.memberId() + " has no lot " + newLotId);
        }
        return forDebtSettlement(account,
                lot.remaining() == 0 ? List.of() : List.of(new Allocation(newLotId, lot.remaining())));
    }

    /**
     * Pays existing debt from points just given back to lots ({@code givenBack}: a released hold's
     * or a return's allocations, already folded into {@code account}): from each lot named, in
     * {@link Lot#SPENDING_ORDER} (the soonest to expire first, so the points left to the member are
     * the longest-lived), as much as came back to it and it still holds, until the debt is paid. A
     * lot past its expiresAt pays too: the ledger defers the expiry of a lot whose reminder was not
     * sent, so such points may yet be spendable, and leaving them would let a member spend while owing.
     * The shortfall is the debt still open. Without this, a member whose refund found its order's
     * points held (so recorded debt) got them back whole when the hold was released, free to spend.
     */
    public static AllocationPlan forDebtSettlement(Account account, List<Allocation> givenBack) {
        long left = account.debt();
        Map<String, Long> back = new HashMap<>();
        List<Lot> lots = new ArrayList<>();
        for (Allocation allocation : givenBack) {
            Lot lot = account.lot(allocation.lotId());
            if (lot == null) {
                throw new IllegalArgumentException("debt settlement: account " + account.memberId() + " has no lot "
                        + allocation.lotId());
            }
            if (!back.containsKey(lot.lotId())) {
                lots.add(lot);
            }
            back.merge(lot.lotId(), allocation.points(), Long::sum);
        }
        lots.sort(Lot.SPENDING_ORDER);
        List<Allocation> allocations = new ArrayList<>();
        for (Lot lot : lots) {
            if (left == 0) {
                break;
            }
            long take = Math.min(left, Math.min(back.get(lot.lotId()), lot.remaining()));
            if (take > 0) {
                allocations.add(new Allocation(lot.lotId(), take));
                left -= take;
            }
        }
        return new AllocationPlan(allocations, left);
    }

    /** Everything left in lots whose expiresAt has passed, oldest first. */
    public static List<Allocation> forExpiry(Account account, Instant now) {
        Checks.present("expiry", "now", now);
        List<Allocation> allocations = new ArrayList<>();
        for (Lot lot : account.lotsDueForExpiry(now)) {
            allocations.add(new Allocation(lot.lotId(), lot.remaining()));
        }
        return List.copyOf(allocations);
    }

    /**
     * Gives back {@code points} of a captured hold: to the lots its capture took them from
     * ({@code captured}, the {@code points.spent}'s allocations), less what earlier returns of the
     * same hold gave back ({@code returnedBefore}, their allocations together), the latest-expiring
     * lots first (the reverse of {@link Lot#SPENDING_ORDER}), so that what stays spent is what would
     * have expired soonest. Short by what exceeds the points not yet returned. Every lot captured
     * must be one of {@code account}'s, emptied or not.
     */
    public static AllocationPlan forReturn(Account account, List<Allocation> captured, List<Allocation> returnedBefore,
            long points) {
        Checks.positive("return", "points", points);
        Map<String, Long> given = new HashMap<>();
        for (Allocation allocation : returnedBefore) {
            given.merge(allocation.lotId(), allocation.points(), Long::sum);
        }
        List<Lot> lots = new ArrayList<>(captured.size());
        Map<String, Long> returnable = new HashMap<>();
        for (Allocation allocation : captured) {
            Lot lot = account.lot(allocation.lotId());
            if (lot == null) {
                throw new IllegalArgumentException("return: account " + account.memberId() + " has no lot "
                        + allocation.lotId());
            }
            long left = allocation.points() - given.getOrDefault(allocation.lotId(), 0L);
            if (left > 0) {
                lots.add(lot);
                returnable.put(lot.lotId(), left);
            }
        }
        lots.sort(Lot.SPENDING_ORDER.reversed());
        List<Allocation> allocations = new ArrayList<>();
        long left = points;
        for (Lot lot : lots) {
            if (left == 0) {
                break;
            }
            long give = Math.min(left, returnable.get(lot.lotId()));
            allocations.add(new Allocation(lot.lotId(), give));
            left -= give;
        }
        return new AllocationPlan(allocations, left);
    }

    /**
     * Lots must already be in spending order; stops when {@code into} holds {@code maxLots}
     * allocations; returns what is still missing.
     */
    private static long takeInOrder(List<Lot> ordered, long points, String skipLotId, List<Allocation> into,
            int maxLots) {
        long left = points;
        for (Lot lot : ordered) {
            if (left == 0 || into.size() >= maxLots) {
                break;
            }
            if (lot.lotId().equals(skipLotId)) {
                continue;
            }
            long take = Math.min(left, lot.remaining());
            into.add(new Allocation(lot.lotId(), take));
            left -= take;
        }
        return left;
    }
}
