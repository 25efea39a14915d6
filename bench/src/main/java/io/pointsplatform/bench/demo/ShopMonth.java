package io.pointsplatform.bench.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pointsplatform.bench.Http;
import io.pointsplatform.bench.Tokens;
import io.pointsplatform.bench.demo.MonthPlan.Kind;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * Runs a {@link MonthPlan} against the running stack, phase by phase, through the services' public
 * HTTP APIs with the tokens of the callers the README names (the shop's checkout, two admins, each
 * member, an analyst). Every answer is checked: a non-2xx answer that is not an expected business
 * refusal stops the run with the problem body ({@link Unexpected}).
 *
 * <p>Phases: the admin's catalogue (an earning rule, a campaign, one reward of each kind and the
 * coupon codes as CSV); enrolments (referrers first); the lapsed members' year-old orders, whose
 * points expire {@code expiryLead} later; the month's orders, {@code purchasedAt} spread over its
 * days; refunds; a wait until the ledger has folded what the spenders need; payments with points
 * (hold, capture or cancel, and the cash part's order); redemptions (one cancelled, a voucher used
 * at checkout); the lottery rush (more tries than tickets: {@code OUT_OF_STOCK} expected); two
 * adjustments decided by a second admin (a self-approval refused); the campaign ended; the wait for
 * the expiries; the ledger's verify; the summary read back from the ledger.
 */
final class ShopMonth {

    /** The five services' base URLs. */
    record Services(String earning, String ledger, String catalog, String redemption, String notification) {
    }

    /** A call answered what the demo did not expect; the message says which call and what came back. */
    static final class Unexpected extends RuntimeException {
        Unexpected(String message) {
            super(message);
        }
    }

    /** What the run did, ready to print; {@code asPlanned} false when it printed a warning. */
    record Outcome(String summary, boolean asPlanned) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ZoneId SHOP_ZONE = ZoneId.of("Asia/Shanghai");
    private static final String RULE_ID = "demo-books-x1.5";
    private static final Duration LEDGER_WAIT = Duration.ofSeconds(180);
    private static final Duration SETTLE_WAIT = Duration.ofSeconds(60);
    private static final String WARNING = "  WARNING      ";

    private final MonthPlan plan;
    private final String run;
    private final Services at;
    private final Tokens tokens;
    private final Progress progress;
    private final int workers;
    private final Duration expiryLead;
    /** When the lapsed orders' points were meant to expire (now and the lead, when they were bought). */
    private volatile Instant lapsedTarget;
    private final Duration expiryWait;
    private final int expiryMonths;
    private final String checkout;
    private final String maker;
    private final String checker;
    private final String analyst;
    private final String[] memberTokens;

    // What the services answered.
    private final AtomicLong orderPoints = new AtomicLong();
    private final AtomicLong campaignPoints = new AtomicLong();
    private final AtomicLong rulePoints = new AtomicLong();
    private final AtomicLong refundedPoints = new AtomicLong();
    private final Map<String, AtomicLong> refundStatus = new ConcurrentHashMap<>();
    private final Map<Integer, Long> lapsedPoints = new ConcurrentHashMap<>();
    private final AtomicReference<Instant> lastLapsedExpiry = new AtomicReference<>(Instant.EPOCH);
    private final AtomicLong paymentsCaptured = new AtomicLong();
    private final AtomicLong paymentsCancelled = new AtomicLong();
    private final AtomicLong paymentPoints = new AtomicLong();
    private final Map<String, AtomicLong> refusals = new ConcurrentHashMap<>();
    private final Map<Kind, AtomicLong> completed = new ConcurrentHashMap<>();
    private final AtomicLong redeemedPoints = new AtomicLong();
    private final AtomicLong prizes = new AtomicLong();
    private final Map<String, JsonNode> redeemed = new ConcurrentHashMap<>();
    private final Map<Kind, String> rewardIds = new EnumMap<>(Kind.class);
    private String cancelNote = "";
    private String voucherNote = "";

    ShopMonth(MonthPlan plan, String run, Services at, Tokens tokens, Progress progress, int workers, Duration expiryLead,
              Duration expiryWait, int expiryMonths) {
        this.plan = plan;
        this.run = run;
        this.at = at;
        this.tokens = tokens;
        this.progress = progress;
        this.workers = workers;
        this.expiryLead = expiryLead;
        this.expiryWait = expiryWait;
        this.expiryMonths = expiryMonths;
        Duration day = Duration.ofHours(12);
        this.checkout = tokens.mint("checkout", "demo-shop", day);
        this.maker = tokens.mint("admin", "demo-ops-1", day);
        this.checker = tokens.mint("admin", "demo-ops-2", day);
        this.analyst = tokens.mint("analyst", "demo-analyst", day);
        this.memberTokens = new String[plan.members().size()];
    }

