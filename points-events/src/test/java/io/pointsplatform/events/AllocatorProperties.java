package io.pointsplatform.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

class AllocatorProperties {

    private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");

    /** Lots around NOW: some pending, some expired, some emptied, expiry ties broken by lotId. */
    @Provide
    Arbitrary<List<Lot>> lots() {
        Arbitrary<Long> hours = Arbitraries.longs().between(-48, 48);
        Arbitrary<Lot> lot = Combinators.combine(Arbitraries.strings().withCharRange('a', 'f').ofMinLength(1).ofMaxLength(3),
                        Arbitraries.longs().between(1, 500), Arbitraries.integers().between(0, 100),
                        hours.injectNull(0.3), Arbitraries.longs().between(1, 72))
                .as((id, points, percentLeft, availableIn, life) -> {
                    Instant availableAt = availableIn == null ? null : NOW.plusSeconds(availableIn * 3600);
                    Instant expiresAt = (availableAt == null ? NOW.minusSeconds(24 * 3600) : availableAt)
                            .plusSeconds(life * 3600);
                    return new Lot("lot-" + id, points, points * percentLeft / 100, availableAt, expiresAt,
                            OriginKind.ORDER);
                });
        return lot.list().ofMaxSize(12).uniqueElements(Lot::lotId);
    }

    /** Small amounts, and amounts near the top of a long, so that sums overflow now and then. */
    @Provide
    Arbitrary<List<Long>> amounts() {
        return Arbitraries.oneOf(Arbitraries.longs().between(1, 1_000),
                Arbitraries.longs().between(Long.MAX_VALUE / 4, Long.MAX_VALUE)).list().ofMaxSize(6);
    }

    @Property(tries = 500)
    void allocationsTotalExactlyWhatTheyTakeOrRefuseToWrap(@ForAll("amounts") List<Long> amounts) {
        List<Allocation> allocations = new ArrayList<>();
        BigInteger exact = BigInteger.ZERO;
        for (int i = 0; i < amounts.size(); i++) {
            allocations.add(new Allocation("lot-" + i, amounts.get(i)));
            exact = exact.add(BigInteger.valueOf(amounts.get(i)));
        }
        if (exact.bitLength() < Long.SIZE) {
            assertThat(Allocation.total(allocations)).isEqualTo(exact.longValueExact());
        } else {
            assertThatThrownBy(() -> Allocation.total(allocations)).isInstanceOf(ArithmeticException.class);
        }
    }

    @Property(tries = 1000)
    void debitsTakeAvailablePointsInSpendingOrder(@ForAll("lots") List<Lot> lots,
            @ForAll @LongRange(min = 1, max = 3000) long points) {
        AllocationPlan plan = Allocator.forDebit(lots, points, NOW);
        Map<String, Lot> byId = new HashMap<>();
        lots.forEach(l -> byId.put(l.lotId(), l));
        long available = lots.stream().filter(l -> l.isAvailable(NOW)).mapToLong(Lot::remaining).sum();

        assertThat(plan.covered()).isEqualTo(available >= points);
        assertThat(plan.taken()).isEqualTo(Math.min(points, available));
        assertThat(plan.taken() + plan.shortfall()).isEqualTo(points);
        List<Lot> used = new ArrayList<>();
        for (Allocation allocation : plan.allocations()) {
            Lot lot = byId.get(allocation.lotId());
            assertThat(lot.isAvailable(NOW)).isTrue();
            assertThat(allocation.points()).isBetween(1L, lot.remaining());
            used.add(lot);
        }
        assertThat(used).isSortedAccordingTo(Lot.SPENDING_ORDER).doesNotHaveDuplicates();
        // Each lot is emptied before the next is touched, and no usable lot is skipped.
        for (int i = 0; i < plan.allocations().size() - 1; i++) {
            assertThat(plan.allocations().get(i).points()).isEqualTo(used.get(i).remaining());
        }
        if (!used.isEmpty()) {
            Lot last = used.get(used.size() - 1);
            lots.stream().filter(l -> l.isAvailable(NOW) && l.remaining() > 0)
                    .filter(l -> Lot.SPENDING_ORDER.compare(l, last) < 0)
                    .forEach(l -> assertThat(used).contains(l));
        }
    }

