package io.pointsplatform.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.statistics.Statistics;

/**
 * Random histories of valid commands, turned into events by a small decider that uses
 * {@link Allocator} against the live account, as ledger-service does.
 */
class AccountProperties {

    private static final String MEMBER = "m-1";
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    // ---- commands ----

    sealed interface Command {
    }

    /** A credit whose availableAt is {@code availableInHours} from now (negative: already available). */
    record Earn(long points, int availableInHours, int lifeHours) implements Command {
    }

    record Hold(long points) implements Command {
    }

    record Capture(int pick) implements Command {
    }

    record Release(int pick, ReleaseReason reason) implements Command {
    }

    record Spend(long points) implements Command {
    }

    /** Gives back points of a captured hold: {@code points} null means all that is not yet returned. */
    record Return(int pick, Long points) implements Command {
    }

    record Wait(int hours) implements Command {
    }

    record Expire() implements Command {
    }

    /** The ledger defers a lot's expiry by {@code hours} (a reminder sent late, or none yet). */
    record Defer(int pick, int hours) implements Command {
    }

    record Refund(int pick, long points) implements Command {
    }

    record AdjustIn(long points, int lifeHours) implements Command {
    }

    record AdjustOut(long points) implements Command {
    }

    record ChangeTier(String to) implements Command {
    }

    @Provide
    Arbitrary<List<Command>> histories() {
        Arbitrary<Long> points = Arbitraries.oneOf(Arbitraries.longs().between(1, 50), Arbitraries.longs().between(1, 1_000));
        Arbitrary<Integer> pick = Arbitraries.integers().between(0, 1_000);
        Arbitrary<Integer> life = Arbitraries.integers().between(1, 24 * 60);
        Arbitrary<Command> command = Arbitraries.frequencyOf(
                freq(8, Combinators.combine(points, Arbitraries.integers().between(-24 * 10, 24 * 10), life).as(Earn::new)),
                freq(4, points.map(Hold::new)),
                freq(3, pick.map(Capture::new)),
                freq(2, Combinators.combine(pick, Arbitraries.of(ReleaseReason.class)).as(Release::new)),
                freq(4, points.map(Spend::new)),
                freq(3, Combinators.combine(pick, points.injectNull(0.4)).as(Return::new)),
                freq(4, Arbitraries.integers().between(1, 24 * 20).map(Wait::new)),
                freq(2, Arbitraries.just(new Expire())),
                freq(2, Combinators.combine(pick, Arbitraries.integers().between(1, 24 * 10)).as(Defer::new)),
                // Refunds large enough to outrun what the member holds now and then: debt (a reversal
                // takes pending lots and given-back points settle it, so it needs a push to stay common).
                freq(4, Combinators.combine(pick, Arbitraries.oneOf(points, Arbitraries.longs().between(500, 3_000)))
                        .as(Refund::new)),
                freq(1, Combinators.combine(points, life).as(AdjustIn::new)),
                freq(1, points.map(AdjustOut::new)),
                freq(1, Arbitraries.of("MEMBER", "SILVER", "GOLD", "PLATINUM").map(ChangeTier::new)));
        // Uniform sizes: the interesting states (debt, expired lots, several holds) need long histories.
        return command.list().ofMinSize(1).ofMaxSize(120).withSizeDistribution(RandomDistribution.uniform());
    }

    private static net.jqwik.api.Tuple.Tuple2<Integer, Arbitrary<? extends Command>> freq(int weight,
            Arbitrary<? extends Command> arbitrary) {
        return net.jqwik.api.Tuple.of(weight, arbitrary);
    }

    // ---- the decider: commands to events, against the live account ----

    /** A history run live: the account, the events it was built from, and the clock when each was decided. */
    static final class Run {
        final Account account = new Account(MEMBER);
        final List<PointsEvent> events = new ArrayList<>();
        final List<String> earnedLots = new ArrayList<>();
        // Captured holds, by hold id: what the capture spent, and what returns gave back since.
        final java.util.Map<String, List<Allocation>> captured = new java.util.TreeMap<>();
        final java.util.Map<String, List<Allocation>> returned = new java.util.HashMap<>();
        Instant now = START;
        int sequence;
        int holdsMoved;