    Outcome run() throws Exception {
        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        try {
            catalogue();
            enrol(pool);
            lapses(pool);
            orders(pool);
            expiringSoon(pool);
            refunds(pool);
            awaitLedger(pool);
            payments(pool);
            redemptions(pool);
            lottery(pool);
            adjustments();
            endCampaign();
            String expiry = expiries();
            String verify = verify();
            String summary = summary(pool, expiry, verify, Duration.ofNanos(System.nanoTime() - started));
            return new Outcome(summary, !summary.contains(WARNING));
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- phases ------------------------------------------------------------------------------

    private void catalogue() {
        progress.start("catalogue (admin)", 8);
        Answer rule = call("GET rule " + RULE_ID, () -> Http.get(at.earning() + "/api/v1/rules/" + RULE_ID, maker), Set.of("NOT_FOUND"));
        if (rule.refused()) {
            ObjectNode body = object().put("ruleId", RULE_ID).put("kind", "CATEGORY_MULTIPLIER").put("category", "books")
                    .put("multiplier", new BigDecimal("1.5"));
            call("create rule " + RULE_ID, () -> Http.post(at.earning() + "/api/v1/rules", body.toString(), maker), Set.of("RULE_EXISTS"));
        }
        progress.step();
        Instant now = Instant.now();
        Instant starts = now.minus(Duration.ofDays(plan.days() * 2L / 3));
        ObjectNode campaign = object().put("campaignId", campaignId()).put("name", "茶叶双倍积分周 Double-points tea week")
                .put("multiplier", new BigDecimal("2")).put("startsAt", starts.toString())
                .put("endsAt", starts.plus(Duration.ofDays(7)).toString()).put("category", "tea").put("budget", 20_000);
        call("create campaign", () -> Http.post(at.earning() + "/api/v1/campaigns", campaign.toString(), maker), Set.of());
        progress.step();
        for (MonthPlan.Reward reward : plan.rewards().values()) {
            ObjectNode body = object().put("rewardId", run + "-" + reward.key()).put("name", reward.name())
                    .put("kind", reward.kind().name());
            switch (reward.kind()) {
                case GIFT -> body.put("pointsCost", reward.pointsCost()).put("stock", reward.stock());
                case VOUCHER -> body.put("voucherValue", reward.voucherValue());
                case COUPON -> body.put("pointsCost", reward.pointsCost());
                case LOTTERY -> {
                    body.put("pointsCost", reward.pointsCost()).put("stock", reward.stock());
                    ArrayNode prizeList = body.putArray("prizes");
                    prizeList.addObject().put("prizeId", "headphones").put("name", "耳机 Headphones").put("odds", "0.05").put("stock", 2);
                    prizeList.addObject().put("prizeId", "tote").put("name", "帆布袋 Tote bag").put("odds", "0.25").put("stock", 10);
                }
                case DONATION -> body.put("pointsCost", reward.pointsCost()).put("cause", reward.cause());
            }
            call("create reward " + reward.key(), () -> Http.post(at.catalog() + "/api/v1/rewards", body.toString(), maker), Set.of());
            rewardIds.put(reward.kind(), run + "-" + reward.key());
            progress.step();
        }
        MonthPlan.Reward coupon = plan.rewards().get(Kind.COUPON);
        StringBuilder csv = new StringBuilder("code\n");
        for (int i = 1; i <= coupon.couponCodes(); i++) {
            csv.append(String.format(Locale.ROOT, "%s-CAFE-%04d%n", run.toUpperCase(Locale.ROOT), i));
        }
        call("import coupon codes", () -> Http.post(at.catalog() + "/api/v1/rewards/" + rewardIds.get(Kind.COUPON) + "/coupon-codes",
                csv.toString(), "text/csv", maker, run + "-coupons"), Set.of());
        progress.step();
        progress.end("rule " + RULE_ID + ", campaign " + campaignId() + ", 5 rewards, " + coupon.couponCodes() + " coupon codes (CSV)");
    }

    private void enrol(ExecutorService pool) throws Exception {
        progress.start("enrol members", plan.members().size());
        // Referrers first: a member's wave is one more than its referrer's.
        int[] wave = new int[plan.members().size()];
        Map<Integer, List<MonthPlan.Shopper>> waves = new TreeMap<>();
        for (MonthPlan.Shopper member : plan.members()) {
            wave[member.index()] = member.referrer() < 0 ? 0 : wave[member.referrer()] + 1;
            waves.computeIfAbsent(wave[member.index()], w -> new ArrayList<>()).add(member);
        }
        for (List<MonthPlan.Shopper> members : waves.values()) {
            each(pool, members, member -> {
                ObjectNode body = object().put("memberId", memberId(member.index())).put("name", member.name())
                        .put("locale", member.locale());
                if (member.email()) {
                    body.put("email", memberId(member.index()) + "@example.com");
                }
                if (member.referrer() >= 0) {
                    body.put("referredBy", memberId(member.referrer()));
                }
                call("enrol " + member.key(), () -> Http.post(at.earning() + "/api/v1/members", body.toString(), checkout), Set.of());
            });
        }
        MonthPlan.Totals totals = plan.totals();
        progress.end(String.format(Locale.ROOT, "%d referred, %d with e-mail, %d in English", totals.referred(),
                totals.withEmail(), totals.english()));
    }

    private void lapses(ExecutorService pool) throws Exception {
        progress.start("lapsed members' orders", plan.lapses().size());
        Instant now = Instant.now();
        lapsedTarget = now.plus(expiryLead);
        Instant purchasedAt = MonthPlan.lapsedPurchasedAt(now, expiryLead, expiryMonths);
        each(pool, plan.lapses(), lapse -> {
            JsonNode answer = call("order " + lapse.key(), () -> Http.post(at.earning() + "/api/v1/earnings",
                    order(run + "-" + lapse.key(), lapse.member(), purchasedAt, lapse.lines()).toString(), checkout), Set.of()).body();
            lapsedPoints.merge(lapse.member(), answer.path("points").asLong(), Long::sum);
            Instant expiresAt = Instant.parse(answer.path("expiresAt").asText());
            lastLapsedExpiry.accumulateAndGet(expiresAt, (a, b) -> a.isAfter(b) ? a : b);
        });
        progress.end(String.format(Locale.ROOT, "%d points bought a year ago, expiring %s", sum(lapsedPoints.values()),
                lastLapsedExpiry.get()));
    }

    private void orders(ExecutorService pool) throws Exception {
        progress.start("orders over " + plan.days() + " days", plan.orders().size());
        Instant now = Instant.now();
        each(pool, plan.orders(), order -> {
            Instant purchasedAt = MonthPlan.purchasedAt(order, now, SHOP_ZONE);
            JsonNode answer = call("order " + order.key(), () -> Http.post(at.earning() + "/api/v1/earnings",
                    order(orderId(order), order.member(), purchasedAt, order.lines()).toString(), checkout), Set.of()).body();
            orderPoints.addAndGet(answer.path("points").asLong());
            for (JsonNode part : answer.path("breakdown")) {
                String rule = part.path("rule").asText();
                if (rule.equals("campaign:" + campaignId())) {
                    campaignPoints.addAndGet(part.path("points").asLong());
                } else if (rule.equals(RULE_ID)) {
                    rulePoints.addAndGet(part.path("points").asLong());
                }
            }
        });
        MonthPlan.Totals totals = plan.totals();
        progress.end(String.format(Locale.ROOT, "%d lines (%d promotional), %s yuan eligible, %d points", totals.lines(),
                totals.promotionalLines(), totals.eligibleYuan().toPlainString(), orderPoints.get()));
    }

    private void expiringSoon(ExecutorService pool) throws Exception {
        progress.start("orders of a year ago", plan.expiring().size());
        Instant now = Instant.now();
        AtomicLong points = new AtomicLong();
        each(pool, plan.expiring(), old -> {
            Instant purchasedAt = MonthPlan.expiringPurchasedAt(old, now, SHOP_ZONE, expiryMonths);
            JsonNode answer = call("order " + old.key(), () -> Http.post(at.earning() + "/api/v1/earnings",
                    order(run + "-" + old.key(), old.member(), purchasedAt, old.lines()).toString(), checkout), Set.of()).body();
            points.addAndGet(answer.path("points").asLong());
        });
        progress.end(points.get() + " points due to expire within 30 days (reminded 30 and 7 days ahead; spends take them first)");
    }

    private void refunds(ExecutorService pool) throws Exception {
        progress.start("refunds", plan.refunds().size());
        each(pool, plan.refunds(), refund -> {
            MonthPlan.Order order = plan.orders().get(refund.order());
            ObjectNode body = object().put("refundId", run + "-" + refund.key()).put("amount", refund.amount());
            JsonNode answer = call("refund " + refund.key(), () -> Http.post(at.earning() + "/api/v1/earnings/" + orderId(order)
                    + "/refunds", body.toString(), checkout), Set.of()).body();
            String status = answer.path("status").asText();
            refundStatus.computeIfAbsent(status, s -> new AtomicLong()).incrementAndGet();
            if ("CONFIRMED".equals(status)) {
                refundedPoints.addAndGet(answer.path("points").asLong());
            }
        });
        progress.end(refundStatus.isEmpty() ? "" : "status " + counts(refundStatus) + ", " + refundedPoints.get() + " points taken back");
    }

    /** Waits until the ledger shows every spender at least the points its plan spends. */
    private void awaitLedger(ExecutorService pool) throws Exception {
        Map<Integer, Long> needs = new TreeMap<>();
        for (MonthPlan.Payment payment : plan.payments()) {
            needs.merge(payment.member(), payment.points(), Long::sum);
        }
        for (MonthPlan.Redemption redemption : plan.redemptions()) {
            needs.merge(redemption.member(), plan.rewards().get(redemption.kind()).pointsCost(), Long::sum);
        }
        for (int member : plan.lotteryRush()) {
            needs.merge(member, plan.rewards().get(Kind.LOTTERY).pointsCost(), Long::sum);
        }
        progress.start("ledger folds the month", needs.size());
        each(pool, needs.entrySet(), need -> {
            long deadline = System.nanoTime() + LEDGER_WAIT.toNanos();
            while (true) {
                Answer account = call("account " + memberId(need.getKey()), () -> Http.get(at.ledger() + "/api/v1/accounts/"
                        + memberId(need.getKey()), maker), Set.of("NOT_FOUND"));
                long available = account.refused() ? 0 : account.body().path("available").asLong();
                if (available >= need.getValue()) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new Unexpected("the ledger shows " + memberId(need.getKey()) + " " + available + " points available after "
                            + LEDGER_WAIT.toSeconds() + " s, the plan needs " + need.getValue() + ": " + account.body());
                }
                Thread.sleep(500);
            }
        });
        progress.end("");
    }

    private void payments(ExecutorService pool) throws Exception {
        progress.start("points at checkout", plan.payments().size());
        each(pool, plan.payments(), payment -> {
            String paymentId = run + "-" + payment.key();
            // The member consents at the till: its app shows a one-time payment code, which the checkout sends.
            String member = memberId(payment.member());
            String code = call("payment code " + payment.key(), () -> Http.post(at.redemption() + "/api/v1/members/" + member
                    + "/payment-codes", null, memberToken(payment.member())), Set.of()).body().path("code").asText();
            ObjectNode body = object().put("paymentId", paymentId).put("orderId", paymentId + "-order")
                    .put("memberId", member).put("orderAmount", payment.orderAmount()).put("points", payment.points())
                    .put("paymentCode", code);
            Answer held = call("payment " + payment.key(), () -> Http.post(at.redemption() + "/api/v1/payments", body.toString(), checkout),
                    Set.of("INSUFFICIENT_POINTS"));
            if (held.refused()) {
                refusals.computeIfAbsent("payment " + held.code(), c -> new AtomicLong()).incrementAndGet();
                return;
            }
            String base = at.redemption() + "/api/v1/payments/" + paymentId;
            if (payment.cancelled()) {
                call("cancel payment " + payment.key(), () -> Http.post(base + "/cancel", null, checkout), Set.of());
                paymentsCancelled.incrementAndGet();
                return;
            }
            call("capture payment " + payment.key(), () -> Http.post(base + "/capture", null, checkout), Set.of());
            paymentsCaptured.incrementAndGet();
            paymentPoints.addAndGet(payment.points());
            // The order itself, paid in cash for the rest, earns points as any other.
            BigDecimal cash = payment.orderAmount().subtract(new BigDecimal(held.body().path("amount").asText("0")));
            MonthPlan.Line basket = new MonthPlan.Line("basket", "grocery", 1, cash, false);
            call("order " + paymentId + "-order", () -> Http.post(at.earning() + "/api/v1/earnings",
                    order(paymentId + "-order", payment.member(), Instant.now().minusSeconds(5), List.of(basket)).toString(), checkout),
                    Set.of());
        });
        progress.end(paymentsCaptured.get() + " captured (" + paymentPoints.get() + " points), " + paymentsCancelled.get() + " cancelled");
    }

    private void redemptions(ExecutorService pool) throws Exception {
        progress.start("redemptions", plan.redemptions().size() + 2);
        Map<Integer, List<MonthPlan.Redemption>> byMember = plan.redemptions().stream()
                .collect(Collectors.groupingBy(MonthPlan.Redemption::member, TreeMap::new, Collectors.toList()));
        each(pool, byMember.values(), list -> {
            for (MonthPlan.Redemption redemption : list) {
                redeem(redemption.key(), redemption.member(), redemption.kind());
                progress.step();
            }
        }, false);
        if (plan.cancelledRedemption() >= 0) {
            MonthPlan.Redemption planned = plan.redemptions().get(plan.cancelledRedemption());
            JsonNode done = redeemed.get(planned.key());
            if (done != null && "COMPLETED".equals(done.path("status").asText())) {
                String id = done.path("redemptionId").asText();
                String token = memberToken(planned.member());
                JsonNode answer = call("cancel redemption " + planned.key(), () -> Http.post(at.redemption() + "/api/v1/redemptions/"
                        + id + "/cancel", null, token), Set.of()).body();
                answer = settle(answer, planned.member(), "CANCELLING");
                cancelNote = "1 cancelled (" + answer.path("pointsReturned").asLong() + " points back)";
                redeemedPoints.addAndGet(-answer.path("pointsReturned").asLong());
            }
        }
        progress.step();
        if (plan.voucherUsed() >= 0) {
            JsonNode done = redeemed.get(plan.redemptions().get(plan.voucherUsed()).key());
            if (done != null && !done.path("voucherCode").asText("").isEmpty()) {
                String code = done.path("voucherCode").asText();
                call("use voucher", () -> Http.post(at.redemption() + "/api/v1/vouchers/" + code + "/use",
                        object().put("orderId", run + "-voucher-order").toString(), checkout), Set.of());
                voucherNote = "a voucher used at checkout";
            }
        }
        progress.step();
        progress.end(completedNote(EnumSet.complementOf(EnumSet.of(Kind.LOTTERY))) + (cancelNote.isEmpty() ? "" : ", " + cancelNote)
                + (voucherNote.isEmpty() ? "" : ", " + voucherNote));
    }

    private void lottery(ExecutorService pool) throws Exception {
        progress.start("lottery rush", plan.lotteryRush().size());
        List<Integer> rush = plan.lotteryRush();
        List<Integer> tries = new ArrayList<>();
        for (int i = 0; i < rush.size(); i++) {
            tries.add(i);
        }
        each(pool, tries, i -> redeem("draw" + (i + 1), rush.get(i), Kind.LOTTERY));
        progress.end(String.format(Locale.ROOT, "%d tickets for %d tries: %d drawn (%d won a prize), %d out of stock", plan.lotteryStock(),
                rush.size(), completed.getOrDefault(Kind.LOTTERY, new AtomicLong()).get(), prizes.get(),
                refusals.getOrDefault("redemption OUT_OF_STOCK", new AtomicLong()).get()));
    }

    private void adjustments() {
        progress.start("adjustments (2 admins)", 5);
        MonthPlan.Adjustment approved = plan.approved();
        String approvedId = run + "-" + approved.key();
        call("request adjustment " + approved.key(), () -> Http.post(at.ledger() + "/api/v1/adjustments", adjustment(approved).toString(),
                maker), Set.of());
        progress.step();
        Answer self = call("approve own adjustment", () -> Http.post(at.ledger() + "/api/v1/adjustments/" + approvedId + "/approve",
                "{}", maker), Set.of("SELF_APPROVAL"));
        if (!self.refused()) {
            throw new Unexpected("an admin approved its own adjustment " + approvedId + ": " + self.body());
        }
        progress.step();
        call("approve adjustment " + approved.key(), () -> Http.post(at.ledger() + "/api/v1/adjustments/" + approvedId + "/approve",
                "{}", checker), Set.of());
        progress.step();
        MonthPlan.Adjustment rejected = plan.rejected();
        String rejectedId = run + "-" + rejected.key();
        call("request adjustment " + rejected.key(), () -> Http.post(at.ledger() + "/api/v1/adjustments", adjustment(rejected).toString(),
                maker), Set.of());
        progress.step();
        call("reject adjustment " + rejected.key(), () -> Http.post(at.ledger() + "/api/v1/adjustments/" + rejectedId + "/reject",
                object().put("note", "already credited").toString(), checker), Set.of());
        progress.step();
        progress.end(String.format(Locale.ROOT, "%+d approved by demo-ops-2, %+d rejected, self-approval refused", approved.points(),
                rejected.points()));
    }

    private void endCampaign() {
        progress.start("campaign ends", 1);
        call("end campaign", () -> Http.delete(at.earning() + "/api/v1/campaigns/" + campaignId(), maker), Set.of());
        progress.step();
        progress.end(campaignPoints.get() + " campaign points, " + rulePoints.get() + " from rule " + RULE_ID);
    }

    /** Waits until the ledger has expired the lapsed members' year-old points. */
    private String expiries() throws InterruptedException {
        progress.start("expiries", lapsedPoints.size());
        Instant latest = lastLapsedExpiry.get();
        if (latest.isAfter(Instant.now().plus(expiryWait)) && !MonthPlan.somePurchaseExpiresAt(lapsedTarget, expiryMonths)) {
            // The calendar's doing, not the stack's: nothing bought that many months ago expires today.
            progress.end("skipped: no purchase " + expiryMonths + " calendar months before " + lapsedTarget
                    + " expires then; the lapsed orders' points expire at " + latest);
            return "";
        }
        if (latest.isAfter(Instant.now().plus(expiryWait))) {
            progress.end("skipped");
            return "the lapsed orders' points expire at " + latest + " (is points.expiry-months " + expiryMonths
                    + "? --expiry-months), later than --expiry-wait";
        }
        long deadline = System.nanoTime() + expiryWait.toNanos();
        Map<Integer, Long> expired = new TreeMap<>();
        while (true) {
            for (Map.Entry<Integer, Long> lapse : lapsedPoints.entrySet()) {
                JsonNode account = call("account " + memberId(lapse.getKey()), () -> Http.get(at.ledger() + "/api/v1/accounts/"
                        + memberId(lapse.getKey()), maker), Set.of()).body();
                expired.put(lapse.getKey(), account.path("expired").asLong());
            }
            long done = lapsedPoints.entrySet().stream().filter(e -> expired.get(e.getKey()) >= e.getValue()).count();
            progress.set(done);
            if (done == lapsedPoints.size()) {
                progress.end(sum(expired.values()) + " points expired, each after its member's last reminder");
                return "";
            }
            if (System.nanoTime() > deadline) {
                progress.end("not all expired");
                return String.format(Locale.ROOT, "%d of %d lapsed members' points expired within %d s: the ledger expires a lot only "
                                + "a lead after its last reminder; is the stack running with deploy/local/services.env (up.sh after "
                                + "down.sh)?", done, lapsedPoints.size(), expiryWait.toSeconds());
            }
            Thread.sleep(2_000);
        }
    }

    /**
     * This run's members among the verify's mismatches (all of them when the list was cut short): a
     * stack shared with other work may have mismatches of its own, which the demo reports but is
     * not answerable for.
     */
    private long ofThisRun(JsonNode verify) {
        if (verify.path("mismatchesTruncated").asBoolean()) {
            return verify.path("mismatchCount").asLong();
        }
        long ours = 0;
        for (JsonNode mismatch : verify.path("mismatches")) {
            if (mismatch.path("memberId").asText().startsWith(run + "-")) {
                ours++;
            }
        }
        return ours;
    }

    /** The ledger's verify: its balances rebuilt from points.ledger against the live ones. */
    private String verify() throws InterruptedException {
        progress.start("ledger verify", 1);
        JsonNode answer = null;
        long ours = 0;
        for (int attempt = 0; attempt < 5; attempt++) {
            answer = call("verify", () -> Http.get(at.ledger() + "/api/v1/admin/verify", analyst), Set.of()).body();
            ours = ofThisRun(answer);
            if (ours == 0) {
                break;
            }
            // A decision written a moment ago may not be on the log yet; look again.
            Thread.sleep(3_000);
        }
        progress.step();
        long all = answer.path("mismatchCount").asLong();
        String result = String.format(Locale.ROOT, "%d mismatches over %d members (rebuilt from points.ledger = live)%s",
                all, answer.path("membersChecked").asLong(),
                all > ours ? String.format(Locale.ROOT, "; %d of them not of this run's members", all - ours) : "");
        progress.end(result);
        if (ours != 0) {
            throw new Unexpected("the ledger's verify found mismatches of this run's members: " + answer);
        }
        return result;
    }

    private String summary(ExecutorService pool, String expiryProblem, String verify, Duration took) throws Exception {
        progress.start("read the ledger back", plan.members().size());
        Map<String, AtomicLong> sums = new ConcurrentHashMap<>();
        Map<String, AtomicLong> tiers = new ConcurrentHashMap<>();
        each(pool, plan.members(), member -> {
            JsonNode account = call("account " + member.key(), () -> Http.get(at.ledger() + "/api/v1/accounts/" + memberId(member.index()),
                    maker), Set.of()).body();
            for (String field : List.of("lifetimeEarned", "spent", "expired", "reversed", "available", "pending", "debt")) {
                sums.computeIfAbsent(field, f -> new AtomicLong()).addAndGet(account.path(field).asLong());
            }
            tiers.computeIfAbsent(account.path("tier").asText("?"), t -> new AtomicLong()).incrementAndGet();
        });
        progress.end("");
        MonthPlan.Totals totals = plan.totals();
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "Summary of run %s (seed %d), %d s%n", run, plan.seed(), took.toSeconds()));
        s.append(String.format(Locale.ROOT, "  members      %d enrolled: %d referred, %d with e-mail, %d in English, %d lapsed; tiers %s%n",
                totals.members(), totals.referred(), totals.withEmail(), totals.english(), totals.lapsed(), counts(tiers)));
        s.append(String.format(Locale.ROOT, "  orders       %d over %d days (%d lines, %d promotional), %d refunds; of a year ago: %d "
                        + "lapsed (expired now), %d due within 30 days when bought (spends take the soonest first)%n", totals.orders() + paymentsCaptured.get(), plan.days(),
                totals.lines(), totals.promotionalLines(), totals.refunds(), plan.lapses().size(), plan.expiring().size()));
        s.append(String.format(Locale.ROOT, "  points       issued %d, spent %d, expired %d, reversed %d; now available %d, pending %d%n",
                get(sums, "lifetimeEarned"), get(sums, "spent"), get(sums, "expired"), get(sums, "reversed"),
                get(sums, "available"), get(sums, "pending")));
        s.append(String.format(Locale.ROOT, "  redemptions  %s%s%n", completedNote(), cancelNote.isEmpty() ? "" : "; " + cancelNote));
        if (!refusals.isEmpty()) {
            s.append(String.format(Locale.ROOT, "  refused      %s (expected business refusals)%n", counts(refusals)));
        }
        s.append(String.format(Locale.ROOT, "  checkout     %d payments with points captured (%d points), %d cancelled%s%n",
                paymentsCaptured.get(), paymentPoints.get(), paymentsCancelled.get(), voucherNote.isEmpty() ? "" : "; " + voucherNote));
        s.append(String.format(Locale.ROOT, "  adjustments  %+d approved by a second admin, %+d rejected%n", plan.approved().points(),
                plan.rejected().points()));
        s.append(String.format(Locale.ROOT, "  ledger       %s%n", verify));
        if (!expiryProblem.isEmpty()) {
            s.append(WARNING).append(expiryProblem).append(System.lineSeparator());
        }
        // What the plan expected (every member had the points its plan spends; the lottery its stock).
        for (Kind kind : Kind.values()) {
            long done = completed.getOrDefault(kind, new AtomicLong()).get();
            if (done != totals.redemptions().get(kind)) {
                s.append(String.format(Locale.ROOT, WARNING + "%d %s redemptions completed, the plan expected %d%n", done, kind,
                        totals.redemptions().get(kind)));
            }
        }
        if (redeemedPoints.get() != totals.redeemedPoints()) {
            s.append(String.format(Locale.ROOT, WARNING + "%d points spent on rewards, the plan expected %d (another rate or cost?)%n",
                    redeemedPoints.get(), totals.redeemedPoints()));
        }
        return s.toString();
    }

    // ---- one redemption ------------------------------------------------------------------------

    private void redeem(String key, int member, Kind kind) throws InterruptedException {
        String token = memberToken(member);
        ObjectNode body = object().put("memberId", memberId(member)).put("rewardId", rewardIds.get(kind)).put("quantity", 1);
        JsonNode answer = call("redeem " + kind + " " + key, () -> Http.post(at.redemption() + "/api/v1/redemptions", body.toString(),
                token, run + "-" + key), Set.of()).body();
        answer = settle(answer, member, "PENDING");
        redeemed.put(key, answer);
        String status = answer.path("status").asText();
        if ("COMPLETED".equals(status)) {
            completed.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
            redeemedPoints.addAndGet(answer.path("pointsSpent").asLong());
            if (kind == Kind.LOTTERY && !answer.path("lottery").path("prizeId").isNull()
                    && !answer.path("lottery").path("prizeId").isMissingNode()) {
                prizes.incrementAndGet();
            }
        } else if ("FAILED".equals(status)) {
            // A business refusal (out of stock, too few points, a limit): counted, not fatal.
            refusals.computeIfAbsent("redemption " + answer.path("code").asText("?"), c -> new AtomicLong()).incrementAndGet();
        } else {
            throw new Unexpected("redemption " + key + " did not settle within " + SETTLE_WAIT.toSeconds() + " s: " + answer);
        }
    }

    /** Follows a redemption while its status is {@code pendingStatus} (a 202's), up to {@link #SETTLE_WAIT}. */
    private JsonNode settle(JsonNode answer, int member, String pendingStatus) throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE_WAIT.toNanos();
        String id = answer.path("redemptionId").asText();
        while (pendingStatus.equals(answer.path("status").asText()) && System.nanoTime() < deadline) {
            Thread.sleep(300);
            String token = memberToken(member);
            answer = call("redemption " + id, () -> Http.get(at.redemption() + "/api/v1/redemptions/" + id, token), Set.of()).body();
        }
        return answer;
    }

    // ---- calls -----------------------------------------------------------------------------------

    /** An answer: 2xx with its body, or an expected refusal with its code. */
    record Answer(int status, JsonNode body, String code) {
        boolean refused() {
            return status / 100 != 2;
        }
    }

    interface Exchange {
        Http.Response send() throws IOException;
    }

    /**
     * Sends a call; a 2xx is answered, so is a refusal whose {@code code} is among {@code expected};
     * {@code 429 RATE_LIMITED} waits and sends it again; anything else stops the demo.
     */
    static Answer call(String what, Exchange exchange, Set<String> expected) {
        for (int attempt = 0; ; attempt++) {
            Http.Response response;
            try {
                response = exchange.send();
            } catch (IOException e) {
                throw new Unexpected(what + ": no answer (" + e + ")");
            }
            JsonNode body = parse(response.body());
            if (response.ok()) {
                return new Answer(response.status(), body, null);
            }
            String code = body.path("code").asText("");
            if (response.status() == 429 && attempt < 20) {
                sleep(Duration.ofSeconds(3));
                continue;
            }
            if (expected.contains(code)) {
                return new Answer(response.status(), body, code);
            }
            throw new Unexpected(what + " answered " + response.status() + ": " + response.body());
        }
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return JSON.createObjectNode().put("text", body);
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unexpected("interrupted");
        }
    }

    interface Task<T> {
        void run(T item) throws Exception;
    }

    private <T> void each(ExecutorService pool, Collection<T> items, Task<T> task) throws Exception {
        each(pool, items, task, true);
    }

    /** Runs {@code task} on every item, {@code workers} at a time; the first failure stops the rest and is thrown. */
    private <T> void each(ExecutorService pool, Collection<T> items, Task<T> task, boolean stepEach) throws Exception {
        List<Future<?>> futures = new ArrayList<>();
        for (T item : items) {
            futures.add(pool.submit(() -> {
                task.run(item);
                if (stepEach) {
                    progress.step();
                }
                return null;
            }));
        }
        try {
            for (Future<?> future : futures) {
                future.get();
            }
        } catch (ExecutionException e) {
            futures.forEach(f -> f.cancel(true));
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    // ---- bodies and names ------------------------------------------------------------------------

    private ObjectNode order(String orderId, int member, Instant purchasedAt, List<MonthPlan.Line> lines) {
        ObjectNode body = object().put("orderId", orderId).put("memberId", memberId(member)).put("shopId", "demo-shop")
                .put("purchasedAt", purchasedAt.toString()).put("currency", "CNY");
        ArrayNode array = body.putArray("lines");
        for (MonthPlan.Line line : lines) {
            array.addObject().put("sku", line.sku()).put("category", line.category()).put("quantity", line.quantity())
                    .put("unitPrice", line.unitPrice().toPlainString()).put("promotional", line.promotional());
        }
        return body;
    }

    private ObjectNode adjustment(MonthPlan.Adjustment adjustment) {
        return object().put("adjustmentId", run + "-" + adjustment.key()).put("memberId", memberId(adjustment.member()))
                .put("points", adjustment.points()).put("reason", adjustment.reason());
    }

    private static ObjectNode object() {
        return JSON.createObjectNode();
    }

    private String memberId(int index) {
        return run + "-" + plan.members().get(index).key();
    }

    private String orderId(MonthPlan.Order order) {
        return run + "-" + order.key();
    }

    private String campaignId() {
        return run + "-tea-week";
    }

    private synchronized String memberToken(int member) {
        if (memberTokens[member] == null) {
            memberTokens[member] = tokens.mint("member", memberId(member), Duration.ofHours(2));
        }
        return memberTokens[member];
    }

    private String completedNote() {
        return completedNote(EnumSet.allOf(Kind.class));
    }

    /** Completed redemptions of {@code kinds}, and the points all completed ones spent. */
    private String completedNote(Set<Kind> kinds) {
        Map<Kind, Long> byKind = new LinkedHashMap<>();
        for (Kind kind : kinds) {
            byKind.put(kind, completed.getOrDefault(kind, new AtomicLong()).get());
        }
        return byKind.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "))
                + " (" + redeemedPoints.get() + " points)";
    }

    private static String counts(Map<String, AtomicLong> counts) {
        return new TreeMap<>(counts).entrySet().stream().map(e -> e.getKey() + " " + e.getValue().get())
                .collect(Collectors.joining(", "));
    }

    private static long get(Map<String, AtomicLong> sums, String field) {
        return sums.getOrDefault(field, new AtomicLong()).get();
    }

    private static long sum(Collection<Long> values) {
        return values.stream().mapToLong(Long::longValue).sum();
    }
}
