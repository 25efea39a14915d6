package io.pointsplatform.earning.order.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.pointsplatform.earning.order.repository.EarningRepository;
import io.pointsplatform.earning.order.repository.EarningRepository.Lookup;
import io.pointsplatform.earning.order.repository.EarningRepository.StoredEarning;
import io.pointsplatform.earning.order.rest.OrderRequest;
import io.pointsplatform.earning.order.service.Calculation.BudgetClaim;
import io.pointsplatform.earning.rule.repository.RuleRepository;
import io.pointsplatform.earning.rule.service.RuleBook;
import io.pointsplatform.earning.rule.service.RuleSet;
import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.EventCodec;
import io.pointsplatform.events.Origin;
import io.pointsplatform.events.OriginKind;
import io.pointsplatform.events.PointsEarned;
import io.pointsplatform.events.Tier;
import io.pointsplatform.events.Topics;
import io.pointsplatform.kit.batch.GroupCommit;
import io.pointsplatform.kit.batch.GroupCommit.Outcome;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Earning for an order, exactly once. One transaction reads what it needs in one statement, takes
 * budgeted campaigns' points from their budgets, records the earning (its primary key is the order
 * id, so a concurrent duplicate cannot record a second one) and writes the credit to the outbox.
 */
@ApplicationScoped
public class EarningService {

    static final String SOURCE = "/earning-service";
    /** CONTRACT.md's name of the order's time, the one errors name ({@code paidAt} is read too). */
    private static final String PURCHASED_AT = "purchasedAt";

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
    private final EventCodec codec;
    private final Clock clock;
    private final GroupCommit<OrderRequest, Recorded> batches;
    private final DistributionSummary batchSizes;

    public EarningService(Pool pool, EarningRepository earnings, RuleRepository ruleRepository, RuleBook book,
                          EarningPolicy policy, Outbox outbox, OutboxRelay relay, ObjectMapper json, EventCodec codec,
                          Clock clock, MeterRegistry registry,
                          @ConfigProperty(name = "points.earning.max-batch", defaultValue = "64") int maxBatch,
                          @ConfigProperty(name = "points.earning.batches-in-flight", defaultValue = "1") int inFlight,
                          @ConfigProperty(name = "points.earning.max-queued", defaultValue = "10000") int maxQueued) {
        this.pool = pool;
        this.earnings = earnings;
        this.ruleRepository = ruleRepository;
        this.book = book;
        this.policy = policy;
        this.rules = policy.rules();
        this.outbox = outbox;
        this.relay = relay;
        this.json = json;
        this.codec = codec;
        this.clock = clock;
        this.batches = new GroupCommit<>(this::recordAll, maxBatch, inFlight, maxQueued);
        this.batchSizes = DistributionSummary.builder("points.earning.batch.size")
                .description("Orders recorded per transaction (group commit)").register(registry);
    }

    public static String lotId(String orderId) {
        return "order-" + orderId;
    }

    /**
     * The calculation without recording anything; it says why each rule that did not fire did not.
     * Refused as recording would refuse it: a purchase dated in the future, a member never enrolled.
     */
    public Uni<Earning> preview(OrderRequest order) {
        policy.requireNotInFuture(order.purchasedAt(), PURCHASED_AT);
        return book.current().chain(ruleSet -> earnings.lookup(pool, order.orderId(), order.memberId())
                .invoke(lookup -> {
                    ApiException refused = refusal(order, lookup);
                    if (refused != null) {
                        throw refused;
                    }
                })
                .chain(lookup -> ruleRepository.spentByCampaign(pool).map(spent -> {
                    Calculation calculation = rules.apply(order, ruleSet, new EarningRules.Context(lookup.tier(),
                            !lookup.purchasedBefore(), spent, Set.of()));
                    return earning(order, calculation, lookup.tier(), ruleSet.version(), calculation.skipped());
                })));
    }

    /**
     * Records an order's earning once. Orders that arrive while others are being written wait and
     * are then recorded together ({@link GroupCommit}, {@link #recordAll}): one transaction and a
     * handful of statements for the whole batch. The statement that reads what the batch needs
     * also says whether each member was enrolled, so refusing an unknown member costs no round trip.
     */
    public Uni<Recorded> record(OrderRequest order) {
        policy.requireNotInFuture(order.purchasedAt(), PURCHASED_AT);
        return batches.submit(order).invoke(recorded -> {
            if (recorded.created()) {
                relay.wake();
            }
        });
    }

