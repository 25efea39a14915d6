package io.pointsplatform.bench.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pointsplatform.bench.demo.MonthPlan.Kind;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** What a seed decides: the month's orders, who redeems which reward, the totals the demo expects. */
class MonthPlanTest {

    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

    @Test
    void theSameSeedGivesTheSameMonthAndAnotherSeedAnother() {
        MonthPlan plan = MonthPlan.of(7, 80, 30);

        assertThat(MonthPlan.of(7, 80, 30)).isEqualTo(plan);
        assertThat(MonthPlan.of(7, 80, 30).totals()).isEqualTo(plan.totals());
        assertThat(MonthPlan.of(8, 80, 30).orders()).isNotEqualTo(plan.orders());
    }

    @Test
    void ordersAreSpreadOverTheMonthsDays() {
        MonthPlan plan = MonthPlan.of(3, 200, 30);

        assertThat(plan.orders()).allSatisfy(order -> assertThat(order.daysAgo()).isBetween(0, 29));
        Set<Integer> days = plan.orders().stream().map(MonthPlan.Order::daysAgo).collect(Collectors.toSet());
        assertThat(days).as("days with orders").hasSizeGreaterThan(25);
        assertThat(plan.orders()).allSatisfy(order -> assertThat(order.secondOfDay()).isBetween(9 * 3600, 22 * 3600 - 1));
        // Some orders are still in the 7-day returns window (pending), most are past it.
        assertThat(plan.orders()).anyMatch(order -> order.daysAgo() < 7).anyMatch(order -> order.daysAgo() >= 8);
    }

    @Test
    void everyOrderHasLinesSomePromotionalWhichEarnNothing() {
        MonthPlan plan = MonthPlan.of(11, 150, 30);

        assertThat(plan.orders()).allSatisfy(order -> {
            assertThat(order.lines()).isNotEmpty().anyMatch(line -> !line.promotional());
            BigDecimal eligible = order.lines().stream().filter(line -> !line.promotional())
                    .map(line -> line.unitPrice().multiply(BigDecimal.valueOf(line.quantity()))).reduce(BigDecimal.ZERO, BigDecimal::add);
            assertThat(order.eligible()).isEqualByComparingTo(eligible);
        });
        assertThat(plan.orders()).anyMatch(order -> order.lines().stream().anyMatch(MonthPlan.Line::promotional));
        assertThat(plan.orders()).as("tea for the campaign, books for the rule")
                .anyMatch(order -> order.lines().stream().anyMatch(line -> line.category().equals("tea")))
                .anyMatch(order -> order.lines().stream().anyMatch(line -> line.category().equals("books")));
    }

    @Test
    void referrersAreEnrolledBeforeTheMembersTheyReferAndSomeMembersAreEnglishOrHaveAnAddress() {
        MonthPlan plan = MonthPlan.of(5, 100, 30);

        assertThat(plan.members()).allSatisfy(member -> assertThat(member.referrer()).isLessThan(member.index()));
        assertThat(plan.members()).anyMatch(member -> member.referrer() >= 0).anyMatch(MonthPlan.Shopper::email)
                .anyMatch(member -> member.locale().equals("en")).anyMatch(member -> member.locale().equals("zh-CN"));
        assertThat(plan.members().stream().map(MonthPlan.Shopper::key).distinct()).hasSize(100);
    }

    @ParameterizedTest
    @CsvSource({"1, 5, 10", "2, 12, 30", "3, 40, 30", "4, 200, 30", "5, 500, 90", "6, 7, 180"})
    void everyKindOfRewardIsRedeemedAndTheLotteryHasFewerTicketsThanTries(long seed, int members, int days) {
        MonthPlan plan = MonthPlan.of(seed, members, days);
        MonthPlan.Totals totals = plan.totals();

        assertThat(totals.redemptions()).containsOnlyKeys(Kind.values());
        assertThat(totals.redemptions().values()).allSatisfy(count -> assertThat(count).isPositive());
        assertThat(plan.lotteryRush()).hasSizeGreaterThanOrEqualTo(2);
        assertThat(plan.lotteryStock()).isLessThan(plan.lotteryRush().size()).isPositive();
        assertThat(totals.outOfStock()).isEqualTo(plan.lotteryRush().size() - plan.lotteryStock());
        assertThat(plan.cancelledRedemption()).isNotNegative();
        assertThat(plan.redemptions().get(plan.cancelledRedemption()).kind()).isEqualTo(Kind.GIFT);
        assertThat(plan.redemptions().get(plan.voucherUsed()).kind()).isEqualTo(Kind.VOUCHER);
        assertThat(totals.paymentsCaptured()).isPositive();
        assertThat(totals.paymentsCancelled()).isEqualTo(1);
        assertThat(plan.rewards().get(Kind.COUPON).couponCodes()).isGreaterThan(totals.redemptions().get(Kind.COUPON).intValue());
        assertThat(plan.rewards().get(Kind.GIFT).stock()).isGreaterThanOrEqualTo(totals.redemptions().get(Kind.GIFT));
    }