        void decide(Command command) {
            String n = String.valueOf(++sequence);
            switch (command) {
                case Earn e -> {
                    Instant availableAt = now.plus(Duration.ofHours(e.availableInHours()));
                    String lotId = "lot-" + n;
                    emit(new PointsEarned(MEMBER, lotId, e.points(), new Origin(OriginKind.ORDER, "o-" + n), List.of(),
                            availableAt, availableAt.plus(Duration.ofHours(e.lifeHours()))));
                    earnedLots.add(lotId);
                    settleFrom(lotId);
                }
                case Hold h -> {
                    AllocationPlan plan = Allocator.forDebit(account.lots(), h.points(), now);
                    if (plan.covered()) {
                        emit(new PointsReserved(MEMBER, "h-" + n, h.points(), plan.allocations(), now.plusSeconds(900),
                                "rd-" + n));
                    }
                }
                case Capture c -> {
                    String holdId = pickHold(c.pick());
                    if (holdId != null) {
                        List<Allocation> held = account.holds().get(holdId);
                        emit(new PointsSpent(MEMBER, holdId, sum(held), held, "rd-" + holdId));
                        captured.put(holdId, held);
                    }
                }
                case Release r -> {
                    String holdId = pickHold(r.pick());
                    if (holdId != null) {
                        List<Allocation> held = account.holds().get(holdId);
                        emit(new PointsReleased(MEMBER, holdId, sum(held), held, r.reason()));
                        settleFrom(held);
                    }
                }
                case Spend s -> {
                    AllocationPlan plan = Allocator.forDebit(account.lots(), s.points(), now);
                    if (plan.covered()) {
                        emit(new PointsSpent(MEMBER, null, s.points(), plan.allocations(), "pay-" + n));
                    }
                }
                case Return r -> {
                    if (!captured.isEmpty()) {
                        String holdId = List.copyOf(captured.keySet()).get(r.pick() % captured.size());
                        List<Allocation> before = returned.getOrDefault(holdId, List.of());
                        long left = sum(captured.get(holdId)) - sum(before);
                        long points = r.points() == null ? left : r.points();
                        if (points > 0) {
                            AllocationPlan plan = Allocator.forReturn(account, captured.get(holdId), before, points);
                            assertThat(plan.covered()).as("covered exactly when within what is left").isEqualTo(points <= left);
                            if (plan.covered()) {
                                emit(new PointsReturned(MEMBER, holdId, "rt-" + n, points, plan.allocations(), null));
                                settleFrom(plan.allocations());
                                List<Allocation> all = new ArrayList<>(before);
                                all.addAll(plan.allocations());
                                returned.put(holdId, all);
                            }
                        }
                    }
                }
                case Wait w -> now = now.plus(Duration.ofHours(w.hours()));
                case Expire x -> {
                    List<Allocation> due = Allocator.forExpiry(account, now);
                    if (!due.isEmpty()) {
                        emit(new PointsExpired(MEMBER, sum(due), due));
                    }
                }
                case Defer d -> {
                    List<Lot> lots = account.lots();
                    if (!lots.isEmpty()) {
                        Lot lot = lots.get(d.pick() % lots.size());
                        Instant later = lot.expiresAt().plus(Duration.ofHours(d.hours()));
                        emit(new ExpiryDeferred(MEMBER, lot.lotId(), lot.expiresAt(), later, now));
                    }
                }
                case Refund r -> {
                    if (!earnedLots.isEmpty()) {
                        String orderLot = earnedLots.get(r.pick() % earnedLots.size());
                        long debtBefore = account.debt();
                        String orderId = "o-" + orderLot;
                        long lapsed = Allocator.lapsedFromLot(orderLot, orderId, events);
                        ReversalPlan plan = Allocator.forReversal(account, orderLot, r.points(), lapsed, now);
                        assertThat(plan.taken() + plan.debt() + plan.alreadyExpired()).isEqualTo(r.points());
                        assertThat(plan.alreadyExpired()).as("never more than expired and not counted before")
                                .isLessThanOrEqualTo(lapsed);
                        if (!plan.allocations().isEmpty() && !plan.allocations().get(0).lotId().equals(orderLot)) {
                            // Taken from other lots only when the order's lot and its expired points are used up.
                            assertThat(account.lot(orderLot).remaining()).isZero();
                            assertThat(plan.alreadyExpired()).isEqualTo(lapsed);
                        }
                        long heldBefore = heldFrom(orderLot);
                        Map<String, Long> holdsBefore = holdTotals();
                        long fromOthers = plan.allocations().stream().filter(a -> !a.lotId().equals(orderLot))
                                .mapToLong(Allocation::points).sum();
                        emit(PointsReversed.refund(MEMBER, orderId, "rf-" + n, plan));
                        assertThat(account.debt()).as("what cannot be taken back is owed").isEqualTo(debtBefore + plan.debt());
                        // The order's held points are the order's too: what the refund takes from other
                        // lots, the holds on the order's lot now hold from those lots instead, as much
                        // as each held before, so a release gives back to them, not to the refunded lot.
                        assertThat(heldFrom(orderLot)).as("held from the refunded lot")
                                .isEqualTo(heldBefore - Math.min(heldBefore, fromOthers));
                        assertThat(holdTotals()).isEqualTo(holdsBefore);
                        if (!plan.holdsMoved().isEmpty()) {
                            holdsMoved++;
                        }
                    }
                }
                case AdjustIn a -> {
                    emit(new PointsAdjusted(MEMBER, "adj-" + n, a.points(), "lot-adj-" + n,
                            now.plus(Duration.ofHours(a.lifeHours())), null, "goodwill", "admin-a", "admin-b"));
                    settleFrom("lot-adj-" + n);
                }
                case AdjustOut a -> {
                    AllocationPlan plan = Allocator.forDebit(account.lots(), a.points(), now);
                    if (plan.covered()) {
                        emit(new PointsAdjusted(MEMBER, "adj-" + n, -a.points(), null, null, plan.allocations(),
                                "correction", "admin-a", "admin-b"));
                    }
                }
                case ChangeTier t -> {
                    if (!t.to().equals(account.tier())) {
                        emit(new TierChanged(MEMBER, account.tier(), t.to(), 0));
                    }
                }
            }
        }