    @Property(tries = 500)
    void reversalsTakeWhatTheyCanAndOweTheRest(@ForAll("lots") List<Lot> lots,
            @ForAll @LongRange(min = 1, max = 3000) long points, @ForAll @LongRange(min = 0, max = 20) long pick,
            @ForAll @LongRange(min = 0, max = 500) long lapsed) {
        Account account = credited(lots);
        String orderLot = lots.isEmpty() || pick == 20 ? "lot-none" : lots.get((int) (pick % lots.size())).lotId();
        ReversalPlan plan = Allocator.forReversal(account, orderLot, points, lapsed, NOW);

        Lot own = account.lot(orderLot);
        // The order's own points first, expired or not; then what expired of them is not taken again.
        long ownTaken = own == null ? 0 : Math.min(points, own.remaining());
        long forgiven = own == null ? 0 : Math.min(points - ownTaken, lapsed);
        // Every other lot with points left, available, pending or past its expiresAt alike.
        long othersAvailable = account.lots().stream().filter(l -> !l.lotId().equals(orderLot))
                .mapToLong(Lot::remaining).sum();
        assertThat(plan.taken() + plan.debt() + plan.alreadyExpired()).isEqualTo(points);
        assertThat(plan.alreadyExpired()).isEqualTo(forgiven);
        assertThat(plan.debt()).isEqualTo(Math.max(0, points - ownTaken - forgiven - othersAvailable));
        if (ownTaken > 0) {
            assertThat(plan.allocations().get(0)).isEqualTo(new Allocation(orderLot, ownTaken));
        }
        // The plan is one the fold accepts.
        account.apply(PointsReversed.refund("m-1", "o-1", "rf-1", plan));
        assertThat(account.debt()).isEqualTo(plan.debt());
    }

    @Property(tries = 500)
    void aReversalOverMoreLotsThanOneEventNamesTakesTheFirstAndOwesTheRest(@ForAll("lots") List<Lot> lots,
            @ForAll @LongRange(min = 1, max = 3000) long points, @ForAll @IntRange(min = 1, max = 4) int maxLots) {
        Account account = credited(lots);
        String orderLot = lots.isEmpty() ? "lot-none" : lots.get(0).lotId();
        ReversalPlan capped = Allocator.forReversal(account, orderLot, points, 0, NOW, maxLots);
        ReversalPlan whole = Allocator.forReversal(account, orderLot, points, 0, NOW);

        assertThat(capped.allocations()).hasSizeLessThanOrEqualTo(maxLots);
        assertThat(capped.taken() + capped.debt()).isEqualTo(points);
        // The same lots in the same order as without the cap, as far as the cap goes.
        assertThat(whole.allocations()).startsWith(capped.allocations().toArray(Allocation[]::new));
        if (whole.allocations().size() <= maxLots) {
            assertThat(capped).isEqualTo(whole);
        } else {
            assertThat(capped.allocations()).hasSize(maxLots);
            assertThat(capped.debt()).isGreaterThan(whole.debt());
        }
        account.apply(new PointsReversed("m-1", "o-1", "rf-1", capped.taken(), capped.allocations(), capped.debt()));
        assertThat(account.debt()).isEqualTo(capped.debt());
    }

    /** An account credited with {@code lots} (one available from 100 hours before it expires when it says no date). */
    private static Account credited(List<Lot> lots) {
        Account account = new Account("m-1");
        for (Lot lot : lots) {
            Instant availableAt = lot.availableAt() == null ? lot.expiresAt().minusSeconds(3600 * 100) : lot.availableAt();
            account.apply(new PointsEarned("m-1", lot.lotId(), lot.points(), new Origin(OriginKind.ORDER, null), null,
                    availableAt, lot.expiresAt()));
        }
        return account;
    }

    @Property(tries = 500)
    void returnsGiveBackOnlyWhatACaptureSpentLatestExpiringFirst(@ForAll("lots") List<Lot> lots,
            @ForAll @LongRange(min = 1, max = 3000) long points, @ForAll @LongRange(min = 0, max = 100) long percentBefore) {
        Account account = new Account("m-1");
        List<Allocation> captured = new ArrayList<>();
        List<Allocation> before = new ArrayList<>();
        for (Lot lot : lots) {
            account.apply(new PointsEarned("m-1", lot.lotId(), lot.points(), new Origin(OriginKind.ORDER, null), null,
                    lot.expiresAt().minusSeconds(3600 * 100), lot.expiresAt()));
            captured.add(new Allocation(lot.lotId(), lot.points()));
            long given = lot.points() * percentBefore / 100;
            if (given > 0) {
                before.add(new Allocation(lot.lotId(), given));
            }
        }
        long left = Allocation.total(captured) - Allocation.total(before);
        AllocationPlan plan = Allocator.forReturn(account, captured, before, points);

        assertThat(plan.covered()).isEqualTo(points <= left);
        assertThat(plan.taken()).isEqualTo(Math.min(points, left));
        Map<String, Long> givenBefore = new HashMap<>();
        before.forEach(a -> givenBefore.put(a.lotId(), a.points()));
        List<Lot> used = new ArrayList<>();
        for (Allocation allocation : plan.allocations()) {
            Lot lot = account.lot(allocation.lotId());
            assertThat(allocation.points() + givenBefore.getOrDefault(lot.lotId(), 0L)).isLessThanOrEqualTo(lot.points());
            used.add(lot);
        }
        assertThat(used).isSortedAccordingTo(Lot.SPENDING_ORDER.reversed()).doesNotHaveDuplicates();
        // Each lot is given all it may take back before the next is touched.
        for (int i = 0; i < plan.allocations().size() - 1; i++) {
            Allocation allocation = plan.allocations().get(i);
            assertThat(allocation.points() + givenBefore.getOrDefault(allocation.lotId(), 0L))
                    .isEqualTo(account.lot(allocation.lotId()).points());
        }
    }
}
