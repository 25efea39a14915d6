package io.pointsplatform.events;

import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Example events of every type, fixed and generated. */
final class Samples {

    static final Instant T0 = Instant.parse("2026-11-22T10:15:30.123Z");

    private Samples() {
    }

    static List<EventData> examples() {
        Instant year = T0.plus(365, ChronoUnit.DAYS);
        List<Allocation> fifty = List.of(new Allocation("lot-1", 30), new Allocation("lot-2", 20));
        return List.of(
                new PointsEarned("m-1", "lot-1", 120, new Origin(OriginKind.ORDER, "o-1"),
                        List.of(new BreakdownLine("base", 100), new BreakdownLine("member-day", 20)), T0, year),
                new PointsEarned("m-1", "lot-9", 100, new Origin(OriginKind.SIGNUP, null), List.of(), T0, year),
                new PointsReserved("m-1", "h-1", 50, fifty, T0.plusSeconds(900), "rd-1"),
                new PointsReleased("m-1", "h-1", 50, fifty, ReleaseReason.CANCELLED),
                new PointsSpent("m-1", "h-1", 50, fifty, "rd-1"),
                new PointsSpent("m-1", null, 30, List.of(new Allocation("lot-1", 30)), null),
                new PointsExpired("m-1", 70, List.of(new Allocation("lot-1", 70))),
                new PointsReversed("m-1", "o-1", "rf-1", 40, List.of(new Allocation("lot-1", 40)), 10),
                new PointsReversed("m-1", "o-2", "rf-2", 0, List.of(), 25),
                new PointsReversed("m-1", null, null, 10, List.of(new Allocation("lot-3", 10)), 0, 10),
                new PointsAdjusted("m-1", "adj-1", 200, "lot-adj-1", year, null, "goodwill", "admin-a", "admin-b"),
                new PointsAdjusted("m-1", "adj-2", -30, null, null, List.of(new Allocation("lot-1", 30)), "double credit",
                        "admin-a", "admin-b"),
                new TierChanged("m-1", "MEMBER", "SILVER", 2000),
                new PointsReturned("m-1", "h-1", "rt-1", 20, List.of(new Allocation("lot-2", 20)), "redemption:rd-1"),
                new PointsReturned("m-1", "h-1", "rt-2", 30, List.of(new Allocation("lot-1", 30)), null),
                new MemberEnrolled("m-1", "李雷", LocalDate.of(1990, 5, 17), "m-0"),
                new MemberEnrolled("m-2", null, null, null),
                new MemberEnrolled("m-3", "Han Meimei", null, null, "en", "han.meimei@example.com"),
                new MemberUpdated("m-3", null, null, "zh-CN", "meimei@example.cn"),
                new MemberUpdated("m-1", "Li Lei \"LL\"", LocalDate.of(1990, 5, 17)),
                new RewardUpserted("rw-1", "10 元代金券", "VOUCHER", 1000, 50L, 2, "MONTH", "SILVER", T0,
                        T0.plus(30, ChronoUnit.DAYS), "PUBLIC", "ACTIVE", "10.00", null, null),
                new RewardUpserted("rw-2", "Mug", "GIFT", 500, 0L, null, null, null, null, null, null, null, null, null, null),
                new RewardUpserted("rw-3", "抽奖", "LOTTERY", 100, null, 1, "DAY", null, null, null, "HIDDEN", "ACTIVE", null,
                        List.of(new RewardUpserted.Prize("p-1", "Mug", "0.25", 10L),
                                new RewardUpserted.Prize("p-2", "Pen", "0.000001", null)), null),
                new RewardUpserted("rw-4", "Trees", "DONATION", 100, null, null, null, null, null, null, "PUBLIC",
                        "RETIRED", null, null, "Plant trees"),
                new RewardRetired("rw-1"),
                new StockChanged("rw-1", 49),
                new StockChanged("rw-3", null, List.of(new StockChanged.PrizeStock("p-1", 9L),
                        new StockChanged.PrizeStock("p-2", null))),
                new RedemptionRequested("rd-1", "m-1", "rw-1", 1, 1000),
                // Recorded before catalog priced the reservation (redemption-service does so).
                new RedemptionRequested("rd-4", "m-1", "rw-1", 2, 0),
                new RedemptionCompleted("rd-1", "m-1", "rw-1", 1000, "V-ABC-123"),
                new RedemptionCompleted("rd-3", "m-1", "rw-2", 500, null),
                new RedemptionCompleted("rd-5", "m-1", "rw-3", 300, null, "Lucky draw", "LOTTERY", null, "Mug", null),
                new RedemptionCompleted("rd-6", "m-1", "rw-5", 200, null, "咖啡券", "COUPON", "CAFE-0001", null, null),
                new RedemptionCompleted("rd-7", "m-1", "rw-4", 100, null, "Trees", "DONATION", null, null, "Plant trees"),
                new RedemptionFailed("rd-2", "m-1", "rw-1", "OUT_OF_STOCK", "no stock left"),
                new RedemptionFailed("rd-8", "m-1", "rw-1", "INSUFFICIENT_POINTS", null, "Tea"),
                new RedemptionCancelled("rd-1", "m-1", "rw-1", 1000),
                new RedemptionCancelled("rd-5", "m-1", "rw-3", 300, "Lucky draw"),
                new PointsExpired("m-1", 70, List.of(new Allocation("lot-1", 70)), year, year.minus(2, ChronoUnit.DAYS)),
                new ExpiryDeferred("m-1", "lot-1", year, year.plus(5, ChronoUnit.DAYS), year.minus(2, ChronoUnit.DAYS)),
                new ExpiryDeferred("m-1", "lot-2", year, year.plus(7, ChronoUnit.DAYS), null),
                new ExpiryReminded("m-1", "P7D", 7 * 86_400, T0, List.of(new RemindedLot("lot-1", 70, year),
                        new RemindedLot("lot-2", 20, year))),
                // Last, so that the indexes tests use above stay: a refund of points that had all expired.
                new PointsReversed("m-1", "o-4", "rf-4", 0, List.of(), 0, 0, 350),
                // A refund that found its order's points held: the holds now hold from the lots it took.
                new PointsReversed("m-1", "o-5", "rf-5", 60, List.of(new Allocation("lot-1", 20),
                        new Allocation("lot-2", 40)), 0, 0, 0, List.of(new HoldMove("h-1", "lot-5", "lot-2", 40),
                        new HoldMove("h-2", "lot-5", "lot-1", 5))));
    }