        private long heldFrom(String lotId) {
            return account.holds().values().stream().flatMap(List::stream).filter(a -> a.lotId().equals(lotId))
                    .mapToLong(Allocation::points).sum();
        }

        private Map<String, Long> holdTotals() {
            Map<String, Long> totals = new HashMap<>();
            account.holds().forEach((id, allocations) -> totals.put(id, sum(allocations)));
            return totals;
        }

        private String pickHold(int pick) {
            List<String> open = account.holds().keySet().stream().sorted().toList();
            return open.isEmpty() ? null : open.get(pick % open.size());
        }

        /** As the ledger does: points given back pay open debt first, never more than came back or is owed. */
        /** As the ledger does with every credit: the new lot pays open debt first, as far as it goes. */
        private void settleFrom(String newLotId) {
            if (account.debt() > 0) {
                AllocationPlan plan = Allocator.forDebtSettlement(account, newLotId);
                emit(new PointsReversed(MEMBER, null, null, plan.taken(), plan.allocations(), 0, plan.taken()));
            }
        }

        private void settleFrom(List<Allocation> givenBack) {
            if (account.debt() == 0) {
                return;
            }
            long debtBefore = account.debt();
            java.util.Map<String, Long> remainingBefore = new java.util.HashMap<>();
            account.lots().forEach(lot -> remainingBefore.put(lot.lotId(), lot.remaining()));
            AllocationPlan plan = Allocator.forDebtSettlement(account, givenBack);
            assertThat(plan.taken() + plan.shortfall()).isEqualTo(debtBefore);
            for (Allocation taken : plan.allocations()) {
                long back = givenBack.stream().filter(a -> a.lotId().equals(taken.lotId())).mapToLong(Allocation::points).sum();
                assertThat(taken.points()).as("no more than came back to " + taken.lotId()).isLessThanOrEqualTo(back)
                        .isLessThanOrEqualTo(remainingBefore.get(taken.lotId()));
            }
            if (!plan.allocations().isEmpty()) {
                emit(new PointsReversed(MEMBER, null, null, plan.taken(), plan.allocations(), 0, plan.taken()));
                assertThat(account.debt()).isEqualTo(plan.shortfall());
            }
        }

