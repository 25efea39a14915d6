package io.pointsplatform.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Events cut into parts keep every lot once and in order, and an event at the limit stays small. */
class LotLimitsProperties {

    @Provide
    Arbitrary<List<Integer>> lots() {
        return Arbitraries.integers().between(0, 1_000).list().ofMaxSize(60);
    }

    @Property(tries = 1000)
    void partsHoldEveryLotOnceInOrderAndNoneIsOverTheMax(@ForAll("lots") List<Integer> lots,
            @ForAll @IntRange(min = 1, max = 25) int max) {
        List<List<Integer>> parts = LotLimits.parts(lots, max);
        List<Integer> joined = new ArrayList<>();
        parts.forEach(joined::addAll);
        assertThat(joined).isEqualTo(lots);
        assertThat(parts).hasSize((lots.size() + max - 1) / max);
        assertThat(parts).allSatisfy(part -> assertThat(part).isNotEmpty().hasSizeLessThanOrEqualTo(max));
        // Only the last part is short: the parts are as few as they can be.
        for (int i = 0; i + 1 < parts.size(); i++) {
            assertThat(parts.get(i)).hasSize(max);
        }
    }

    @Property(tries = 200)
    void partIdsAreDistinctAndTheFirstIsTheBase(@ForAll @IntRange(min = 1, max = 50) int count) {
        HashSet<String> ids = new HashSet<>();
        for (int i = 0; i < count; i++) {
            ids.add(LotLimits.partId("points.expired:m-1:1700000000000", i));
        }
        assertThat(ids).hasSize(count).contains("points.expired:m-1:1700000000000");
        if (count > 1) {
            assertThat(ids).contains("points.expired:m-1:1700000000000#2");
        }
    }

    @Property(tries = 500)
    void thePointsThatFitAreThoseOfTheFirstLotsAndAllWhenEveryLotFits(
            @ForAll("lots") List<Integer> sizes) {
        List<Allocation> plan = new ArrayList<>();
        for (int i = 0; i < sizes.size(); i++) {
            plan.add(new Allocation("lot-" + i, sizes.get(i) + 1L));
        }
        // Small plans all fit, so the points that fit are every point of the plan.
        assertThat(LotLimits.fits(plan)).isTrue();
        assertThat(LotLimits.pointsThatFit(plan)).isEqualTo(Allocation.total(plan));
    }

    @Test
    void aPlanOverTheLimitFitsTheFirstLotsOnly() {
        List<Allocation> plan = new ArrayList<>();
        for (int i = 0; i < LotLimits.PER_EVENT + 5; i++) {
            plan.add(new Allocation("lot-" + i, i < LotLimits.PER_EVENT ? 2 : 1_000));
        }
        assertThat(LotLimits.fits(plan)).isFalse();
        assertThat(LotLimits.fits(plan.subList(0, LotLimits.PER_EVENT))).isTrue();
        assertThat(LotLimits.pointsThatFit(plan)).isEqualTo(2L * LotLimits.PER_EVENT);
        assertThatThrownBy(() -> LotLimits.parts(plan, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anEventAtTheLimitWithTheLongestLotIdsStaysFarUnderSixteenMebibytes() {
        EventCodec codec = new EventCodec();
        String pad = "x".repeat(150);
        Instant at = Instant.parse("2026-12-06T03:26:25.123456789Z");
        List<Allocation> allocations = new ArrayList<>();
        List<RemindedLot> reminded = new ArrayList<>();
        for (int i = 0; i < LotLimits.PER_EVENT; i++) {
            String lotId = String.format("%s%010d", pad, i);
            allocations.add(new Allocation(lotId, Long.MAX_VALUE / LotLimits.PER_EVENT));
            reminded.add(new RemindedLot(lotId, Long.MAX_VALUE / LotLimits.PER_EVENT, at));
        }
        PointsExpired expired = new PointsExpired("m-1", Allocation.total(allocations), allocations);
        ExpiryReminded reminder = new ExpiryReminded("m-1", "P7D", 604_800, at, reminded);
        for (EventData data : List.of(expired, reminder)) {
            int bytes = codec.write(CloudEvent.of("e-1", "/test", at, data)).getBytes(StandardCharsets.UTF_8).length;
            assertThat(bytes).as(data.type()).isBetween(1_000_000, 3_000_000);
        }
    }
}