    static CloudEvent envelope(EventData data) {
        return CloudEvent.of("ev-" + data.type() + "-" + data.key(), "/test", data.key(), T0, data);
    }

    // ---- generated ----

    static Arbitrary<String> ids() {
        return Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9').withChars('-', '_', ':')
                .ofMinLength(1).ofMaxLength(12).filter(s -> !s.isBlank());
    }

    /** Free text with what JSON must escape and what is not ASCII. */
    static Arbitrary<String> text() {
        return Arbitraries.strings().withCharRange('a', 'z').withCharRange('一', '龥')
                .withChars(' ', '"', '\\', '\n', '\t', '/', 'é', '€').ofMinLength(1).ofMaxLength(20)
                .filter(s -> !s.isBlank());
    }

    static Arbitrary<Instant> instants() {
        return Combinators.combine(
                Arbitraries.longs().between(Instant.parse("2000-01-01T00:00:00Z").getEpochSecond(),
                        Instant.parse("2100-01-01T00:00:00Z").getEpochSecond()),
                Arbitraries.oneOf(Arbitraries.just(0), Arbitraries.integers().between(0, 999).map(ms -> ms * 1_000_000),
                        Arbitraries.integers().between(0, 999_999_999)))
                .as(Instant::ofEpochSecond);
    }

    static Arbitrary<Long> points() {
        return Arbitraries.oneOf(Arbitraries.longs().between(1, 10_000), Arbitraries.longs().between(1, 1_000_000_000_000L));
    }

    static Arbitrary<List<Allocation>> allocations() {
        return Combinators.combine(ids(), points()).as(Allocation::new).list().ofMinSize(1).ofMaxSize(6)
                .uniqueElements(Allocation::lotId);
    }

    private static long sum(List<Allocation> allocations) {
        return allocations.stream().mapToLong(Allocation::points).sum();
    }

    static Arbitrary<EventData> anyEventData() {
        return Arbitraries.oneOf(pointsEvents(), memberEvents(), catalogEvents(), redemptionEvents(),
                notificationEvents());
    }