        private void emit(PointsEvent event) {
            account.apply(event);
            events.add(event);
        }
    }

    static long sum(List<Allocation> allocations) {
        return allocations.stream().mapToLong(Allocation::points).sum();
    }

    static Run run(List<Command> history, java.util.function.Consumer<Run> afterEachStep) {
        Run run = new Run();
        for (Command command : history) {
            run.decide(command);
            afterEachStep.accept(run);
        }
        return run;
    }

    // ---- properties ----

    /**
     * Debt is owed only while the member has no point left in any lot: every way points come in or
     * back pays it first (a credit, an adjustment, a release, a return), and a refund takes every
     * lot before it owes, pending ones and ones past their expiresAt included. Else a lot that
     * becomes available (a returns window closing, an expiry deferred for want of a reminder) would
     * be spendable while its member owed.
     */
    @Property(tries = 400)
    void debtIsOwedOnlyWhileNoLotHoldsAPoint(@ForAll("histories") List<Command> history) {
        run(history, r -> {
            if (r.account.debt() > 0) {
                assertThat(r.account.lots()).as("lots with points while %d is owed", r.account.debt()).isEmpty();
            }
        });
    }

    @Property(tries = 400)
    void nothingEverGoesBelowZero(@ForAll("histories") List<Command> history) {
        run(history, r -> {
            for (Lot lot : r.account.snapshot().lots()) {
                assertThat(lot.remaining()).isBetween(0L, lot.points());
            }
            for (Instant at : List.of(r.now, START, r.now.plus(Duration.ofDays(400)))) {
                Balance balance = r.account.balance(at);
                assertThat(balance.available()).isNotNegative();
                assertThat(balance.pending()).isNotNegative();
                assertThat(balance.reserved()).isNotNegative();
                assertThat(balance.expiredNotYetRecorded()).isNotNegative();
                assertThat(balance.debt()).isNotNegative();
                assertThat(balance.available() + balance.pending() + balance.expiredNotYetRecorded())
                        .isEqualTo(r.account.lots().stream().mapToLong(Lot::remaining).sum());
            }
            for (long figure : new long[] {r.account.spent(), r.account.expired(), r.account.reversed(),
                    r.account.adjustedIn(), r.account.adjustedOut(), r.account.reserved(), r.account.debt()}) {
                assertThat(figure).isNotNegative();
            }
        });
    }

    @Property(tries = 400)
    void theLiabilityIsTheSumOfEachEventsChange(@ForAll("histories") List<Command> history) {
        run(history, r -> assertThat(r.events.stream().mapToLong(Liability::change).sum())
                .isEqualTo(r.account.lifetimeEarned() + r.account.adjustedIn() - r.account.spent()
                        - r.account.expired() - r.account.reversed() - r.account.adjustedOut()));
    }

    /**
     * The expiring dates count every point of a lot not yet past its date exactly once: left in the
     * lot, or held from it by an open hold; a date is listed only when it has some.
     */
    @Property(tries = 400)
    void expiringDatesCountEveryPointLeftOrHeldOnce(@ForAll("histories") List<Command> history) {
        run(history, r -> {
            Map<String, Instant> expiresAt = new HashMap<>();
            long left = 0;
            for (Lot lot : r.account.snapshot().lots()) {
                expiresAt.put(lot.lotId(), lot.expiresAt());
                if (r.now.isBefore(lot.expiresAt())) {
                    left += lot.remaining();
                }
            }
            long held = 0;
            for (List<Allocation> allocations : r.account.holds().values()) {
                for (Allocation allocation : allocations) {
                    if (r.now.isBefore(expiresAt.get(allocation.lotId()))) {
                        held += allocation.points();
                    }
                }
            }
            var byDate = r.account.expiringByDate(r.now, ZoneOffset.UTC, Integer.MAX_VALUE);
            assertThat(byDate.values().stream().mapToLong(Account.Expiring::left).sum()).isEqualTo(left);
            assertThat(byDate.values().stream().mapToLong(Account.Expiring::held).sum()).isEqualTo(held);
            assertThat(byDate.values()).allSatisfy(date -> assertThat(date.left() + date.held()).isPositive());
        });
    }

