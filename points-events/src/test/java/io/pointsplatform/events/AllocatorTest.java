package io.pointsplatform.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AllocatorTest {

    private static final Instant T0 = Samples.T0;
    private static final Instant MONTH = T0.plus(Duration.ofDays(30));
    private static final Instant YEAR = T0.plus(Duration.ofDays(365));

    private final Account account = new Account("m-1");

    private void earn(String lotId, long points, Instant availableAt, Instant expiresAt) {
        account.apply(AccountTest.earned(lotId, points, availableAt, expiresAt));
    }

    @Test
    void debitsTakeTheSoonestToExpireFirstThenByLotId() {
        earn("lot-c", 100, T0, YEAR);
        earn("lot-b", 40, T0, MONTH);
        earn("lot-a", 40, T0, MONTH);
        AllocationPlan plan = Allocator.forDebit(account.lots(), 100, T0);
        assertThat(plan.allocations()).containsExactly(new Allocation("lot-a", 40), new Allocation("lot-b", 40),
                new Allocation("lot-c", 20));
        assertThat(plan.covered()).isTrue();
        assertThat(plan.shortfall()).isZero();
        assertThat(plan.taken()).isEqualTo(100);
    }

    @Test
    void debitsUseOnlyAvailableLots() {
        earn("pending", 100, MONTH, YEAR);
        earn("expired", 100, T0.minus(Duration.ofDays(400)), T0);
        earn("ok", 30, T0, YEAR);
        AllocationPlan plan = Allocator.forDebit(account.lots(), 50, T0);
        assertThat(plan.allocations()).containsExactly(new Allocation("ok", 30));
        assertThat(plan.covered()).isFalse();
        assertThat(plan.shortfall()).isEqualTo(20);
        assertThat(Allocator.forDebit(List.of(), 5, T0)).isEqualTo(new AllocationPlan(List.of(), 5));
        assertThatThrownBy(() -> Allocator.forDebit(account.lots(), 0, T0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void reversalsTakeTheOrdersOwnLotFirstEvenWhilePending() {
        earn("lot-old", 100, T0, MONTH);
        earn("lot-order", 50, MONTH, YEAR);
        ReversalPlan plan = Allocator.forReversal(account, "lot-order", 80, 0, T0);
        assertThat(plan.allocations()).containsExactly(new Allocation("lot-order", 50), new Allocation("lot-old", 30));
        assertThat(plan.taken()).isEqualTo(80);
        assertThat(plan.debt()).isZero();
    }

    @Test
    void reversalsTakeOtherPendingLotsAfterAvailableOnesBeforeOwingAnything() {
        earn("lot-order", 50, T0, YEAR);
        account.apply(new PointsSpent("m-1", null, 45, List.of(new Allocation("lot-order", 45)), null));
        earn("lot-pending-late", 100, MONTH, YEAR.plus(Duration.ofDays(1)));
        earn("lot-pending", 20, MONTH, YEAR);
        earn("lot-free", 10, T0, YEAR);
        ReversalPlan plan = Allocator.forReversal(account, "lot-order", 50, 0, T0);
        assertThat(plan.allocations()).containsExactly(new Allocation("lot-order", 5), new Allocation("lot-free", 10),
                new Allocation("lot-pending", 20), new Allocation("lot-pending-late", 15));
        assertThat(plan.debt()).isZero();
        // Only what no lot holds, available or pending, is owed.
        assertThat(Allocator.forReversal(account, "lot-order", 200, 0, T0).debt()).isEqualTo(200 - 5 - 10 - 20 - 100);
    }

    @Test
    void reversalsOweOnlyWhatNoLotHolds() {
        earn("lot-order", 50, T0, YEAR);
        account.apply(new PointsSpent("m-1", null, 45, List.of(new Allocation("lot-order", 45)), null));
        // Past its expiresAt, not yet emptied by the expiry job (which may yet defer it): taken too.
        earn("lot-expired", 100, T0.minus(Duration.ofDays(400)), T0);
        ReversalPlan plan = Allocator.forReversal(account, "lot-order", 50, 0, T0);
        assertThat(plan.allocations()).containsExactly(new Allocation("lot-order", 5), new Allocation("lot-expired", 45));
        assertThat(plan.taken()).isEqualTo(50);
        assertThat(plan.debt()).isZero();
        // What no lot holds was spent: owed.
        ReversalPlan more = Allocator.forReversal(account, "lot-order", 200, 0, T0);
        assertThat(more.taken()).isEqualTo(105);
        assertThat(more.debt()).isEqualTo(95);

        // The order's own lot past its expiresAt but not emptied yet: still the order's points, taken first.
        ReversalPlan expiredOrder = Allocator.forReversal(account, "lot-order", 50, 0, YEAR);
        assertThat(expiredOrder.allocations()).containsExactly(new Allocation("lot-order", 5),
                new Allocation("lot-expired", 45));

        // An order the account never credited: the other lots in spending order.
        ReversalPlan unknownOrder = Allocator.forReversal(account, "lot-gone", 10, 0, T0);
        assertThat(unknownOrder.allocations()).containsExactly(new Allocation("lot-expired", 10));
        assertThat(unknownOrder.debt()).isZero();
    }

    @Test
    void aRefundDoesNotTakeAgainWhatExpiredOfItsOrder() {
        // 350 earned by the order: 100 spent, 250 expired; another order's 400 available.
        earn("lot-order", 350, T0, MONTH);
        earn("lot-other", 400, T0, YEAR);
        account.apply(new PointsSpent("m-1", null, 100, List.of(new Allocation("lot-order", 100)), null));
        List<PointsEvent> history = new java.util.ArrayList<>();
        PointsExpired expiry = new PointsExpired("m-1", 250, List.of(new Allocation("lot-order", 250)));
        account.apply(expiry);
        history.add(expiry);
        history.add(new PointsExpired("m-1", 5, List.of(new Allocation("lot-else", 5))));
        assertThat(Allocator.lapsedFromLot("lot-order", "o-1", history)).isEqualTo(250);
        // What expired of a lot whatever reversals counted (a tier bonus is taken back once).
        assertThat(Allocator.expiredFromLot("lot-order", history)).isEqualTo(250);
        assertThat(Allocator.expiredFromLot("lot-other", history)).isZero();

        // A first refund of 200: all of it had expired, nothing is taken.
        ReversalPlan first = Allocator.forReversal(account, "lot-order", 200,
                Allocator.lapsedFromLot("lot-order", "o-1", history), MONTH);
        assertThat(first).isEqualTo(new ReversalPlan(List.of(), 0, 0, 200, List.of()));
        PointsReversed firstReversal = new PointsReversed("m-1", "o-1", "rf-1", 0, List.of(), 0, 0, 200);
        account.apply(firstReversal);
        history.add(firstReversal);
        // Another order's reversal counts nothing against this one.
        history.add(new PointsReversed("m-1", "o-2", "rf-9", 0, List.of(), 0, 0, 40));
        assertThat(Allocator.lapsedFromLot("lot-order", "o-1", history)).isEqualTo(50);

        // The rest, 150: 50 more had expired; the 100 the member spent come from its other points.
        ReversalPlan second = Allocator.forReversal(account, "lot-order", 150,
                Allocator.lapsedFromLot("lot-order", "o-1", history), MONTH);
        assertThat(second).isEqualTo(new ReversalPlan(List.of(new Allocation("lot-other", 100)), 100, 0, 50, List.of()));
        account.apply(new PointsReversed("m-1", "o-1", "rf-2", 100, second.allocations(), 0, 0, 50));
        // Of the order's 350 the member lost 250 to expiry and 100 to the refunds, nothing twice.
        assertThat(account.reversed()).isEqualTo(100);
        assertThat(account.expired()).isEqualTo(250);
        assertThat(account.lot("lot-other").remaining()).isEqualTo(300);
    }

    /**
     * A refund that finds part of its order's points held: the hold is moved onto the other lots the
     * refund takes from (the latest-expiring first), so its release gives them back there, not to the
     * refunded lot. Until 2026-12-08 the release gave them to the refunded lot (its sooner expiry).
     */
    @Test
    void aRefundMovesHoldsOffItsOrdersLotOntoTheLotsItTakesFromInstead() {
        earn("lot-order", 100, T0, MONTH);
        earn("lot-soon", 30, T0, MONTH.plus(Duration.ofDays(1)));
        earn("lot-late", 100, T0, YEAR);
        hold("h-1", 50, new Allocation("lot-order", 50));
        hold("h-2", 20, new Allocation("lot-order", 10), new Allocation("lot-soon", 10));

        // 100 back: 40 left in the order's lot, then 60 of other lots: 20 of lot-soon, 40 of lot-late.
        ReversalPlan plan = Allocator.forReversal(account, "lot-order", 100, 0, T0);
        assertThat(plan.allocations()).containsExactly(new Allocation("lot-order", 40),
                new Allocation("lot-soon", 20), new Allocation("lot-late", 40));
        assertThat(plan.holdsMoved()).containsExactly(new HoldMove("h-1", "lot-order", "lot-late", 40),
                new HoldMove("h-1", "lot-order", "lot-soon", 10), new HoldMove("h-2", "lot-order", "lot-soon", 10));
        account.apply(PointsReversed.refund("m-1", "o-1", "rf-1", plan));
        assertThat(account.holds().get("h-1")).containsExactlyInAnyOrder(new Allocation("lot-late", 40),
                new Allocation("lot-soon", 10));
        assertThat(account.holds().get("h-2")).containsExactly(new Allocation("lot-soon", 20));
        assertThat(account.reserved()).isEqualTo(70);
        assertThat(account.reversed()).isEqualTo(100);

        // Released, the held points go back to the lots they are now held from: the refunded lot stays empty.
        for (String holdId : List.of("h-1", "h-2")) {
            List<Allocation> held = account.holds().get(holdId);
            account.apply(new PointsReleased("m-1", holdId, Allocation.total(held), held, ReleaseReason.CANCELLED));
        }
        // As if the holds had been released before the refund: the refund takes the order's 100 alone.
        assertThat(account.lot("lot-order").remaining()).isZero();
        assertThat(account.lot("lot-soon").remaining()).isEqualTo(30);
        assertThat(account.lot("lot-late").remaining()).isEqualTo(100);
        assertThat(account.balance(T0).available()).isEqualTo(130);
    }

    @Test
    void aMoveOfAHoldNotOpenOrOfMoreThanItHoldsIsRefusedAndChangesNothing() {
        earn("lot-order", 100, T0, MONTH);
        earn("lot-late", 100, T0, YEAR);
        hold("h-1", 100, new Allocation("lot-order", 100));
        AccountState before = account.snapshot();
        List<Allocation> taken = List.of(new Allocation("lot-late", 60));
        assertThatThrownBy(() -> account.apply(new PointsReversed("m-1", "o-1", "rf-1", 60, taken, 0, 0, 0,
                List.of(new HoldMove("h-9", "lot-order", "lot-late", 60)))))
                .isInstanceOf(InvariantViolation.class).hasMessageContaining("h-9 which is not open");
        assertThatThrownBy(() -> account.apply(new PointsReversed("m-1", "o-1", "rf-1", 60, taken, 0, 0, 0,
                List.of(new HoldMove("h-1", "lot-late", "lot-order", 60)))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("do not take from");
        assertThatThrownBy(() -> account.apply(new PointsReversed("m-1", "o-1", "rf-1", 60, taken, 0, 0, 0,
                List.of(new HoldMove("h-1", "lot-elsewhere", "lot-late", 60)))))
                .isInstanceOf(InvariantViolation.class).hasMessageContaining("which it holds 0 of");
        assertThatThrownBy(() -> new PointsReversed("m-1", "o-1", "rf-1", 60, taken, 0, 0, 0,
                List.of(new HoldMove("h-1", "lot-order", "lot-late", 61))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("more into lot lot-late");
        assertThatThrownBy(() -> new PointsReversed("m-1", null, null, 60, taken, 0, 60, 0,
                List.of(new HoldMove("h-1", "lot-order", "lot-late", 60))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("settlement moves no hold");
        assertThat(account.snapshot()).isEqualTo(before);
    }

    private void hold(String holdId, long points, Allocation... allocations) {
        account.apply(new PointsReserved("m-1", holdId, points, List.of(allocations), T0.plusSeconds(900), null));
    }

    @Test
    void debtIsSettledFromANewLotAsFarAsItGoes() {
        earn("lot-1", 50, T0, YEAR);
        account.apply(new PointsSpent("m-1", null, 50, List.of(new Allocation("lot-1", 50)), null));
        account.apply(new PointsReversed("m-1", "o-1", "rf-1", 0, List.of(), 50));
        earn("lot-2", 30, T0, YEAR);
        AllocationPlan partly = Allocator.forDebtSettlement(account, "lot-2");
        assertThat(partly.allocations()).containsExactly(new Allocation("lot-2", 30));
        assertThat(partly.shortfall()).isEqualTo(20);
        account.apply(new PointsReversed("m-1", null, null, 30, partly.allocations(), 0, 30));
        earn("lot-3", 100, T0, YEAR);
        AllocationPlan fully = Allocator.forDebtSettlement(account, "lot-3");
        assertThat(fully.allocations()).containsExactly(new Allocation("lot-3", 20));
        assertThat(fully.covered()).isTrue();
        account.apply(new PointsReversed("m-1", null, null, 20, fully.allocations(), 0, 20));
        assertThat(account.debt()).isZero();
        assertThat(Allocator.forDebtSettlement(account, "lot-3")).isEqualTo(new AllocationPlan(List.of(), 0));
        assertThatThrownBy(() -> Allocator.forDebtSettlement(account, "lot-9")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void debtIsSettledFromPointsGivenBackToLotsAsFarAsTheyCameBack() {
        earn("lot-order", 350, T0, YEAR);
        earn("lot-old", 40, T0, MONTH);
        earn("lot-other", 100, T0, YEAR);
        List<Allocation> held = List.of(new Allocation("lot-old", 40), new Allocation("lot-order", 350));
        account.apply(new PointsReserved("m-1", "h-1", 390, held, T0.plus(Duration.ofHours(1)), null));
        account.apply(new PointsReversed("m-1", "o-1", "rf-1", 100, List.of(new Allocation("lot-other", 100)), 250));
        account.apply(new PointsReleased("m-1", "h-1", 390, held, ReleaseReason.CANCELLED));

        // Only what came back, the soonest-expiring lot first whatever the order given, never more than the debt.
        AllocationPlan plan = Allocator.forDebtSettlement(account, held);
        assertThat(plan.allocations()).containsExactly(new Allocation("lot-old", 40), new Allocation("lot-order", 210));
        assertThat(plan.covered()).isTrue();
        assertThat(Allocator.forDebtSettlement(account, List.of(held.get(1), held.get(0)))).isEqualTo(plan);
        // More came back than the lot holds now (it was spent meanwhile): only what it holds.
        account.apply(new PointsSpent("m-1", null, 300, List.of(new Allocation("lot-order", 300)), null));
        AllocationPlan spentMeanwhile = Allocator.forDebtSettlement(account, held);
        assertThat(spentMeanwhile.allocations()).containsExactly(new Allocation("lot-old", 40), new Allocation("lot-order", 50));
        assertThat(spentMeanwhile.shortfall()).isEqualTo(160);
        assertThat(Allocator.forDebtSettlement(account, List.of())).isEqualTo(new AllocationPlan(List.of(), 250));
        assertThatThrownBy(() -> Allocator.forDebtSettlement(account, List.of(new Allocation("lot-9", 1))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void expiryTakesWholeLotsPastTheirExpiresAt() {
        earn("lot-b", 10, T0, MONTH);
        earn("lot-a", 20, T0, MONTH);
        earn("lot-0", 5, T0.minus(Duration.ofDays(10)), T0);
        earn("lot-c", 30, T0, YEAR);
        account.apply(new PointsSpent("m-1", null, 4, List.of(new Allocation("lot-a", 4)), null));
        assertThat(Allocator.forExpiry(account, T0.minusSeconds(1))).isEmpty();
        assertThat(Allocator.forExpiry(account, MONTH)).containsExactly(new Allocation("lot-0", 5),
                new Allocation("lot-a", 16), new Allocation("lot-b", 10));
    }
}