    @ParameterizedTest
    @CsvSource({"1, 5, 10", "21, 60, 30", "22, 300, 30", "23, 100, 14"})
    void noMemberPlansToSpendMoreThanItSurelyHas(long seed, int members, int days) {
        MonthPlan plan = MonthPlan.of(seed, members, days);
        Set<Integer> refunded = plan.refunds().stream().map(MonthPlan.Refund::order).collect(Collectors.toSet());
        Map<Integer, Long> surely = new HashMap<>();
        for (MonthPlan.Shopper member : plan.members()) {
            surely.put(member.index(), 100L + (member.referrer() >= 0 ? 100 : 0));
        }
        for (int o = 0; o < plan.orders().size(); o++) {
            MonthPlan.Order order = plan.orders().get(o);
            if (!refunded.contains(o) && order.daysAgo() >= 8) {
                surely.merge(order.member(), order.eligible().setScale(0, RoundingMode.FLOOR).longValue(), Long::sum);
            }
        }
        Map<Integer, Long> spends = new HashMap<>();
        plan.payments().stream().filter(p -> !p.cancelled()).forEach(p -> spends.merge(p.member(), p.points(), Long::sum));
        plan.redemptions().forEach(r -> spends.merge(r.member(), plan.rewards().get(r.kind()).pointsCost(), Long::sum));
        plan.lotteryRush().forEach(m -> spends.merge(m, plan.rewards().get(Kind.LOTTERY).pointsCost(), Long::sum));

        assertThat(spends).allSatisfy((member, points) -> assertThat(points).as("member %d", member).isLessThanOrEqualTo(surely.get(member)));
        // A payment takes at most half of its order (points at 100 a yuan).
        assertThat(plan.payments()).allSatisfy(p -> assertThat(BigDecimal.valueOf(p.points()))
                .isLessThanOrEqualTo(p.orderAmount().multiply(BigDecimal.valueOf(50))));
    }

    @Test
    void lapsedMembersBuyOnceAYearAgoAndNeverSpend() {
        MonthPlan plan = MonthPlan.of(9, 100, 30);
        Set<Integer> lapsed = plan.members().stream().filter(MonthPlan.Shopper::lapsed).map(MonthPlan.Shopper::index)
                .collect(Collectors.toSet());

        assertThat(lapsed).hasSize(5).doesNotContain(0, 1);
        assertThat(plan.members()).filteredOn(MonthPlan.Shopper::lapsed).as("e-mailed their expiry").allMatch(MonthPlan.Shopper::email);
        assertThat(plan.lapses().stream().map(MonthPlan.Lapse::member).collect(Collectors.toSet())).isEqualTo(lapsed);
        assertThat(plan.orders()).noneMatch(o -> lapsed.contains(o.member()));
        assertThat(plan.payments()).noneMatch(p -> lapsed.contains(p.member()));
        assertThat(plan.redemptions()).noneMatch(r -> lapsed.contains(r.member()));
        assertThat(plan.lotteryRush()).noneMatch(lapsed::contains);
        assertThat(lapsed).doesNotContain(plan.approved().member(), plan.rejected().member());
        assertThat(MonthPlan.of(9, 5, 30).lapses()).hasSize(2);
    }

    @Test
    void someMembersBoughtAlmostAYearAgoWhatExpiresWithinThirtyDays() {
        MonthPlan plan = MonthPlan.of(19, 200, 30);
        Instant now = Instant.parse("2026-12-03T04:00:00Z");

        assertThat(plan.expiring()).isNotEmpty();
        assertThat(plan.expiring()).allSatisfy(old -> {
            assertThat(plan.members().get(old.member()).lapsed()).isFalse();
            assertThat(old.inDays()).isBetween(1, 29);
            Instant expires = MonthPlan.expiringPurchasedAt(old, now, SHANGHAI, 12).atZone(ZoneOffset.UTC).plusMonths(12).toInstant();
            assertThat(expires).isAfter(now).isBefore(now.plus(Duration.ofDays(31)));
            assertThat(expires.atZone(SHANGHAI).toLocalDate()).isEqualTo(now.atZone(SHANGHAI).toLocalDate().plusDays(old.inDays()));
        });
    }

    @Test
    void refundsTakeBackPartOfAnOrderNeverMoreThanItEarned() {
        MonthPlan plan = MonthPlan.of(13, 300, 30);

        assertThat(plan.refunds()).isNotEmpty();
        assertThat(plan.refunds()).allSatisfy(refund -> {
            assertThat(refund.amount()).isPositive().isLessThanOrEqualTo(plan.orders().get(refund.order()).eligible());
        });
        assertThat(plan.refunds().stream().map(MonthPlan.Refund::order).distinct()).hasSameSizeAs(plan.refunds());
    }