    @Property(tries = 400)
    void everyPointCreditedIsAccountedFor(@ForAll("histories") List<Command> history) {
        Run finished = run(history, r -> {
            Account a = r.account;
            long remaining = a.lots().stream().mapToLong(Lot::remaining).sum();
            assertThat(a.lifetimeEarned() + a.adjustedIn()).isEqualTo(
                    remaining + a.reserved() + a.spent() + a.expired() + a.reversed() + a.adjustedOut());
            assertThat(a.reserved()).isEqualTo(a.holds().values().stream().mapToLong(AccountProperties::sum).sum());
        });
        Statistics.label("events").collect(bucket(finished.events.size()));
        Statistics.label("debt").collect(finished.account.debt() > 0 ? "owed" : "none");
        for (String type : List.of(PointsReserved.TYPE, PointsReleased.TYPE, PointsSpent.TYPE, PointsReturned.TYPE,
                PointsExpired.TYPE,
                PointsReversed.TYPE, PointsAdjusted.TYPE, TierChanged.TYPE)) {
            Statistics.label(type).collect(finished.events.stream().anyMatch(e -> e.type().equals(type)));
        }
        Statistics.label("debt settled").collect(finished.events.stream()
                .anyMatch(e -> e instanceof PointsReversed r && r.debtSettled() > 0));
        Statistics.label("debt").coverage(c -> c.check("owed").percentage(p -> p > 15));
        Statistics.label("debt settled").coverage(c -> c.check(true).percentage(p -> p > 15));
        Statistics.label("refund of expired points").collect(finished.events.stream()
                .anyMatch(e -> e instanceof PointsReversed r && r.alreadyExpired() > 0));
        Statistics.label("refund of expired points").coverage(c -> c.check(true).percentage(p -> p > 5));
        Statistics.label("refund moving a hold").collect(finished.holdsMoved > 0);
        Statistics.label("refund moving a hold").coverage(c -> c.check(true).percentage(p -> p > 1));
        Statistics.label(PointsExpired.TYPE).coverage(c -> c.check(true).percentage(p -> p > 15));
        Statistics.label(PointsReleased.TYPE).coverage(c -> c.check(true).percentage(p -> p > 15));
        Statistics.label(PointsReturned.TYPE).coverage(c -> c.check(true).percentage(p -> p > 15));
        Statistics.label(ExpiryDeferred.TYPE).collect(finished.events.stream().anyMatch(e -> e instanceof ExpiryDeferred));
        Statistics.label(ExpiryDeferred.TYPE).coverage(c -> c.check(true).percentage(p -> p > 15));
        Statistics.label("events").coverage(c -> c.check("30+").percentage(p -> p > 25));
    }

    /**
     * Returns of a captured hold give back, lot by lot and in all, no more than its capture spent,
     * and each return takes the latest-expiring of what it may give back first.
     */
    @Property(tries = 400)
    void returnsOfAHoldNeverExceedWhatItSpent(@ForAll("histories") List<Command> history) {
        Run finished = run(history, r -> {
            for (var hold : r.returned.entrySet()) {
                java.util.Map<String, Long> spentByLot = new java.util.HashMap<>();
                r.captured.get(hold.getKey()).forEach(a -> spentByLot.merge(a.lotId(), a.points(), Long::sum));
                java.util.Map<String, Long> returnedByLot = new java.util.HashMap<>();
                hold.getValue().forEach(a -> returnedByLot.merge(a.lotId(), a.points(), Long::sum));
                returnedByLot.forEach((lot, points) -> assertThat(points).as("lot %s of hold %s", lot, hold.getKey())
                        .isLessThanOrEqualTo(spentByLot.getOrDefault(lot, 0L)));
                assertThat(sum(hold.getValue())).isLessThanOrEqualTo(sum(r.captured.get(hold.getKey())));
            }
            long returnedInAll = r.returned.values().stream().mapToLong(AccountProperties::sum).sum();
            long capturedInAll = r.captured.values().stream().mapToLong(AccountProperties::sum).sum();
            assertThat(r.account.spent()).isGreaterThanOrEqualTo(capturedInAll - returnedInAll);
            // In the order of the lots' expiry when it was decided (a deferral may move one later).
            if (!r.events.isEmpty() && r.events.getLast() instanceof PointsReturned returned
                    && returned.allocations().size() > 1) {
                List<Lot> lots = returned.allocations().stream().map(a -> r.account.lot(a.lotId())).toList();
                assertThat(lots).isSortedAccordingTo(Lot.SPENDING_ORDER.reversed());
            }
        });
        Statistics.label("partly returned").collect(finished.returned.entrySet().stream()
                .anyMatch(h -> sum(h.getValue()) < sum(finished.captured.get(h.getKey()))));
    }

