package io.pointsplatform.earning.order.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pointsplatform.earning.order.repository.EarningRepository;
import io.pointsplatform.earning.order.repository.EarningRepository.Lookup;
import io.pointsplatform.earning.order.repository.EarningRepository.StoredEarning;
import io.pointsplatform.earning.order.rest.OrderRequest;
import io.pointsplatform.earning.order.service.Calculation.BudgetClaim;
import io.pointsplatform.earning.rule.repository.RuleRepository;
import io.pointsplatform.earning.rule.service.RuleBook;
import io.pointsplatform.earning.rule.service.RuleSet;
import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.Origin;
import io.pointsplatform.events.OriginKind;
import io.pointsplatform.events.PointsEarned;
import io.pointsplatform.events.Tier;
import io.pointsplatform.events.Topics;
import io.pointsplatform.kit.outbox.Outbox;
import io.pointsplatform.kit.outbox.OutboxRelay;
import io.pointsplatform.kit.problem.ApiException;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Earning for an order, exactly once. One transaction reads what it needs in one statement, takes
 * budgeted campaigns' points from their budgets, records the earning (its primary key is the order
 * id, so a concurrent duplicate cannot record a second one) and writes the credit to the outbox.
 */
@ApplicationScoped
public class EarningService {

    static final String SOURCE = "/earning-service";

    /** The answer to an order: the stored JSON body, and whether this call recorded it. */
    public record Recorded(String body, boolean created) {
    }

    /** A concurrent duplicate recorded the order first: roll back, then answer as a repeat. */
    private static final class DuplicateOrder extends RuntimeException {
        DuplicateOrder() {
            super(null, null, false, false);
        }
    }

    private final Pool pool;
    private final EarningRepository earnings;
    private final RuleRepository ruleRepository;
    private final RuleBook book;
    private final EarningPolicy policy;
    private final EarningRules rules;
    private final Outbox outbox;
    private final OutboxRelay relay;
    private final ObjectMapper json;
    private final Clock clock;

    public EarningService(Pool pool, EarningRepository earnings, RuleRepository ruleRepository, RuleBook book,
                          EarningPolicy policy, Outbox outbox, OutboxRelay relay, ObjectMapper json, Clock clock) {
        this.pool = pool;
        this.earnings = earnings;
        this.ruleRepository = ruleRepository;
        this.book = book;
        this.policy = policy;
        this.rules = policy.rules();
        this.outbox = outbox;
        this.relay = relay;
        this.json = json;
        this.clock = clock;
    }

    public static String lotId(String orderId) {
        return "order-" + orderId;
    }

    /** The calculation without recording anything; it says why each rule that did not fire did not. */
    public Uni<Earning> preview(OrderRequest order) {
        return book.current().chain(ruleSet -> earnings.lookup(pool, order.orderId(), order.memberId())
                .chain(lookup -> ruleRepository.spentByCampaign(pool).map(spent -> {
                    Calculation calculation = rules.apply(order, ruleSet, new EarningRules.Context(lookup.tier(),
                            !lookup.purchasedBefore(), spent, Set.of()));
                    return earning(order, calculation, lookup.tier(), ruleSet.version(), calculation.skipped());
                })));
    }

    public Uni<Recorded> record(OrderRequest order) {
        String hash = OrderContent.hash(order);
        return book.current()
                .chain(ruleSet -> pool.withTransaction(c -> earnings.lookup(c, order.orderId(), order.memberId())
                        .chain(lookup -> lookup.contentHash() != null
                                ? Uni.createFrom().item(repeat(order, hash, lookup))
                                : decide(c, order, hash, ruleSet, lookup))))
                .onFailure(DuplicateOrder.class).recoverWithUni(() -> earnings
                        .lookup(pool, order.orderId(), order.memberId()).map(lookup -> repeat(order, hash, lookup)))
                .invoke(recorded -> {
                    if (recorded.created()) {
                        relay.wake();
                    }
                });
    }

    private Uni<Recorded> decide(SqlConnection c, OrderRequest order, String hash, RuleSet ruleSet, Lookup lookup) {
        Calculation wanted = rules.apply(order, ruleSet,
                new EarningRules.Context(lookup.tier(), !lookup.purchasedBefore(), null, Set.of()));
        Set<String> exhausted = new HashSet<>();
        Uni<Void> claims = Uni.createFrom().voidItem();
        // In campaign id order, as the rules list them: concurrent orders lock budget rows in one order.
        for (BudgetClaim claim : wanted.budgetClaims()) {
            claims = claims.chain(() -> ruleRepository.spend(c, claim.campaignId(), claim.points()).invoke(taken -> {
                if (!taken) {
                    exhausted.add(claim.campaignId());
                }
            })).replaceWithVoid();
        }
        return claims
                .chain(() -> wanted.firstPurchase()
                        ? earnings.claimFirstPurchase(c, order.memberId(), order.orderId())
                        : Uni.createFrom().item(false))
                .chain(firstPurchase -> {
                    // Multipliers apply to base points only, so dropping a refused campaign or a first
                    // purchase another order claimed changes nothing else.
                    Calculation calculation = exhausted.isEmpty() && firstPurchase == wanted.firstPurchase() ? wanted
                            : rules.apply(order, ruleSet, new EarningRules.Context(lookup.tier(), firstPurchase,
                                    null, exhausted));
                    Earning earning = earning(order, calculation, lookup.tier(), ruleSet.version(), null);
                    String body = write(earning);
                    StoredEarning stored = new StoredEarning(order.orderId(), order.memberId(), hash,
                            calculation.points(), calculation.eligibleYuan(), calculation.proportionalPoints(), body,
                            write(order.lines()), write(calculation.fixedBonuses()));
                    return earnings.insert(c, stored, ruleSet.version()).chain(inserted -> {
                        if (!inserted) {
                            throw new DuplicateOrder();
                        }
                        return credit(c, order, earning);
                    }).replaceWith(new Recorded(body, true));
                });
    }

    private Uni<Void> credit(SqlConnection c, OrderRequest order, Earning earning) {
        Log.debugf("Order %s earned %d points for member %s", order.orderId(), earning.points(), order.memberId());
        if (earning.points() == 0) {
            return Uni.createFrom().voidItem();
        }
        PointsEarned credit = new PointsEarned(order.memberId(), earning.earningId(), earning.points(),
                new Origin(OriginKind.ORDER, order.orderId()), earning.breakdown(), earning.availableAt(),
                earning.expiresAt());
        return outbox.enqueue(c, Topics.POINTS_LEDGER, CloudEvent.of("points.earned:" + earning.earningId(), SOURCE,
                order.memberId(), clock.instant().truncatedTo(ChronoUnit.MICROS), credit));
    }

    private static Recorded repeat(OrderRequest order, String hash, Lookup lookup) {
        if (!hash.equals(lookup.contentHash())) {
            throw ApiException.conflict("ORDER_CONFLICT", "order '" + order.orderId()
                    + "' was already recorded with other content");
        }
        return new Recorded(lookup.response(), false);
    }

    private Earning earning(OrderRequest order, Calculation calculation, Tier tier, long version,
                            List<Calculation.Skipped> skipped) {
        return new Earning(lotId(order.orderId()), order.orderId(), order.memberId(), calculation.points(),
                calculation.eligibleYuan(), calculation.breakdown(), policy.availableAt(order.paidAt()),
                policy.expiresAt(order.paidAt(), tier), version, skipped);
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value, e);
        }
    }
}