    /** One order in its own transaction: the path a batch falls back to when it fails as a whole. */
    Uni<Recorded> recordOne(OrderRequest order) {
        String hash = OrderContent.hash(order);
        return book.current()
                .chain(ruleSet -> pool.withTransaction(c -> earnings.lookup(c, order.orderId(), order.memberId())
                        .chain(lookup -> {
                            if (lookup.contentHash() != null) {
                                return Uni.createFrom().item(repeat(order, hash, lookup));
                            }
                            ApiException refused = refusal(order, lookup);
                            if (refused != null) {
                                throw refused;
                            }
                            return decide(c, order, hash, ruleSet, lookup);
                        })))
                .onFailure(DuplicateOrder.class).recoverWithUni(() -> earnings
                        .lookup(pool, order.orderId(), order.memberId()).map(lookup -> repeat(order, hash, lookup)));
    }

    /**
     * A batch of orders in one transaction, with the same outcome as recording them one after the
     * other in the order given:
     * <ol>
     * <li>one statement looks up every order's earlier earning, tier and whether the member bought before;
     * <li>repeats are answered from what was recorded (a repeat of an order earlier in the same
     *     batch is answered from that order's earning);
     * <li>the budget rows that campaigns would spend are locked in campaign id order, then each
     *     order takes from them in turn (a campaign whose budget is spent does not fire);
     * <li>one statement claims the first purchases (only a member's first order in the batch asks);
     * <li>one statement records every earning and writes its credit to the outbox.
     * </ol>
     * If a concurrent duplicate recorded one of the orders first, the transaction is rolled back
     * and the batch made again (that order is then a repeat). Any other failure of the batch makes
     * each order again in its own transaction ({@link #recordOne}), so one bad order fails alone.
     */
    Uni<List<Outcome<Recorded>>> recordAll(List<OrderRequest> orders) {
        batchSizes.record(orders.size());
        return book.current()
                .chain(ruleSet -> pool.withTransaction(c -> decideAll(c, orders, ruleSet)))
                .onFailure(DuplicateOrder.class).retry().atMost(3)
                .onFailure().recoverWithUni(failure -> {
                    Log.debugf("A batch of %d orders failed together (%s); recording them one by one", orders.size(),
                            failure.toString());
                    List<Outcome<Recorded>> outcomes = new ArrayList<>(orders.size());
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (OrderRequest order : orders) {
                        chain = chain.chain(() -> Uni.createFrom().deferred(() -> recordOne(order))
                                .onItemOrFailure().invoke((recorded, error) -> outcomes.add(
                                        error == null ? Outcome.of(recorded) : Outcome.failed(error)))
                                .onFailure().recoverWithNull().replaceWithVoid());
                    }
                    return chain.replaceWith(outcomes);
                });
    }