    /**
     * A lot the ledger deferred keeps its points, available (or pending) and never due for expiry,
     * until its new expiresAt: every view of the log (catalog's, redemption's, the ledger's own)
     * takes nothing from the member before the ledger's points.expired.
     */
    @Property(tries = 400)
    void aDeferredLotIsNotDueBeforeItsNewExpiry(@ForAll("histories") List<Command> history) {
        Run finished = run(history, r -> {
            if (!r.events.isEmpty() && r.events.getLast() instanceof ExpiryDeferred d) {
                Instant before = d.expiresAt().minusNanos(1);
                assertThat(r.account.lot(d.lotId()).expiresAt()).isEqualTo(d.expiresAt());
                assertThat(r.account.lotsDueForExpiry(before)).extracting(Lot::lotId).doesNotContain(d.lotId());
                assertThat(Allocator.forExpiry(r.account, before)).extracting(Allocation::lotId)
                        .doesNotContain(d.lotId());
                assertThat(Allocator.forExpiry(r.account, d.expiresAt())).extracting(Allocation::lotId)
                        .contains(d.lotId());
            }
        });
        Account replayed = new Account(MEMBER);
        finished.events.forEach(replayed::apply);
        assertThat(replayed.snapshot()).isEqualTo(finished.account.snapshot());
    }

    @Property(tries = 400)
    void replayEqualsLive(@ForAll("histories") List<Command> history) {
        Run live = run(history, r -> {
        });
        Account replayed = new Account(MEMBER);
        live.events.forEach(replayed::apply);
        assertThat(replayed.snapshot()).isEqualTo(live.account.snapshot());
        assertThat(replayed.balance(live.now)).isEqualTo(live.account.balance(live.now));
        assertThat(AccountSnapshots.fromJson(AccountSnapshots.toJson(live.account)).snapshot())
                .isEqualTo(live.account.snapshot());
        // Written from the folded account itself (lots in the order credited) as from its state.
        assertThat(AccountSnapshots.toJson(live.account)).isEqualTo(AccountSnapshots.write(live.account.snapshot()));
        assertThat(live.account.nextExpiry()).isEqualTo(live.account.lots().stream().map(Lot::expiresAt)
                .min(Comparator.naturalOrder()).orElse(null));
    }

    /**
     * A snapshot written after every event (lots keep their text until they change) is the text of
     * the account's state at that point: a lot changed after its text was kept would show here.
     */
    @Property(tries = 400)
    void aSnapshotWrittenAfterEveryEventIsItsStatesText(@ForAll("histories") List<Command> history) {
        Run live = run(history, r -> {
        });
        Account replayed = new Account(MEMBER);
        for (PointsEvent event : live.events) {
            replayed.apply(event);
            assertThat(AccountSnapshots.toJson(replayed)).as("after %s", event)
                    .isEqualTo(AccountSnapshots.write(replayed.snapshot()));
        }
    }

    /**
     * The ledger's store: a snapshot written after any event, read back, with the events after it
     * applied, is the live account, and knows how many events it is ahead of that snapshot.
     */
    @Property(tries = 400)
    void aSnapshotPlusTheEventsAfterItIsTheLiveAccount(@ForAll("histories") List<Command> history,
            @ForAll Random random) {
        Run live = run(history, r -> {
        });
        int cut = random.nextInt(live.events.size() + 1);
        Account written = new Account(MEMBER);
        live.events.subList(0, cut).forEach(written::apply);
        assertThat(written.eventsSinceSnapshot()).isEqualTo(cut);
        Account read = AccountSnapshots.fromJson(AccountSnapshots.toJson(written));
        assertThat(read.eventsSinceSnapshot()).isZero();
        live.events.subList(cut, live.events.size()).forEach(read::apply);
        assertThat(read.snapshot()).isEqualTo(live.account.snapshot());
        assertThat(read.eventsSinceSnapshot()).isEqualTo(live.events.size() - cut);
        read.markSnapshot();
        assertThat(read.eventsSinceSnapshot()).isZero();
    }