    static Arbitrary<EventData> pointsEvents() {
        Arbitrary<String> member = ids();
        Arbitrary<EventData> earned = Combinators.combine(member, ids(), points(),
                        Combinators.combine(Arbitraries.of(OriginKind.class), ids().injectNull(0.3)).as(Origin::new),
                        Combinators.combine(ids(), Arbitraries.longs().between(-100, 10_000)).as(BreakdownLine::new)
                                .list().ofMaxSize(4),
                        instants(), Arbitraries.longs().between(1, 400L * 86_400))
                .as((m, lot, p, origin, lines, at, life) -> new PointsEarned(m, lot, p, origin, lines, at,
                        at.plusSeconds(life)));
        Arbitrary<EventData> reserved = Combinators.combine(member, ids(), allocations(), instants(), ids().injectNull(0.3))
                .as((m, hold, a, exp, ref) -> new PointsReserved(m, hold, sum(a), a, exp, ref));
        Arbitrary<EventData> released = Combinators.combine(member, ids(), allocations(), Arbitraries.of(ReleaseReason.class))
                .as((m, hold, a, reason) -> new PointsReleased(m, hold, sum(a), a, reason));
        Arbitrary<EventData> spent = Combinators.combine(member, ids().injectNull(0.5), allocations(), ids().injectNull(0.3))
                .as((m, hold, a, ref) -> new PointsSpent(m, hold, sum(a), a, ref));
        Arbitrary<EventData> returned = Combinators.combine(member, ids(), ids(), allocations(), ids().injectNull(0.3))
                .as((m, hold, ret, a, ref) -> new PointsReturned(m, hold, ret, sum(a), a, ref));
        Arbitrary<EventData> expired = Combinators.combine(member, allocations(), instants().injectNull(0.6), instants())
                .as((m, a, scheduled, reminded) -> scheduled == null ? new PointsExpired(m, sum(a), a)
                        : new PointsExpired(m, sum(a), a, scheduled, reminded));
        Arbitrary<EventData> deferred = Combinators.combine(member, ids(), instants(),
                        Arbitraries.longs().between(1, 400L * 86_400), instants().injectNull(0.3))
                .as((m, lot, scheduled, by, reminded) -> new ExpiryDeferred(m, lot, scheduled, scheduled.plusSeconds(by),
                        reminded));
        Arbitrary<EventData> refund = Combinators.combine(member, ids(), ids(),
                        allocations().injectNull(0.2), Arbitraries.longs().between(0, 5_000),
                        Arbitraries.longs().between(0, 500).injectNull(0.5), ids().injectNull(0.6))
                .as((m, order, refund1, a, debt, gone, hold) -> a == null
                        ? new PointsReversed(m, order, refund1, 0, List.of(), gone == null ? debt + 1 : debt, 0,
                                gone == null ? 0 : gone + 1)
                        : new PointsReversed(m, order, refund1, sum(a), a, debt, 0, gone == null ? 0 : gone,
                                hold == null ? List.of() : List.of(new HoldMove(hold, "held-" + a.getFirst().lotId(),
                                        a.getFirst().lotId(), a.getFirst().points()))));
        Arbitrary<EventData> settlement = Combinators.combine(member, ids().injectNull(0.5), ids(), points())
                .as((m, ref, lot, p) -> new PointsReversed(m, ref, null, p, List.of(new Allocation(lot, p)), 0, p));
        Arbitrary<EventData> adjustIn = Combinators.combine(member, ids(), points(), ids(), instants(), text(), ids(), ids())
                .as((m, adj, p, lot, exp, reason, by, approver) -> new PointsAdjusted(m, adj, p, lot, exp, null, reason, by,
                        approver));
        Arbitrary<EventData> adjustOut = Combinators.combine(member, ids(), allocations(), text(), ids(), ids())
                .as((m, adj, a, reason, by, approver) -> new PointsAdjusted(m, adj, -sum(a), null, null, a, reason, by,
                        approver));
        Arbitrary<EventData> tier = Combinators.combine(member, Arbitraries.of("MEMBER", "SILVER", "GOLD", "PLATINUM"),
                        Arbitraries.of("MEMBER", "SILVER", "GOLD", "PLATINUM"), Arbitraries.longs().between(0, 1_000_000))
                .as(TierChanged::new);
        return Arbitraries.oneOf(earned, reserved, released, spent, returned, expired, refund, settlement, adjustIn, adjustOut, tier,
                deferred);
    }

    static Arbitrary<EventData> notificationEvents() {
        Arbitrary<List<RemindedLot>> lots = Combinators.combine(ids(), points(), instants()).as(RemindedLot::new)
                .list().ofMinSize(1).ofMaxSize(5).uniqueElements(RemindedLot::lotId);
        return Combinators.combine(ids(), Arbitraries.of("P30D", "P7D", "PT12H"), Arbitraries.longs().between(1, 90L * 86_400),
                        instants(), lots)
                .as(ExpiryReminded::new);
    }

