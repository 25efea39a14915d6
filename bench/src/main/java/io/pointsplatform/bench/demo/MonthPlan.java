package io.pointsplatform.bench.demo;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * What a small shop's month looks like, decided from a seed alone: who enrols (and who referred
 * them), what each member buys on which day, which orders are partly refunded, who pays with
 * points at checkout, who redeems which reward, who tries the lottery, and whose points lapse.
 * No clock, no I/O: {@link #of} gives the same plan for the same seed, members and days, and
 * {@link #purchasedAt} turns a plan's "days ago" into a time only when the demo runs.
 *
 * <p>Spending is planned within what each member surely has: its sign-up (and referral) bonus and
 * the base points (1 a yuan, the platform's default) of its orders that are past the 7-day returns
 * window and not refunded. Rules and campaigns only add to that, so every planned redemption and
 * payment is covered whatever else the stack's rules give.
 */
public record MonthPlan(long seed, int days, List<Shopper> members, List<Order> orders, List<Refund> refunds,
                        List<Lapse> lapses, List<Expiring> expiring, List<Payment> payments, List<Redemption> redemptions,
                        List<Integer> lotteryRush, long lotteryStock, int cancelledRedemption,
                        Adjustment approved, Adjustment rejected, int voucherUsed, Map<Kind, Reward> rewards) {

    /** The five kinds of reward (CONTRACT.md). */
    public enum Kind { GIFT, VOUCHER, COUPON, LOTTERY, DONATION }

    /** A member: {@code key} is its id within a run ("m0001"); {@code referrer} an earlier member's index, or -1. */
    public record Shopper(int index, String key, String name, String locale, boolean email, int referrer, boolean lapsed) {
    }

    /** One order line; {@code promotional} lines (特价) earn nothing. */
    public record Line(String sku, String category, int quantity, BigDecimal unitPrice, boolean promotional) {

        BigDecimal amount() {
            return unitPrice.multiply(BigDecimal.valueOf(quantity));
        }
    }

    /** An order of {@code member}, {@code daysAgo} days before the run's day, at {@code secondOfDay} shop time. */
    public record Order(String key, int member, int daysAgo, int secondOfDay, List<Line> lines) {

        /** What earns points: the non-promotional lines, in yuan. */
        public BigDecimal eligible() {
            return lines.stream().filter(l -> !l.promotional()).map(Line::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
        }
    }

    /** A refund of {@code amount} yuan of order {@code order} (an index into {@link #orders}). */
    public record Refund(String key, int order, BigDecimal amount) {
    }

    /** A member's order bought a year ago, less {@code expiry lead}: its points expire while the demo runs. */
    public record Lapse(String key, int member, List<Line> lines) {
    }

    /**
     * An order bought almost a year ago whose points expire in {@code inDays} days (at
     * {@code secondOfDay} shop time): reminders 30 and 7 days ahead, and the dashboard's "expiring
     * in the next 30 days".
     */
    public record Expiring(String key, int member, int inDays, int secondOfDay, List<Line> lines) {
    }

    /** Points as cash at checkout: {@code points} of an order of {@code orderAmount} yuan, cancelled or captured. */
    public record Payment(String key, int member, BigDecimal orderAmount, long points, boolean cancelled) {
    }

    /** A member redeems one unit of the reward of {@code kind}. */
    public record Redemption(String key, int member, Kind kind) {
    }

    /** A manual adjustment (maker-checker). */
    public record Adjustment(String key, int member, long points, String reason) {
    }

    /** A reward the admin creates; {@code stock} null is unlimited. */
    public record Reward(Kind kind, String key, String name, long pointsCost, Long stock, BigDecimal voucherValue,
                         String cause, int couponCodes) {
    }

    /** The shop's shelves: SKU, category, unit price (yuan), weight. */
    private static final Object[][] SHELF = {
            {"oolong-tea", "tea", "68.00", 6}, {"green-tea", "tea", "45.00", 6}, {"novel", "books", "39.90", 5},
            {"cookbook", "books", "88.00", 3}, {"rice-5kg", "grocery", "59.90", 8}, {"cooking-oil", "grocery", "79.00", 6},
            {"soy-sauce", "grocery", "12.50", 8}, {"kettle", "home", "150.00", 2}, {"towel-set", "home", "35.00", 4},
            {"earbuds", "electronics", "299.00", 1}, {"power-bank", "electronics", "129.00", 2},
    };
    /** Promotional lines (特价): on sale, earn nothing. */
    private static final Object[][] SPECIALS = {
            {"mooncake-special", "grocery", "19.90"}, {"tea-sample-special", "tea", "9.90"}, {"mug-special", "home", "15.00"},
    };
    private static final String[] SURNAMES = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴"};
    private static final String[] GIVEN = {"伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "杰", "娟", "涛"};
    private static final String[] FIRST = {"Alice", "Ben", "Chloe", "David", "Emma", "Felix", "Grace", "Henry", "Iris", "Jack"};
    private static final String[] LAST = {"Smith", "Wong", "Brown", "Lee", "Taylor", "Chan", "Miller", "Ng"};

    static final long SIGNUP_BONUS = 100;
    static final long REFERRAL_BONUS = 100;
    /** Orders this many days old or more are past the returns window (7 days) whatever their hour. */
    static final int AVAILABLE_AFTER_DAYS = 8;
    public static final int MIN_DAYS = 10;
    public static final int MAX_DAYS = 180;
    public static final int MIN_MEMBERS = 5;
    public static final int MAX_MEMBERS = 100_000;

    /** The plan for {@code seed}, {@code memberCount} members and a month of {@code days} days. */
    public static MonthPlan of(long seed, int memberCount, int days) {
        if (memberCount < MIN_MEMBERS || memberCount > MAX_MEMBERS) {
            throw new IllegalArgumentException("members must be within " + MIN_MEMBERS + ".." + MAX_MEMBERS + ", was " + memberCount);
        }
        if (days < MIN_DAYS || days > MAX_DAYS) {
            throw new IllegalArgumentException("days must be within " + MIN_DAYS + ".." + MAX_DAYS + ", was " + days);
        }
        Random random = new Random(seed);
        // Who lapses: about one in twenty (at least two), never the first two (the shop's regulars).
        Set<Integer> lapsed = new LinkedHashSet<>();
        int lapsedCount = Math.max(2, memberCount / 20);
        while (lapsed.size() < lapsedCount) {
            lapsed.add(2 + random.nextInt(memberCount - 2));
        }
        List<Shopper> members = new ArrayList<>();
        for (int i = 0; i < memberCount; i++) {
            boolean english = random.nextDouble() < 0.3;
            String name = english ? FIRST[random.nextInt(FIRST.length)] + " " + LAST[random.nextInt(LAST.length)]
                    : SURNAMES[random.nextInt(SURNAMES.length)] + GIVEN[random.nextInt(GIVEN.length)];
            // Lapsed members always give an address: the expiry of their points is e-mailed too.
            boolean email = random.nextDouble() < 0.35 || lapsed.contains(i);
            int referrer = i > 0 && random.nextDouble() < 0.3 ? random.nextInt(i) : -1;
            members.add(new Shopper(i, String.format("m%04d", i + 1), name, english ? "en" : "zh-CN", email, referrer,
                    lapsed.contains(i)));
        }

        List<Order> orders = new ArrayList<>();
        List<Lapse> lapses = new ArrayList<>();
        for (Shopper member : members) {
            if (member.lapsed()) {
                // One order a year ago (less the expiry lead) and nothing since.
                lapses.add(new Lapse("lapse" + (lapses.size() + 1), member.index(), lines(random)));
                continue;
            }
            int count = 1 + random.nextInt(5);
            for (int k = 0; k < count; k++) {
                orders.add(new Order(String.format("o%05d", orders.size() + 1), member.index(), random.nextInt(days),
                        shopSecond(random), lines(random)));
            }
            if (member.index() < 2) {
                // The two regulars: a television in the first half of the month (past the returns window),
                // so that between them they try every reward, pay with points and reach SILVER.
                orders.add(new Order(String.format("o%05d", orders.size() + 1), member.index(),
                        AVAILABLE_AFTER_DAYS + random.nextInt(days - AVAILABLE_AFTER_DAYS), shopSecond(random),
                        List.of(new Line("tv-55", "electronics", 1, new BigDecimal("2999.00"), false))));
            }
        }

        List<Refund> refunds = new ArrayList<>();
        boolean[] refunded = new boolean[orders.size()];
        for (int o = 0; o < orders.size(); o++) {
            Order order = orders.get(o);
            if (order.member() >= 2 && random.nextDouble() < 0.08) {
                Line first = order.lines().stream().filter(l -> !l.promotional()).findFirst().orElseThrow();
                refunds.add(new Refund(String.format("r%04d", refunds.size() + 1), o, first.unitPrice()));
                refunded[o] = true;
            }
        }

        // What each member surely has to spend (see the class comment).
        long[] budget = new long[memberCount];
        for (Shopper member : members) {
            budget[member.index()] = SIGNUP_BONUS + (member.referrer() >= 0 ? REFERRAL_BONUS : 0);
        }
        for (int o = 0; o < orders.size(); o++) {
            Order order = orders.get(o);
            if (!refunded[o] && order.daysAgo() >= AVAILABLE_AFTER_DAYS) {
                budget[order.member()] += order.eligible().setScale(0, RoundingMode.FLOOR).longValueExact();
            }
        }

        Map<Kind, Long> cost = new EnumMap<>(Kind.class);
        cost.put(Kind.GIFT, 800L);
        cost.put(Kind.VOUCHER, 500L);
        cost.put(Kind.COUPON, 300L);
        cost.put(Kind.LOTTERY, 100L);
        cost.put(Kind.DONATION, 200L);

        List<Payment> payments = new ArrayList<>();
        List<Redemption> redemptions = new ArrayList<>();
        for (Shopper member : members) {
            int m = member.index();
            if (member.lapsed()) {
                continue;
            }
            if (m < 2) {
                // Regulars: member 1 abandons a cart paid partly with points (cancelled), member 2 pays.
                payments.add(new Payment("pay" + (payments.size() + 1), m, new BigDecimal("120.00"), 500, m == 0));
                budget[m] -= m == 0 ? 0 : 500;
                for (Kind kind : List.of(Kind.GIFT, Kind.VOUCHER, Kind.COUPON, Kind.DONATION)) {
                    redemptions.add(new Redemption("rd" + (redemptions.size() + 1), m, kind));
                    budget[m] -= cost.get(kind);
                }
                continue;
            }
            if (budget[m] >= 600 && random.nextDouble() < 0.25) {
                long points = random.nextBoolean() ? 300 : 500;
                BigDecimal amount = BigDecimal.valueOf(20 + random.nextInt(180)).setScale(2, RoundingMode.UNNECESSARY);
                payments.add(new Payment("pay" + (payments.size() + 1), m, amount, points, false));
                budget[m] -= points;
            }
            if (random.nextDouble() < 0.5) {
                int wanted = 1 + random.nextInt(2);
                for (int k = 0; k < wanted; k++) {
                    Kind kind = List.of(Kind.GIFT, Kind.VOUCHER, Kind.COUPON, Kind.DONATION).get(random.nextInt(4));
                    if (cost.get(kind) <= budget[m]) {
                        redemptions.add(new Redemption("rd" + (redemptions.size() + 1), m, kind));
                        budget[m] -= cost.get(kind);
                    }
                }
            }
        }
        // The lottery draw opens at the end of the month: more members try than there are tickets.
        List<Integer> rush = new ArrayList<>();
        for (Shopper member : members) {
            int m = member.index();
            if (!member.lapsed() && budget[m] >= cost.get(Kind.LOTTERY) && (m < 2 || random.nextDouble() < 0.6)) {
                rush.add(m);
                budget[m] -= cost.get(Kind.LOTTERY);
            }
        }
        long lotteryStock = Math.max(1, rush.size() * 2L / 3);

        int cancelled = -1;
        int voucher = -1;
        for (int r = 0; r < redemptions.size(); r++) {
            Redemption redemption = redemptions.get(r);
            if (cancelled < 0 && redemption.member() == 0 && redemption.kind() == Kind.GIFT) {
                cancelled = r;
            }
            if (voucher < 0 && redemption.member() == 1 && redemption.kind() == Kind.VOUCHER) {
                voucher = r;
            }
        }
        Adjustment approved = new Adjustment("adj1", 1, 200, "goodwill: late delivery, ticket 4711");
        int other = members.stream().filter(s -> !s.lapsed() && s.index() >= 2).findFirst().map(Shopper::index).orElse(0);
        Adjustment rejected = new Adjustment("adj2", other, -50, "duplicate complaint credit");

        // About one member in ten also bought something almost a year ago, expiring within the next 30 days.
        List<Expiring> expiring = new ArrayList<>();
        for (Shopper member : members) {
            if (!member.lapsed() && member.index() >= 2 && random.nextDouble() < 0.1) {
                expiring.add(new Expiring("old" + (expiring.size() + 1), member.index(), 1 + random.nextInt(29), shopSecond(random),
                        lines(random)));
            }
        }

        Map<Kind, Reward> rewards = new EnumMap<>(Kind.class);
        long gifts = redemptions.stream().filter(r -> r.kind() == Kind.GIFT).count();
        long coupons = redemptions.stream().filter(r -> r.kind() == Kind.COUPON).count();
        rewards.put(Kind.GIFT, new Reward(Kind.GIFT, "thermos", "保温杯 Thermos", cost.get(Kind.GIFT), gifts + 3, null, null, 0));
        rewards.put(Kind.VOUCHER, new Reward(Kind.VOUCHER, "voucher-5", "5 元代金券 5-yuan voucher", cost.get(Kind.VOUCHER), null,
                new BigDecimal("5"), null, 0));
        rewards.put(Kind.COUPON, new Reward(Kind.COUPON, "coffee", "咖啡券 Coffee coupon", cost.get(Kind.COUPON), null, null, null,
                (int) coupons + 5));
        rewards.put(Kind.LOTTERY, new Reward(Kind.LOTTERY, "lucky-draw", "幸运抽奖 Lucky draw", cost.get(Kind.LOTTERY), lotteryStock,
                null, null, 0));
        rewards.put(Kind.DONATION, new Reward(Kind.DONATION, "library", "希望小学图书角 School library", cost.get(Kind.DONATION), null,
                null, "希望小学图书角", 0));
        return new MonthPlan(seed, days, List.copyOf(members), List.copyOf(orders), List.copyOf(refunds), List.copyOf(lapses),
                List.copyOf(expiring), List.copyOf(payments), List.copyOf(redemptions), List.copyOf(rush), lotteryStock, cancelled, approved, rejected,
                voucher, rewards);
    }

    private static List<Line> lines(Random random) {
        int total = 0;
        for (Object[] item : SHELF) {
            total += (Integer) item[3];
        }
        List<Line> lines = new ArrayList<>();
        Set<String> skus = new LinkedHashSet<>();
        int count = 1 + random.nextInt(3);
        while (skus.size() < count) {
            int pick = random.nextInt(total);
            for (Object[] item : SHELF) {
                pick -= (Integer) item[3];
                if (pick < 0) {
                    if (skus.add((String) item[0])) {
                        lines.add(new Line((String) item[0], (String) item[1], random.nextDouble() < 0.8 ? 1 : 2 + random.nextInt(2),
                                new BigDecimal((String) item[2]), false));
                    }
                    break;
                }
            }
        }
        if (random.nextDouble() < 0.25) {
            Object[] special = SPECIALS[random.nextInt(SPECIALS.length)];
            lines.add(new Line((String) special[0], (String) special[1], 1, new BigDecimal((String) special[2]), true));
        }
        return List.copyOf(lines);
    }

    /** A second of the shop's opening hours, 09:00 to 22:00. */
    private static int shopSecond(Random random) {
        return 9 * 3600 + random.nextInt(13 * 3600);
    }

    /**
     * When order {@code order} was bought, seen from {@code now}: its day in the shop's zone, at its
     * hour; an order of today whose hour has not come yet was bought a little before now instead.
     */
    public static Instant purchasedAt(Order order, Instant now, ZoneId zone) {
        ZonedDateTime day = now.atZone(zone).toLocalDate().minusDays(order.daysAgo()).atStartOfDay(zone);
        Instant at = day.with(LocalTime.ofSecondOfDay(order.secondOfDay())).toInstant();
        Instant latest = now.minusSeconds(60);
        return at.isAfter(latest) ? latest.minusSeconds(order.secondOfDay() % 3600) : at;
    }

    /**
     * When a lapsed order was bought so that its points expire {@code lead} after {@code now}: a year
     * (12 calendar months, UTC, as earning-service counts them) before that.
     */
    public static Instant lapsedPurchasedAt(Instant now, java.time.Duration lead, int expiryMonths) {
        ZonedDateTime target = now.plus(lead).atZone(ZoneOffset.UTC);
        ZonedDateTime bought = target.minusMonths(expiryMonths);
        if (bought.plusMonths(expiryMonths).isBefore(target)) {
            // No purchase expires on the target's day (29 February a year after a common year, the
            // 31st a month after a month of 30 days): the first purchase of the next day expires first
            // after it (a purchase on the day before would expire before now: ORDER_TOO_OLD).
            return bought.toLocalDate().plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        }
        return bought.toInstant();
    }

    /** Whether some purchase expires exactly at {@code target} ({@code expiryMonths} calendar months, UTC, after it). */
    public static boolean somePurchaseExpiresAt(Instant target, int expiryMonths) {
        ZonedDateTime at = target.atZone(ZoneOffset.UTC);
        return !at.minusMonths(expiryMonths).plusMonths(expiryMonths).isBefore(at);
    }

    /**
     * When an order of {@link #expiring} was bought so that its points expire on its day: that day
     * and hour in the shop's zone, {@code expiryMonths} calendar months (UTC) earlier.
     */
    public static Instant expiringPurchasedAt(Expiring order, Instant now, ZoneId zone, int expiryMonths) {
        Instant expires = now.atZone(zone).toLocalDate().plusDays(order.inDays()).atStartOfDay(zone)
                .with(LocalTime.ofSecondOfDay(order.secondOfDay())).toInstant();
        return expires.atZone(ZoneOffset.UTC).minusMonths(expiryMonths).toInstant();
    }

    /** The totals this plan makes the demo expect. */
    public Totals totals() {
        Map<Kind, Long> byKind = new EnumMap<>(Kind.class);
        for (Kind kind : Kind.values()) {
            byKind.put(kind, redemptions.stream().filter(r -> r.kind() == kind).count());
        }
        byKind.merge(Kind.LOTTERY, Math.min(lotteryStock, lotteryRush.size()), Long::sum);
        long redeemedPoints = redemptions.stream().mapToLong(r -> rewards.get(r.kind()).pointsCost()).sum()
                + Math.min(lotteryStock, lotteryRush.size()) * rewards.get(Kind.LOTTERY).pointsCost();
        long returnedPoints = cancelledRedemption < 0 ? 0 : rewards.get(redemptions.get(cancelledRedemption).kind()).pointsCost();
        return new Totals(members.size(), members.stream().filter(s -> s.referrer() >= 0).count(),
                members.stream().filter(Shopper::email).count(), members.stream().filter(s -> "en".equals(s.locale())).count(),
                lapses.size(), orders.size(), orders.stream().mapToLong(o -> o.lines().size()).sum(),
                orders.stream().flatMap(o -> o.lines().stream()).filter(Line::promotional).count(),
                orders.stream().map(Order::eligible).reduce(BigDecimal.ZERO, BigDecimal::add), refunds.size(),
                payments.stream().filter(p -> !p.cancelled()).count(), payments.stream().filter(Payment::cancelled).count(),
                payments.stream().filter(p -> !p.cancelled()).mapToLong(Payment::points).sum(), byKind,
                lotteryRush.size() - Math.min(lotteryStock, lotteryRush.size()), redeemedPoints - returnedPoints);
    }

    /**
     * What the demo expects: {@code redemptions} completed by kind (the lottery: its stock), the
     * lottery's {@code outOfStock} refusals, {@code redeemedPoints} spent on rewards net of the
     * cancelled one.
     */
    public record Totals(long members, long referred, long withEmail, long english, long lapsed, long orders, long lines,
                         long promotionalLines, BigDecimal eligibleYuan, long refunds, long paymentsCaptured,
                         long paymentsCancelled, long paymentPoints, Map<Kind, Long> redemptions, long outOfStock,
                         long redeemedPoints) {
    }
}