    /**
     * The next expiry an account keeps as events apply (instead of looking among every lot at every
     * save) is always the soonest among its lots with points left: asked after every event, or only
     * now and then, of an account folded from the start or read from a snapshot.
     */
    @Property(tries = 400)
    void theNextExpiryIsTheSoonestOfTheLotsWithPointsLeft(@ForAll("histories") List<Command> history,
            @ForAll Random random) {
        Run live = run(history, r -> assertThat(r.account.nextExpiry()).isEqualTo(soonestExpiry(r.account)));
        int cut = random.nextInt(live.events.size() + 1);
        Account written = new Account(MEMBER);
        live.events.subList(0, cut).forEach(written::apply);
        Account read = AccountSnapshots.fromJson(AccountSnapshots.toJson(written));
        for (PointsEvent event : live.events.subList(cut, live.events.size())) {
            read.apply(event);
            if (random.nextInt(4) == 0) {
                assertThat(read.nextExpiry()).as("after %s", event).isEqualTo(soonestExpiry(read));
            }
        }
        assertThat(read.nextExpiry()).isEqualTo(soonestExpiry(live.account));
    }

    private static Instant soonestExpiry(Account account) {
        return account.lots().stream().map(Lot::expiresAt).min(Comparator.naturalOrder()).orElse(null);
    }

    @Property(tries = 400)
    void creditsMovedEarlierGiveTheSameState(@ForAll("histories") List<Command> history, @ForAll Random random) {
        Run live = run(history, r -> {
        });
        List<PointsEvent> reordered = moveCreditsEarlier(live.events, random);
        Account replayed = new Account(MEMBER);
        reordered.forEach(replayed::apply);
        assertThat(replayed.snapshot()).isEqualTo(live.account.snapshot());
    }

    /**
     * Every credit goes to a random place no later than where it was; debits keep their order. A
     * credit thus stays before every debit that names its lot, which all came after it.
     */
    static List<PointsEvent> moveCreditsEarlier(List<PointsEvent> events, Random random) {
        record Placed(double position, int original, PointsEvent event) {
        }
        List<Placed> placed = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            PointsEvent event = events.get(i);
            boolean credit = event instanceof PointsEarned || event instanceof PointsAdjusted a && a.points() > 0;
            double position = credit ? random.nextInt(i + 1) - 0.5 + random.nextDouble() * 0.25 : i;
            placed.add(new Placed(position, i, event));
        }
        placed.sort(Comparator.comparingDouble(Placed::position).thenComparingInt(Placed::original));
        List<PointsEvent> reordered = placed.stream().map(Placed::event).toList();
        assertThat(reordered).containsExactlyInAnyOrderElementsOf(events);
        assertFirstDebitOfEachLotFollowsItsCredit(reordered);
        return reordered;
    }

    private static void assertFirstDebitOfEachLotFollowsItsCredit(List<PointsEvent> events) {
        Set<String> credited = new HashSet<>();
        for (PointsEvent event : events) {
            switch (event) {
                case PointsEarned e -> credited.add(e.lotId());
                case PointsAdjusted a when a.points() > 0 -> credited.add(a.lotId());
                default -> allocationsOf(event).forEach(a -> assertThat(credited).contains(a.lotId()));
            }
        }
    }

    private static List<Allocation> allocationsOf(PointsEvent event) {
        return switch (event) {
            case PointsReserved e -> e.allocations();
            case PointsReleased e -> e.allocations();
            case PointsSpent e -> e.allocations();
            case PointsReturned e -> e.allocations();
            case PointsExpired e -> e.allocations();
            case PointsReversed e -> e.allocations();
            case PointsAdjusted e -> e.allocations();
            case PointsEarned e -> List.of();
            case TierChanged e -> List.of();
            case ExpiryDeferred e -> List.of();
        };
    }

    private static String bucket(int size) {
        return size == 0 ? "0" : size < 10 ? "1-9" : size < 30 ? "10-29" : "30+";
    }
}