    static Arbitrary<EventData> memberEvents() {
        Arbitrary<LocalDate> birthdays = Arbitraries.integers().between(0, 40_000).map(d -> LocalDate.of(1920, 1, 1).plusDays(d));
        Arbitrary<String> locales = Arbitraries.of("zh-CN", "en").injectNull(0.3);
        Arbitrary<String> emails = ids().map(s -> s + "@example.com").injectNull(0.5);
        Arbitrary<EventData> enrolled = Combinators.combine(ids().map(s -> "m" + s), text().injectNull(0.3),
                        birthdays.injectNull(0.3), ids().map(s -> "r" + s).injectNull(0.5), locales, emails)
                .as(MemberEnrolled::new);
        Arbitrary<EventData> updated = Combinators.combine(ids(), text().injectNull(0.3), birthdays.injectNull(0.3),
                        locales, emails)
                .as(MemberUpdated::new);
        return Arbitraries.oneOf(enrolled, updated);
    }

    static Arbitrary<EventData> catalogEvents() {
        Arbitrary<Instant[]> window = Combinators.combine(instants().injectNull(0.5),
                        Arbitraries.longs().between(1, 86_400L * 90).injectNull(0.5))
                .as((from, length) -> new Instant[] {from, from == null || length == null ? null : from.plusSeconds(length)});
        Arbitrary<EventData> upserted = Combinators.combine(ids(), text(),
                        Arbitraries.of("GIFT", "VOUCHER", "COUPON", "LOTTERY", "DONATION"), points(),
                        Arbitraries.longs().between(0, 1_000_000).injectNull(0.3), Arbitraries.integers().between(1, 10).injectNull(0.5),
                        Arbitraries.of("SILVER", "GOLD").injectNull(0.5), window)
                .as((id, name, kind, cost, stock, limit, tier, validity) -> new RewardUpserted(id, name, kind, cost,
                        stock, limit, limit == null ? null : "WEEK", tier, validity[0], validity[1], "PUBLIC", "ACTIVE",
                        null, null, null));
        Arbitrary<EventData> lottery = Combinators.combine(ids(), text(), points(),
                        Combinators.combine(ids(), text(), Arbitraries.of("0.5", "0.1", "0.000001", "1"),
                                Arbitraries.longs().between(0, 1_000).injectNull(0.3))
                                .as(RewardUpserted.Prize::new).list().ofMaxSize(5),
                        Arbitraries.of("3.50", "100").injectNull(0.5), text().injectNull(0.5))
                .as((id, name, cost, prizes, value, cause) -> new RewardUpserted(id, name, "LOTTERY", cost, null, null,
                        null, null, null, null, "HIDDEN", "RETIRED", value, prizes, cause));
        Arbitrary<EventData> retired = ids().map(RewardRetired::new);
        Arbitrary<EventData> stock = Combinators.combine(ids(), Arbitraries.longs().between(0, 1_000_000).injectNull(0.3),
                        Combinators.combine(ids(), Arbitraries.longs().between(0, 1_000).injectNull(0.3))
                                .as(StockChanged.PrizeStock::new).list().ofMaxSize(3).injectNull(0.5))
                .as(StockChanged::new);
        return Arbitraries.oneOf(upserted, lottery, retired, stock);
    }

    static Arbitrary<EventData> redemptionEvents() {
        Arbitrary<EventData> requested = Combinators.combine(ids(), ids(), ids(), Arbitraries.integers().between(1, 99),
                points()).as(RedemptionRequested::new);
        Arbitrary<String> names = text().injectNull(0.3);
        Arbitrary<EventData> completed = Combinators.combine(ids(), ids(), ids(), points(), ids().injectNull(0.3),
                        names, Arbitraries.of("GIFT", "VOUCHER", "COUPON", "LOTTERY", "DONATION").injectNull(0.3),
                        Combinators.combine(ids().injectNull(0.5), names, names).as(java.util.Arrays::asList))
                .as((id, member, reward, points, voucher, name, kind, more) -> new RedemptionCompleted(id, member,
                        reward, points, voucher, name, kind, more.get(0), more.get(1), more.get(2)));
        Arbitrary<EventData> failed = Combinators.combine(ids(), ids(), ids(),
                        Arbitraries.of("OUT_OF_STOCK", "INSUFFICIENT_POINTS", "NOT_ELIGIBLE"), text().injectNull(0.3), names)
                .as(RedemptionFailed::new);
        Arbitrary<EventData> cancelled = Combinators.combine(ids(), ids(), ids(), Arbitraries.longs().between(0, 100_000),
                        names)
                .as(RedemptionCancelled::new);
        return Arbitraries.oneOf(requested, completed, failed, cancelled);
    }

    static Arbitrary<CloudEvent> anyEvent() {
        return Combinators.combine(ids(), Arbitraries.of("/earning-service", "/ledger-service", "/catalog-service"),
                instants(), anyEventData()).as((id, source, time, data) -> CloudEvent.of(id, source, time, data));
    }
}
