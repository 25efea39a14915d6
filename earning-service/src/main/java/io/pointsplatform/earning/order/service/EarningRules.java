package io.pointsplatform.earning.order.service;

import io.pointsplatform.earning.campaign.service.Campaign;
import io.pointsplatform.earning.order.rest.OrderRequest;
import io.pointsplatform.earning.order.service.Calculation.BudgetClaim;
import io.pointsplatform.earning.order.service.Calculation.FixedBonus;
import io.pointsplatform.earning.order.service.Calculation.Skipped;
import io.pointsplatform.earning.rule.service.Rule;
import io.pointsplatform.earning.rule.service.RuleKind;
import io.pointsplatform.earning.rule.service.RuleSet;
import io.pointsplatform.events.BreakdownLine;
import io.pointsplatform.events.EarningMath;
import io.pointsplatform.events.Tier;
import java.math.BigDecimal;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Applies a rule set to an order, in the fixed order of docs/earning.md: base, category multipliers,
 * campaigns, threshold bonuses, member day, first purchase, tier multiplier. Every multiplier
 * applies to the base points of the lines it covers, so no rule's result depends on another's.
 * Deterministic: the time is the order's {@code purchasedAt}, the state is passed in.
 */
public final class EarningRules {

    /** What the rules need besides the order: the member's tier and first purchase, the budgets' state. */
    public record Context(Tier tier, boolean firstPurchaseAvailable, Map<String, Long> spentByCampaign,
                          Set<String> exhaustedCampaigns) {
    }

    private final BigDecimal pointsPerYuan;
    private final ZoneId zone;

    public EarningRules(BigDecimal pointsPerYuan, ZoneId zone) {
        this.pointsPerYuan = pointsPerYuan;
        this.zone = zone;
    }

    public Calculation apply(OrderRequest order, RuleSet rules, Context context) {
        BigDecimal eligible = eligible(order, line -> true);
        long base = EarningMath.pointsFor(eligible, pointsPerYuan);
        List<BreakdownLine> breakdown = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        List<BudgetClaim> claims = new ArrayList<>();
        List<FixedBonus> fixed = new ArrayList<>();
        long proportional = base;
        add(breakdown, "base", base);
        // The proportional points and the lines whose spend earned each part, for refunds by lines.
        List<Integer> every = lines(order, line -> true);
        List<EarningMath.Share> shares = new ArrayList<>();
        shares.add(new EarningMath.Share(base, every));

        for (Rule rule : rules.active(RuleKind.CATEGORY_MULTIPLIER)) {
            long extra = EarningMath.extraFor(
                    EarningMath.pointsFor(eligible(order, l -> rule.category().equals(l.category())), pointsPerYuan),
                    rule.multiplier());
            if (extra > 0) {
                add(breakdown, rule.ruleId(), extra);
                proportional += extra;
                shares.add(new EarningMath.Share(extra, lines(order, l -> rule.category().equals(l.category()))));
            } else {
                skipped.add(new Skipped(rule.ruleId(), "no eligible spend in category " + rule.category()));
            }
        }

        for (Campaign campaign : rules.activeCampaigns()) {
            String name = "campaign:" + campaign.campaignId();
            String why = campaignRefusal(campaign, order, context);
            long extra = 0;
            if (why == null) {
                extra = EarningMath.extraFor(EarningMath.pointsFor(eligible(order, l -> covers(campaign, l)),
                        pointsPerYuan), campaign.multiplier());
                why = extra == 0 ? "no eligible spend it covers" : budgetRefusal(campaign, extra, context);
            }
            if (why != null) {
                skipped.add(new Skipped(name, why));
                continue;
            }
            add(breakdown, name, extra);
            proportional += extra;
            shares.add(new EarningMath.Share(extra, lines(order, l -> covers(campaign, l))));
            if (campaign.budget() != null) {
                claims.add(new BudgetClaim(campaign.campaignId(), extra));
            }
        }

        for (Rule rule : rules.active(RuleKind.THRESHOLD_BONUS)) {
            if (eligible.compareTo(rule.thresholdYuan()) >= 0) {
                add(breakdown, rule.ruleId(), rule.points());
                fixed.add(new FixedBonus(rule.ruleId(), rule.points(), rule.thresholdYuan()));
            } else {
                skipped.add(new Skipped(rule.ruleId(), "eligible spend " + eligible.toPlainString()
                        + " is below " + rule.thresholdYuan().toPlainString()));
            }
        }

        int day = order.purchasedAt().atZone(zone).getDayOfMonth();
        for (Rule rule : rules.active(RuleKind.MEMBER_DAY)) {
            if (day != rule.dayOfMonth()) {
                skipped.add(new Skipped(rule.ruleId(), "paid on day " + day + ", member day is day " + rule.dayOfMonth()));
            } else if (base == 0) {
                skipped.add(new Skipped(rule.ruleId(), "no eligible spend"));
            } else {
                add(breakdown, rule.ruleId(), rule.points());
                fixed.add(new FixedBonus(rule.ruleId(), rule.points(), null));
            }
        }

        boolean firstPurchase = false;
        for (Rule rule : rules.active(RuleKind.FIRST_PURCHASE)) {
            if (!context.firstPurchaseAvailable()) {
                skipped.add(new Skipped(rule.ruleId(), "not the member's first purchase"));
            } else if (base == 0) {
                skipped.add(new Skipped(rule.ruleId(), "no eligible spend"));
            } else if (!firstPurchase) {
                firstPurchase = true;
                add(breakdown, rule.ruleId(), rule.points());
                fixed.add(new FixedBonus(rule.ruleId(), rule.points(), null));
            }
        }

        for (Rule rule : rules.active(RuleKind.TIER_MULTIPLIER)) {
            if (rule.tier() != context.tier()) {
                skipped.add(new Skipped(rule.ruleId(), "member tier is " + context.tier()));
                continue;
            }
            long extra = EarningMath.extraFor(base, rule.multiplier());
            if (extra > 0) {
                add(breakdown, rule.ruleId(), extra);
                proportional += extra;
                shares.add(new EarningMath.Share(extra, every));
            }
        }

        long points = breakdown.stream().mapToLong(BreakdownLine::points).sum();
        List<BigDecimal> amounts = order.lines().stream()
                .map(l -> l.promotional() ? BigDecimal.ZERO : l.spend().amountYuan()).toList();
        List<Long> linePoints = Arrays.stream(EarningMath.linePoints(amounts, shares)).boxed().toList();
        return new Calculation(eligible, points, proportional, List.copyOf(breakdown), List.copyOf(skipped),
                List.copyOf(claims), firstPurchase, List.copyOf(fixed), linePoints);
    }