    @Test
    void theTotalsAreTheSumsOfThePlan() {
        MonthPlan plan = MonthPlan.of(17, 120, 30);
        MonthPlan.Totals totals = plan.totals();

        assertThat(totals.members()).isEqualTo(120);
        assertThat(totals.orders()).isEqualTo(plan.orders().size());
        assertThat(totals.lines()).isEqualTo(plan.orders().stream().mapToLong(o -> o.lines().size()).sum());
        assertThat(totals.eligibleYuan()).isEqualByComparingTo(plan.orders().stream().map(MonthPlan.Order::eligible)
                .reduce(BigDecimal.ZERO, BigDecimal::add));
        long rewards = plan.redemptions().stream().mapToLong(r -> plan.rewards().get(r.kind()).pointsCost()).sum();
        long lottery = plan.lotteryStock() * plan.rewards().get(Kind.LOTTERY).pointsCost();
        long cancelled = plan.rewards().get(Kind.GIFT).pointsCost();
        assertThat(totals.redeemedPoints()).isEqualTo(rewards + lottery - cancelled);
        assertThat(totals.paymentPoints()).isEqualTo(plan.payments().stream().filter(p -> !p.cancelled())
                .mapToLong(MonthPlan.Payment::points).sum());
        assertThat(totals.redemptions().get(Kind.LOTTERY)).isEqualTo(plan.lotteryStock());
        List<String> keys = plan.orders().stream().map(MonthPlan.Order::key).toList();
        assertThat(new HashSet<>(keys)).hasSameSizeAs(keys);
    }

    @Test
    void anOrderIsBoughtOnItsDayAtItsHourAndNeverAfterNow() {
        Instant now = Instant.parse("2026-12-03T04:00:00Z"); // 12:00 in Shanghai
        MonthPlan.Order lastWeek = new MonthPlan.Order("o1", 0, 7, 10 * 3600, List.of());
        MonthPlan.Order tonight = new MonthPlan.Order("o2", 0, 0, 21 * 3600, List.of());

        assertThat(MonthPlan.purchasedAt(lastWeek, now, SHANGHAI)).isEqualTo(Instant.parse("2026-11-26T02:00:00Z"));
        assertThat(MonthPlan.purchasedAt(tonight, now, SHANGHAI)).isBefore(now.minusSeconds(59))
                .isAfter(now.minus(Duration.ofHours(2)));
    }

    @Test
    void aLapsedOrderExpiresTheLeadAfterNowTwelveCalendarMonthsAfterItWasBought() {
        Instant now = Instant.parse("2026-12-03T12:00:00Z");
        Instant bought = MonthPlan.lapsedPurchasedAt(now, Duration.ofSeconds(75), 12);

        assertThat(bought).isEqualTo(Instant.parse("2025-12-03T12:01:15Z"));
        assertThat(bought.atZone(ZoneOffset.UTC).plusMonths(12).toInstant()).isEqualTo(now.plusSeconds(75));
        assertThat(MonthPlan.somePurchaseExpiresAt(now.plusSeconds(75), 12)).isTrue();
    }

    /**
     * On 29 February no purchase of a year before expires (the stack counts 12 calendar months: 28
     * February 2027 gives 28 February 2028): the lapsed orders are bought at the first moment whose
     * points expire after now, never before (which earning-service would refuse, ORDER_TOO_OLD).
     */
    @Test
    void onADayNoPurchaseExpiresTheLapsedOrdersExpireFirstAfterIt() {
        Instant now = Instant.parse("2028-02-29T12:00:00Z");
        Instant bought = MonthPlan.lapsedPurchasedAt(now, Duration.ofSeconds(75), 12);

        assertThat(bought).isEqualTo(Instant.parse("2027-03-01T00:00:00Z"));
        assertThat(bought.atZone(ZoneOffset.UTC).plusMonths(12).toInstant()).isAfter(now.plusSeconds(75));
        assertThat(MonthPlan.somePurchaseExpiresAt(now.plusSeconds(75), 12)).isFalse();
        // A month of 30 days before the 31st, with one month kept.
        assertThat(MonthPlan.lapsedPurchasedAt(Instant.parse("2026-12-31T08:00:00Z"), Duration.ofSeconds(75), 1))
                .isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
    }

    @Test
    void sizesOutsideTheirRangesAreRefused() {
        assertThatThrownBy(() -> MonthPlan.of(1, 4, 30)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("members");
        assertThatThrownBy(() -> MonthPlan.of(1, 50, 9)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("days");
        assertThatThrownBy(() -> MonthPlan.of(1, 50, 181)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("days");
    }

    @Test
    void theCommandLineRefusesBadSizesBeforeCallingAnything() {
        assertThat(new CommandLine(new Demo()).execute("--days", "3", "--earning", "http://127.0.0.1:1")).isEqualTo(2);
        assertThat(new CommandLine(new Demo()).execute("--members", "x")).isEqualTo(2);
        assertThat(new CommandLine(new Demo()).execute("--help")).isZero();
    }
}