    private Uni<List<Outcome<Recorded>>> decideAll(SqlConnection c, List<OrderRequest> orders, RuleSet ruleSet) {
        int n = orders.size();
        List<String> hashes = orders.stream().map(OrderContent::hash).toList();
        return earnings.lookupAll(c, orders.stream().map(OrderRequest::orderId).toList(),
                        orders.stream().map(OrderRequest::memberId).toList())
                .chain(lookups -> {
                    // The orders to decide: the first of each order id that was not recorded before.
                    Map<String, Integer> firstOf = new HashMap<>();
                    Map<Integer, ApiException> refusals = new HashMap<>();
                    List<Integer> fresh = new ArrayList<>();
                    Map<String, String> firstPurchaseCandidates = new TreeMap<>();
                    Set<String> buyers = new HashSet<>();
                    Map<Integer, Calculation> wanted = new HashMap<>();
                    Set<String> budgeted = new TreeSet<>();
                    for (int i = 0; i < n; i++) {
                        OrderRequest order = orders.get(i);
                        Lookup lookup = lookups.get(i);
                        if (lookup.contentHash() != null || firstOf.containsKey(order.orderId())) {
                            continue;
                        }
                        ApiException refused = refusal(order, lookup);
                        if (refused != null) {
                            // Refused alone, as if it came on its own; repeats above are answered as before.
                            refusals.put(i, refused);
                            continue;
                        }
                        firstOf.put(order.orderId(), i);
                        fresh.add(i);
                        // An earlier order of the member in this batch is a purchase before this one.
                        boolean firstInBatch = !lookup.purchasedBefore() && buyers.add(order.memberId());
                        Calculation calculation = rules.apply(order, ruleSet,
                                new EarningRules.Context(lookup.tier(), firstInBatch, null, Set.of()));
                        wanted.put(i, calculation);
                        if (firstInBatch) {
                            // Claimed by the member's first order even when it earns no bonus (nothing
                            // eligible, no rule): a concurrent batch's order of the member is then not
                            // taken for the first, as it would not be one after the other.
                            firstPurchaseCandidates.put(order.memberId(), order.orderId());
                        }
                        calculation.budgetClaims().forEach(claim -> budgeted.add(claim.campaignId()));
                    }
                    if (fresh.isEmpty()) {
                        return Uni.createFrom().item(answers(orders, hashes, lookups, firstOf, refusals,
                                Map.of()));
                    }
                    return ruleRepository.lockBudgets(c, budgeted)
                            .chain(() -> earnings.claimFirstPurchases(c, firstPurchaseCandidates))
                            .chain(won -> decideFresh(c, orders, hashes, lookups, fresh, wanted, won,
                                    firstPurchaseCandidates, ruleSet))
                            .map(decided -> answers(orders, hashes, lookups, firstOf, refusals, decided));
                });
    }

    /** Takes budgets in turn, then records every fresh order; returns each one's stored body by index. */
    private Uni<Map<Integer, String>> decideFresh(SqlConnection c, List<OrderRequest> orders, List<String> hashes,
            List<Lookup> lookups, List<Integer> fresh, Map<Integer, Calculation> wanted, Set<String> won,
            Map<String, String> candidates, RuleSet ruleSet) {
        Map<Integer, Calculation> decided = new HashMap<>();
        Uni<Void> claims = Uni.createFrom().voidItem();
        for (int i : fresh) {
            claims = claims.chain(() -> {
                OrderRequest order = orders.get(i);
                boolean firstPurchase = won.contains(order.memberId())
                        && order.orderId().equals(candidates.get(order.memberId()));
                return takeBudgets(c, wanted.get(i)).map(exhausted -> {
                    Calculation want = wanted.get(i);
                    decided.put(i, exhausted.isEmpty() && (firstPurchase || !want.firstPurchase()) ? want
                            : rules.apply(order, ruleSet, new EarningRules.Context(lookups.get(i).tier(), firstPurchase,
                                    null, exhausted)));
                    return null;
                });
            }).replaceWithVoid();
        }
        return claims.chain(() -> {
            List<EarningRepository.NewEarning> rows = new ArrayList<>(fresh.size());
            Map<Integer, String> bodies = new HashMap<>();
            for (int i : fresh) {
                OrderRequest order = orders.get(i);
                Calculation calculation = decided.get(i);
                Earning earning = earning(order, calculation, lookups.get(i).tier(), ruleSet.version(), null);
                String body = write(earning);
                bodies.put(i, body);
                rows.add(new EarningRepository.NewEarning(new StoredEarning(order.orderId(), order.memberId(),
                        hashes.get(i), calculation.points(), calculation.eligibleYuan(),
                        calculation.proportionalPoints(), body, write(order.lines()), write(calculation.fixedBonuses()),
                        write(calculation.linePoints())),
                        creditOf(order, earning)));
            }
            return earnings.insertAll(c, rows, ruleSet.version(), Topics.POINTS_LEDGER, codec).map(recorded -> {
                if (recorded.size() != rows.size()) {
                    // A concurrent duplicate recorded one of them first: roll back and make the batch again.
                    throw new DuplicateOrder();
                }
                return bodies;
            });
        });
    }

    /** Takes an order's budget claims in turn; returns the campaigns whose budget could not cover it. */
    private Uni<Set<String>> takeBudgets(SqlConnection c, Calculation wanted) {
        Set<String> exhausted = new HashSet<>();
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (BudgetClaim claim : wanted.budgetClaims()) {
            chain = chain.chain(() -> ruleRepository.spend(c, claim.campaignId(), claim.points()).invoke(taken -> {
                if (!taken) {
                    exhausted.add(claim.campaignId());
                }
            })).replaceWithVoid();
        }
        return chain.replaceWith(exhausted);
    }