    private static String campaignRefusal(Campaign campaign, OrderRequest order, Context context) {
        if (!campaign.covers(order.purchasedAt())) {
            return "paid outside its window [" + campaign.startsAt() + ", " + campaign.endsAt() + ")";
        }
        if (campaign.minTier() != null && !context.tier().atLeast(campaign.minTier())) {
            return "member tier " + context.tier() + " is below " + campaign.minTier();
        }
        if (context.exhaustedCampaigns().contains(campaign.campaignId())) {
            return "budget spent";
        }
        return null;
    }

    private static String budgetRefusal(Campaign campaign, long extra, Context context) {
        if (campaign.budget() == null) {
            return null;
        }
        long spent = context.spentByCampaign() == null ? 0
                : context.spentByCampaign().getOrDefault(campaign.campaignId(), campaign.spent());
        return spent + extra > campaign.budget() ? "budget spent (" + spent + " of " + campaign.budget() + ")" : null;
    }

    private static boolean covers(Campaign campaign, OrderRequest.Line line) {
        return (campaign.category() == null || campaign.category().equals(line.category()))
                && (campaign.sku() == null || campaign.sku().equals(line.sku()));
    }

    /** The indexes of the order's lines a rule covers. */
    private static List<Integer> lines(OrderRequest order, Predicate<OrderRequest.Line> covered) {
        List<Integer> indexes = new ArrayList<>();
        for (int i = 0; i < order.lines().size(); i++) {
            if (covered.test(order.lines().get(i))) {
                indexes.add(i);
            }
        }
        return indexes;
    }

    private static BigDecimal eligible(OrderRequest order, Predicate<OrderRequest.Line> covered) {
        return EarningMath.eligibleSpend(order.lines().stream().filter(covered).map(OrderRequest.Line::spend).toList());
    }

    private static void add(List<BreakdownLine> breakdown, String rule, long points) {
        if (points > 0) {
            breakdown.add(new BreakdownLine(rule, points));
        }
    }
}
