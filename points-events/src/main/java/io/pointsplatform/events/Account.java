package io.pointsplatform.events;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One member's points, folded from {@value Topics#POINTS_LEDGER}. Mutable and not thread-safe: a
 * rebuild folds millions of events, so {@link #apply(PointsEvent)} only does arithmetic on lots it
 * finds by id, applying each debit's allocations exactly as written.
 *
 * <p>Invariants: no lot's remaining goes below zero or above what it was credited; {@code spent} never
 * goes below zero (a {@code points.returned} gives back only what was spent); every open hold
 * names lots of this account; and {@code lifetimeEarned + adjustedIn == sum(remaining) + reserved +
 * spent + expired + reversed + adjustedOut}. An event that would break one is refused with an
 * {@link InvariantViolation} before anything changes.
 */
public final class Account {

    /** Every member starts here; only {@code tier.changed} moves it. */
    public static final String INITIAL_TIER = "MEMBER";

    /** A lot's mutable part lives here so that a debit touches no allocator. */
    private static final class LotState {
        final String lotId;
        final long points;
        final Instant availableAt;
        // Moved later only by an expiry.deferred, which forgets the lot's snapshot text.
        Instant expiresAt;
        final OriginKind origin;
        // Changed only through add(), which forgets the lot's snapshot text.
        private long remaining;
        // The lot's object in a snapshot, as UTF-8, kept until the lot changes (AccountSnapshots).
        byte[] text;

        LotState(String lotId, long points, long remaining, Instant availableAt, Instant expiresAt, OriginKind origin) {
            this.lotId = lotId;
            this.points = points;
            this.remaining = remaining;
            this.availableAt = availableAt;
            this.expiresAt = expiresAt;
            this.origin = origin;
        }

        void add(long delta) {
            remaining += delta;
            text = null;
        }

        Lot toLot() {
            return new Lot(lotId, points, remaining, availableAt, expiresAt, origin);
        }
    }

    private final String memberId;
    private String tier = INITIAL_TIER;
    private long lifetimeEarned;
    private long spent;
    private long expired;
    private long reversed;
    private long debt;
    private long adjustedIn;
    private long adjustedOut;
    private long reserved;
    private final Map<String, LotState> lots = new HashMap<>();
    // The same lots in lot id order (the order of AccountState.lots()), each put in its place when
    // it is made, so that a snapshot sorts nothing.
    private final List<LotState> byId = new ArrayList<>();
    private final Map<String, List<Allocation>> holds = new HashMap<>();
    // Events applied since this object was made, restored or marked (markSnapshot): how far it is
    // ahead of the last snapshot written of it. No part of its state.
    private int sinceSnapshot;
    // The soonest expiry of the lots with points left (null: none), kept as events apply instead of
    // looked for among every lot at every save: a credit, or points given back to a lot, can only
    // bring it nearer; a lot emptied that expires then makes it unknown until next asked. Not part
    // of the state either: always what nextExpiry() would find among the lots.
    private Instant nextExpiry;
    private boolean nextExpiryKnown = true;

    public Account(String memberId) {
        this.memberId = Checks.text("account", "memberId", memberId);
    }

    /** The account a snapshot describes (its invariants were checked when it was made). */
    public static Account restore(AccountState state) {
        Account account = figures(state.figures());
        account.putLots(state.lots());
        account.holds.putAll(state.holds());
        return account;
    }

    /**
     * A part of an account, for a store that keeps lots and holds as rows: its figures, and only
     * the lots and open holds that the events to be applied name ({@link #lotsNamedBy},
     * {@link #holdsNamedBy}), whatever their state, and for a {@code points.returned} the open holds
     * that take from the lots it names (a return must leave room in a lot for them; without them
     * the part checks only the lot's credited points). {@link #apply} then does exactly what it does on
     * the whole account, refusals included, since it touches nothing else: a lot or hold left out is
     * taken as never credited or not open. What the part says of lots it was not given
     * ({@link #balance}, {@link #lots}, ...) covers only the lots it was given; with every lot that
     * has points left it says what the whole account says.
     */
    public static Account restorePart(AccountFigures figures, Collection<Lot> someLots,
            Map<String, List<Allocation>> someHolds) {
        Account account = figures(figures);
        account.putLots(someLots);
        for (Map.Entry<String, List<Allocation>> hold : someHolds.entrySet()) {
            if (hold.getValue() == null || hold.getValue().isEmpty()) {
                throw new IllegalArgumentException("account " + figures.memberId() + ": hold " + hold.getKey()
                        + " holds nothing");
            }
            account.holds.put(Checks.text("account", "holdId", hold.getKey()), List.copyOf(hold.getValue()));
        }
        return account;
    }

    private static Account figures(AccountFigures figures) {
        Account account = new Account(figures.memberId());
        account.tier = figures.tier();
        account.lifetimeEarned = figures.lifetimeEarned();
        account.spent = figures.spent();
        account.expired = figures.expired();
        account.reversed = figures.reversed();
        account.debt = figures.debt();
        account.adjustedIn = figures.adjustedIn();
        account.adjustedOut = figures.adjustedOut();
        account.reserved = figures.reserved();
        return account;
    }

    private void putLots(Collection<Lot> some) {
        for (Lot lot : some) {
            if (lots.containsKey(lot.lotId())) {
                throw new IllegalArgumentException("account " + memberId + ": lot " + lot.lotId() + " appears twice");
            }
            put(new LotState(lot.lotId(), lot.points(), lot.remaining(), lot.availableAt(), lot.expiresAt(),
                    lot.origin()));
        }
        nextExpiryKnown = false;
    }

    /**
     * The lots an event reads or writes: the lot it credits, or the lots its allocations name. With
     * {@link #holdsNamedBy}, all of an account that {@link #apply} touches besides the figures.
     */
    public static List<String> lotsNamedBy(PointsEvent event) {
        return switch (event) {
            case PointsEarned e -> List.of(e.lotId());
            case PointsAdjusted e when e.points() > 0 -> List.of(e.lotId());
            case PointsAdjusted e -> lotIds(e.allocations());
            case PointsReserved e -> lotIds(e.allocations());
            case PointsReleased e -> lotIds(e.allocations());
            case PointsSpent e -> lotIds(e.allocations());
            case PointsReturned e -> lotIds(e.allocations());
            case PointsExpired e -> lotIds(e.allocations());
            case PointsReversed e -> lotIds(e.allocations());
            case TierChanged e -> List.of();
            case ExpiryDeferred e -> List.of(e.lotId());
        };
    }

    /** The holds an event opens, closes or moves (a reversal's {@code holdsMoved}), each once. */
    public static List<String> holdsNamedBy(PointsEvent event) {
        return switch (event) {
            case PointsReserved e -> List.of(e.holdId());
            case PointsReleased e -> List.of(e.holdId());
            case PointsSpent e -> e.holdId() == null ? List.of() : List.of(e.holdId());
            case PointsReversed e when !e.holdsMoved().isEmpty() ->
                    e.holdsMoved().stream().map(HoldMove::holdId).distinct().toList();
            default -> List.of();
        };
    }

    private static List<String> lotIds(List<Allocation> allocations) {
        List<String> ids = new ArrayList<>(allocations.size());
        for (Allocation allocation : allocations) {
            ids.add(allocation.lotId());
        }
        return ids;
    }

    public void apply(PointsEvent event) {
        if (event == null) {
            throw new InvariantViolation("account " + memberId + ": no event (null)");
        }
        if (!memberId.equals(event.memberId())) {
            throw violation(event, "belongs to member " + event.memberId());
        }
        switch (event) {
            case PointsEarned e -> {
                long newEarned = add(e, lifetimeEarned, e.points());
                credit(e, e.lotId(), e.points(), e.availableAt(), e.expiresAt(), e.origin().kind());
                lifetimeEarned = newEarned;
            }
            case PointsReserved e -> {
                if (holds.containsKey(e.holdId())) {
                    throw violation(e, "hold " + e.holdId() + " is already open");
                }
                long newReserved = add(e, reserved, e.points());
                take(e, e.allocations());
                holds.put(e.holdId(), e.allocations());
                reserved = newReserved;
            }
            case PointsReleased e -> {
                for (Allocation allocation : e.allocations()) {
                    if (!lots.containsKey(allocation.lotId())) {
                        // Only a part of an account can lack a lot its hold names (restorePart).
                        throw violation(e, "returns points to unknown lot " + allocation.lotId());
                    }
                }
                closeHold(e, e.holdId(), e.allocations());
                for (Allocation allocation : e.allocations()) {
                    LotState lot = lots.get(allocation.lotId());
                    lot.add(allocation.points());
                    nearer(lot);
                }
                reserved -= e.points();
            }
            case PointsSpent e when e.holdId() != null -> {
                long newSpent = add(e, spent, e.points());
                closeHold(e, e.holdId(), e.allocations());
                reserved -= e.points();
                spent = newSpent;
            }
            case PointsSpent e -> {
                long newSpent = add(e, spent, e.points());
                take(e, e.allocations());
                spent = newSpent;
            }
            case PointsReturned e -> {
                if (e.points() > spent) {
                    throw violation(e, "returns " + e.points() + " points but " + spent + " were spent");
                }
                for (Allocation allocation : e.allocations()) {
                    LotState lot = lots.get(allocation.lotId());
                    if (lot == null) {
                        throw violation(e, "returns points to unknown lot " + allocation.lotId());
                    }
                    long held = heldFrom(lot.lotId);
                    if (allocation.points() > lot.points - lot.remaining - held) {
                        throw violation(e, "returns " + allocation.points() + " to lot " + lot.lotId + " which has "
                                + lot.remaining + " of " + lot.points + " left and " + held + " held");
                    }
                }
                // Records name each lot once, so the checks above still hold. A lot past its expiry
                // takes its points back too: the ledger's expiry job expires them again, naming it.
                for (Allocation allocation : e.allocations()) {
                    LotState lot = lots.get(allocation.lotId());
                    lot.add(allocation.points());
                    nearer(lot);
                }
                spent -= e.points();
            }
            case PointsExpired e -> {
                long newExpired = add(e, expired, e.points());
                take(e, e.allocations());
                expired = newExpired;
            }
            case PointsReversed e -> {
                if (e.debtSettled() > debt) {
                    throw violation(e, "settles " + e.debtSettled() + " of debt but the debt is " + debt);
                }
                long newReversed = add(e, reversed, e.points());
                long newDebt = add(e, debt - e.debtSettled(), e.debt());
                Map<String, List<Allocation>> moved = e.holdsMoved().isEmpty() ? Map.of() : moved(e);
                take(e, e.allocations());
                holds.putAll(moved);
                reversed = newReversed;
                debt = newDebt;
            }
            case PointsAdjusted e when e.points() > 0 -> {
                long newAdjustedIn = add(e, adjustedIn, e.points());
                credit(e, e.lotId(), e.points(), null, e.expiresAt(), null);
                adjustedIn = newAdjustedIn;
            }
            case PointsAdjusted e -> {
                long newAdjustedOut = add(e, adjustedOut, -e.points());
                take(e, e.allocations());
                adjustedOut = newAdjustedOut;
            }
            case TierChanged e -> tier = e.to();
            case ExpiryDeferred e -> {
                LotState lot = lots.get(e.lotId());
                if (lot == null) {
                    throw violation(e, "defers unknown lot " + e.lotId());
                }
                if (!lot.expiresAt.equals(e.scheduledAt())) {
                    throw violation(e, "defers lot " + e.lotId() + " from " + e.scheduledAt() + " but it expires at "
                            + lot.expiresAt);
                }
                // Later only (the record checks it), so the lot stays after its availableAt.
                lot.expiresAt = e.expiresAt();
                lot.text = null;
                nextExpiryKnown = false;
            }
        }
        sinceSnapshot++;
    }

    /**
     * How many events were applied to this object since it was made or restored, or since
     * {@link #markSnapshot}: for a store that writes a snapshot only now and then, and keeps the
     * events applied after it beside it, how many of those there are.
     */
    public int eventsSinceSnapshot() {
        return sinceSnapshot;
    }

    /** A snapshot of the account as it is now was written: {@link #eventsSinceSnapshot} starts again at 0. */
    public void markSnapshot() {
        sinceSnapshot = 0;
    }

    private void credit(PointsEvent e, String lotId, long points, Instant availableAt, Instant expiresAt,
            OriginKind origin) {
        if (lots.containsKey(lotId)) {
            throw violation(e, "credits lot " + lotId + " which already exists");
        }
        LotState lot = new LotState(lotId, points, points, availableAt, expiresAt, origin);
        put(lot);
        nearer(lot);
    }

    /** A lot was credited or given points back: the next expiry is now at the latest its expiry. */
    private void nearer(LotState lot) {
        if (nextExpiryKnown && lot.remaining > 0 && (nextExpiry == null || lot.expiresAt.isBefore(nextExpiry))) {
            nextExpiry = lot.expiresAt;
        }
    }

    /** A new lot, in the map and in its place by lot id. */
    private void put(LotState lot) {
        lots.put(lot.lotId, lot);
        int low = 0;
        int high = byId.size();
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (byId.get(middle).lotId.compareTo(lot.lotId) < 0) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        byId.add(low, lot);
    }

    /** Checks every allocation before changing any lot, so a refused event leaves the account whole. */
    private void take(PointsEvent e, List<Allocation> allocations) {
        for (int i = 0, n = allocations.size(); i < n; i++) {
            Allocation allocation = allocations.get(i);
            LotState lot = lots.get(allocation.lotId());
            if (lot == null) {
                throw violation(e, "takes from unknown lot " + allocation.lotId());
            }
            if (lot.remaining < allocation.points()) {
                throw violation(e, "takes " + allocation.points() + " from lot " + lot.lotId + " which has "
                        + lot.remaining + " left");
            }
        }
        // Records name each lot once (checked when the event was made), so the checks above still hold.
        for (int i = 0, n = allocations.size(); i < n; i++) {
            Allocation allocation = allocations.get(i);
            LotState lot = lots.get(allocation.lotId());
            lot.add(-allocation.points());
            if (lot.remaining == 0 && nextExpiryKnown && lot.expiresAt.equals(nextExpiry)) {
                nextExpiryKnown = false;
            }
        }
    }

    /**
     * The holds a reversal's {@code holdsMoved} change, as they will be, each move taking its points
     * off the hold's allocation from one lot and adding them to its allocation from another (the
     * record checked that the reversal takes at least as much from that lot); refused, changing
     * nothing, when a hold is not open or holds less from a lot than is moved from it.
     */
    private Map<String, List<Allocation>> moved(PointsReversed e) {
        Map<String, Map<String, Long>> byHold = new HashMap<>();
        for (HoldMove move : e.holdsMoved()) {
            Map<String, Long> lots = byHold.get(move.holdId());
            if (lots == null) {
                List<Allocation> held = holds.get(move.holdId());
                if (held == null) {
                    throw violation(e, "moves hold " + move.holdId() + " which is not open");
                }
                lots = new java.util.LinkedHashMap<>();
                for (Allocation allocation : held) {
                    lots.put(allocation.lotId(), allocation.points());
                }
                byHold.put(move.holdId(), lots);
            }
            long from = lots.getOrDefault(move.fromLotId(), 0L);
            if (from < move.points()) {
                throw violation(e, "moves " + move.points() + " of hold " + move.holdId() + " from lot "
                        + move.fromLotId() + " which it holds " + from + " of");
            }
            if (from == move.points()) {
                lots.remove(move.fromLotId());
            } else {
                lots.put(move.fromLotId(), from - move.points());
            }
            lots.merge(move.toLotId(), move.points(), Long::sum);
        }
        Map<String, List<Allocation>> moved = new HashMap<>();
        byHold.forEach((holdId, lots) -> {
            List<Allocation> allocations = new ArrayList<>(lots.size());
            lots.forEach((lotId, points) -> allocations.add(new Allocation(lotId, points)));
            moved.put(holdId, List.copyOf(allocations));
        });
        return moved;
    }

    /** What the open holds take from a lot: room it must keep for their release. */
    private long heldFrom(String lotId) {
        long held = 0;
        for (List<Allocation> allocations : holds.values()) {
            for (int i = 0, n = allocations.size(); i < n; i++) {
                Allocation allocation = allocations.get(i);
                if (allocation.lotId().equals(lotId)) {
                    held += allocation.points();
                }
            }
        }
        return held;
    }

    /** A capture or release must move exactly what the hold took, in any order. */
    private void closeHold(PointsEvent e, String holdId, List<Allocation> allocations) {
        List<Allocation> held = holds.get(holdId);
        if (held == null) {
            throw violation(e, "names hold " + holdId + " which is not open");
        }
        if (held.size() != allocations.size() || !held.containsAll(allocations)) {
            throw violation(e, "moves " + allocations + " but hold " + holdId + " holds " + held);
        }
        holds.remove(holdId);
    }

    private long add(PointsEvent e, long a, long b) {
        long sum = a + b;
        if (((a ^ sum) & (b ^ sum)) < 0) {
            throw violation(e, "overflows a long");
        }
        return sum;
    }

    private InvariantViolation violation(PointsEvent e, String what) {
        return new InvariantViolation("account " + memberId + ": " + e.type() + " " + what);
    }

    public String memberId() {
        return memberId;
    }

    public String tier() {
        return tier;
    }

    public long lifetimeEarned() {
        return lifetimeEarned;
    }

    public long spent() {
        return spent;
    }

    public long expired() {
        return expired;
    }

    public long reversed() {
        return reversed;
    }

    public long debt() {
        return debt;
    }

    public long adjustedIn() {
        return adjustedIn;
    }

    public long adjustedOut() {
        return adjustedOut;
    }

    public long reserved() {
        return reserved;
    }

    /** Lots with points left, in spending order (a copy). */
    public List<Lot> lots() {
        List<Lot> result = new ArrayList<>();
        for (LotState lot : lots.values()) {
            if (lot.remaining > 0) {
                result.add(lot.toLot());
            }
        }
        result.sort(Lot.SPENDING_ORDER);
        return result;
    }

    /** When the soonest of the lots with points left expires, or null when none has points left. */
    public Instant nextExpiry() {
        if (!nextExpiryKnown) {
            Instant next = null;
            for (LotState lot : lots.values()) {
                if (lot.remaining > 0 && (next == null || lot.expiresAt.isBefore(next))) {
                    next = lot.expiresAt;
                }
            }
            nextExpiry = next;
            nextExpiryKnown = true;
        }
        return nextExpiry;
    }

    /** How many lots the account has, emptied or not. */
    public int lotCount() {
        return lots.size();
    }

    /** Writes one lot's object of a snapshot, from the lot's fields, as UTF-8. */
    interface LotText {
        byte[] of(String lotId, long points, long remaining, Instant availableAt, Instant expiresAt, OriginKind origin);
    }

    /**
     * Every lot's object, emptied or not, in lot id order (the order of {@link AccountState#lots()}):
     * each written by {@code text} once and kept until the lot changes, so that saving an account
     * after a credit writes one lot, not all ({@code keep}; an account written once, as a rebuild
     * writes each, keeps nothing). The arrays are shared: not to be changed.
     */
    byte[][] lotTexts(LotText text, boolean keep) {
        byte[][] texts = new byte[byId.size()][];
        for (int i = 0; i < texts.length; i++) {
            LotState lot = byId.get(i);
            byte[] written = lot.text;
            if (written == null) {
                written = text.of(lot.lotId, lot.points, lot.remaining, lot.availableAt, lot.expiresAt, lot.origin);
                if (keep) {
                    lot.text = written;
                }
            }
            texts[i] = written;
        }
        return texts;
    }

    /** The lot, emptied or not, or null if this account never had it. */
    public Lot lot(String lotId) {
        LotState lot = lots.get(lotId);
        return lot == null ? null : lot.toLot();
    }

    /** Open holds by holdId, each with the allocations it took (an unmodifiable view). */
    public Map<String, List<Allocation>> holds() {
        return Collections.unmodifiableMap(holds);
    }

    public Balance balance(Instant now) {
        long available = 0;
        long pending = 0;
        long expiredNotYetRecorded = 0;
        for (LotState lot : lots.values()) {
            if (lot.remaining == 0) {
                continue;
            }
            if (!now.isBefore(lot.expiresAt)) {
                expiredNotYetRecorded += lot.remaining;
            } else if (lot.availableAt != null && now.isBefore(lot.availableAt)) {
                pending += lot.remaining;
            } else {
                available += lot.remaining;
            }
        }
        return new Balance(available, pending, reserved, expiredNotYetRecorded, debt);
    }

    /** Lots past their expiresAt with points left, oldest first: what a points.expired should take. */
    public List<Lot> lotsDueForExpiry(Instant now) {
        List<Lot> due = new ArrayList<>();
        for (LotState lot : lots.values()) {
            if (lot.remaining > 0 && !now.isBefore(lot.expiresAt)) {
                due.add(lot.toLot());
            }
        }
        due.sort(Lot.SPENDING_ORDER);
        return due;
    }

    /**
     * Points that will expire, by the date (in {@code zone}) of their lot's expiresAt: the soonest
     * {@code maxDates} dates. Pending lots are included, since their points expire all the same.
     * Each date gives the points left in its lots and, apart, the points open holds took from them:
     * those are spent if their hold is captured, and expire with their lot if it is released (the
     * expiry reminder counts both the same way). A date whose lots are wholly held is listed too.
     */
    public SortedMap<LocalDate, Expiring> expiringByDate(Instant now, ZoneId zone, int maxDates) {
        if (maxDates <= 0) {
            throw new IllegalArgumentException("maxDates must be > 0 (was " + maxDates + ")");
        }
        Map<String, Long> heldByLot = new HashMap<>();
        for (List<Allocation> allocations : holds.values()) {
            for (Allocation allocation : allocations) {
                heldByLot.merge(allocation.lotId(), allocation.points(), Long::sum);
            }
        }
        TreeMap<LocalDate, Expiring> byDate = new TreeMap<>();
        for (LotState lot : lots.values()) {
            long held = heldByLot.getOrDefault(lot.lotId, 0L);
            if ((lot.remaining > 0 || held > 0) && now.isBefore(lot.expiresAt)) {
                byDate.merge(LocalDate.ofInstant(lot.expiresAt, zone), new Expiring(lot.remaining, held), Expiring::plus);
            }
        }
        while (byDate.size() > maxDates) {
            byDate.pollLastEntry();
        }
        return Collections.unmodifiableSortedMap(byDate);
    }

    /** Points of one expiry date: {@code left} in its lots, {@code held} by open holds from them. */
    public record Expiring(long left, long held) {

        Expiring plus(Expiring other) {
            return new Expiring(Math.addExact(left, other.left), Math.addExact(held, other.held));
        }
    }

    /** The account's figures, without its lots and holds. */
    public AccountFigures figures() {
        return new AccountFigures(memberId, tier, lifetimeEarned, spent, expired, reversed, debt, adjustedIn,
                adjustedOut, reserved);
    }

    /** The account as a value, for equality, snapshots and tests. */
    public AccountState snapshot() {
        List<Lot> all = new ArrayList<>(lots.size());
        for (LotState lot : lots.values()) {
            all.add(lot.toLot());
        }
        return new AccountState(memberId, tier, lifetimeEarned, spent, expired, reversed, debt, adjustedIn, adjustedOut,
                reserved, all, holds);
    }

    @Override
    public String toString() {
        return "Account[" + memberId + ", tier " + tier + ", " + lots.size() + " lots, " + holds.size()
                + " holds, reserved " + reserved + ", debt " + debt + "]";
    }
}