    private static List<Outcome<Recorded>> answers(List<OrderRequest> orders, List<String> hashes, List<Lookup> lookups,
            Map<String, Integer> firstOf, Map<Integer, ApiException> refusals, Map<Integer, String> decided) {
        List<Outcome<Recorded>> outcomes = new ArrayList<>(orders.size());
        for (int i = 0; i < orders.size(); i++) {
            OrderRequest order = orders.get(i);
            try {
                if (refusals.containsKey(i)) {
                    outcomes.add(Outcome.failed(refusals.get(i)));
                } else if (decided.containsKey(i)) {
                    outcomes.add(Outcome.of(new Recorded(decided.get(i), true)));
                } else if (lookups.get(i).contentHash() != null) {
                    outcomes.add(Outcome.of(repeat(order, hashes.get(i), lookups.get(i))));
                } else {
                    // A repeat of an order decided earlier in this batch.
                    int first = firstOf.get(order.orderId());
                    outcomes.add(Outcome.of(repeat(order, hashes.get(i), new Lookup(hashes.get(first),
                            decided.get(first), lookups.get(first).tier(), true, true))));
                }
            } catch (ApiException conflict) {
                outcomes.add(Outcome.failed(conflict));
            }
        }
        return outcomes;
    }

    /**
     * Why an order not recorded before earns nothing, or null: a member who was never enrolled, when
     * the programme refuses those ({@code 422 UNKNOWN_MEMBER}); a purchase so old that its points
     * would have expired before they came ({@code 422 ORDER_TOO_OLD}).
     */
    private ApiException refusal(OrderRequest order, Lookup lookup) {
        if (!lookup.enrolled() && !policy.acceptsUnknownMembers()) {
            return EarningPolicy.unknownMember(order.memberId());
        }
        return policy.tooOld(order.purchasedAt(), lookup.tier());
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
                // Claimed by the member's first order even without a bonus (as in a batch).
                .chain(() -> !lookup.purchasedBefore()
                        ? earnings.claimFirstPurchase(c, order.memberId(), order.orderId())
                        : Uni.createFrom().item(false))
                .chain(firstPurchase -> {
                    // Multipliers apply to base points only, so dropping a refused campaign or a first
                    // purchase another order claimed changes nothing else.
                    Calculation calculation = exhausted.isEmpty() && (firstPurchase || !wanted.firstPurchase()) ? wanted
                            : rules.apply(order, ruleSet, new EarningRules.Context(lookup.tier(), firstPurchase,
                                    null, exhausted));
                    Earning earning = earning(order, calculation, lookup.tier(), ruleSet.version(), null);
                    String body = write(earning);
                    StoredEarning stored = new StoredEarning(order.orderId(), order.memberId(), hash,
                            calculation.points(), calculation.eligibleYuan(), calculation.proportionalPoints(), body,
                            write(order.lines()), write(calculation.fixedBonuses()), write(calculation.linePoints()));
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
        CloudEvent credit = creditOf(order, earning);
        return credit == null ? Uni.createFrom().voidItem() : outbox.enqueue(c, Topics.POINTS_LEDGER, credit);
    }

    /** The order's credit on the ledger, or null when it earned nothing. */
    private CloudEvent creditOf(OrderRequest order, Earning earning) {
        if (earning.points() == 0) {
            return null;
        }
        PointsEarned credit = new PointsEarned(order.memberId(), earning.earningId(), earning.points(),
                new Origin(OriginKind.ORDER, order.orderId()), earning.breakdown(), earning.availableAt(),
                earning.expiresAt());
        return CloudEvent.of("points.earned:" + earning.earningId(), SOURCE, order.memberId(),
                clock.instant().truncatedTo(ChronoUnit.MICROS), credit);
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
                calculation.eligibleYuan(), calculation.breakdown(), policy.availableAt(order.purchasedAt()),
                policy.expiresAt(order.purchasedAt(), tier), version, skipped);
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value, e);
        }
    }
}
