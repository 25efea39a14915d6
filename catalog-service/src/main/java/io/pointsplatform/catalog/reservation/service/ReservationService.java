package io.pointsplatform.catalog.reservation.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pointsplatform.catalog.coupon.repository.CouponRepository;
import io.pointsplatform.catalog.reservation.model.Reservation;
import io.pointsplatform.catalog.reservation.model.ReservationStatus;
import io.pointsplatform.catalog.reservation.repository.DonationRepository;
import io.pointsplatform.catalog.reservation.repository.LimitRepository;
import io.pointsplatform.catalog.reservation.repository.ReservationRepository;
import io.pointsplatform.catalog.reward.model.Prize;
import io.pointsplatform.catalog.reward.model.Reward;
import io.pointsplatform.catalog.reward.model.RewardKind;
import io.pointsplatform.catalog.reward.model.RewardStatus;
import io.pointsplatform.catalog.reward.repository.RewardRepository;
import io.pointsplatform.catalog.reward.repository.RewardRepository.StockLevel;
import io.pointsplatform.catalog.reward.service.CatalogEvents;
import io.pointsplatform.catalog.reward.service.Eligibility;
import io.pointsplatform.catalog.reward.service.RewardService;
import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.RewardUpserted;
import io.pointsplatform.events.StockChanged;
import io.pointsplatform.events.Tier;
import io.pointsplatform.events.Topics;
import io.pointsplatform.kit.db.UniqueViolation;
import io.pointsplatform.kit.outbox.Outbox;
import io.pointsplatform.kit.problem.ApiException;
import io.pointsplatform.kit.view.MemberPointsProjector;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Stock reservations: reserve (with a TTL), confirm, release, return, each one transaction. Stock,
 * a prize's stock and a member's limit are taken by conditional updates, never below zero or past
 * the limit, so that they hold under any concurrency; every change of stock is a stock.changed in
 * the same transaction. Locks are taken in one order everywhere (the reward's gate, a reservation's
 * row, a member's limit row, the reward, its prizes, a coupon code), so two transactions never wait on
 * each other in a circle.
 *
 * <p>A reservation decides from a read of the reward made without a lock, and checks what it read
 * where it takes the reward's row (the conditional stock update, or the insert of a reservation that
 * takes no stock, both under the row's lock): still ACTIVE, with the same per-member limit. So a
 * retire or a change of the limit answered before the reservation takes the row is seen by it: a
 * retired reward refuses it ({@code RETIRED}), a changed one has it read again and made as it now is.
 * A change takes the reward's gate alone, which every reservation holds shared from its first
 * statement to its commit (RewardRepository#sharedGate): the counts a change makes again under a new
 * period see every reservation made before it, and none is made against the old limit after it.
 */
@ApplicationScoped
public class ReservationService {

    private static final TypeReference<List<LotteryDraw.Line>> TABLE = new TypeReference<>() { };

    /**
     * Reads of the reward a reservation may make: each one after the first follows a change of its
     * limit or stock committed between the read and the take, so more than a few means an admin
     * changing it over and over.
     */
    private static final int MAX_READS = 5;

    private final Pool pool;
    private final ReservationRepository reservations;
    private final RewardRepository rewards;
    private final LimitRepository limits;
    private final CouponRepository coupons;
    private final DonationRepository donations;
    private final RewardService catalogue;
    private final MemberPointsProjector members;
    private final Outbox outbox;
    private final ObjectMapper json;
    private final Clock clock;

    public ReservationService(Pool pool, ReservationRepository reservations, RewardRepository rewards,
                              LimitRepository limits, CouponRepository coupons, DonationRepository donations,
                              RewardService catalogue, MemberPointsProjector members, Outbox outbox, ObjectMapper json,
                              Clock clock) {
        this.pool = pool;
        this.reservations = reservations;
        this.rewards = rewards;
        this.limits = limits;
        this.coupons = coupons;
        this.donations = donations;
        this.catalogue = catalogue;
        this.members = members;
        this.outbox = outbox;
        this.json = json;
        this.clock = clock;
    }

    /**
     * A fresh reservation (created), or the one this id already names when the order is the same.
     *
     * <p>The reward is read before any transaction: a refusal (not eligible, out of stock) is
     * answered from that read without a transaction or a lock, so the many refused attempts of a
     * flash sale do not queue on the reward's row behind the ones that take stock; the taking
     * itself stays a conditional update under the row's lock. A reward of unlimited stock, without
     * a per-member limit, that is neither a COUPON nor a LOTTERY writes one row, the reservation,
     * so that one statement is the whole of it. A repeat (the id exists) is found when its insert
     * conflicts, or when its attempt is refused, and answered as it was made.
     */
    public Uni<ReservationView> reserve(ReservationOrder order) {
        return attempt(order, 1)
                .onFailure(failure -> duplicateId(failure) || refusal(failure))
                .recoverWithUni(failure -> existing(order).map(found -> {
                    if (found != null) {
                        return found;
                    }
                    if (duplicateId(failure)) {
                        throw new IllegalStateException("a reservation that conflicted is gone", failure);
                    }
                    throw (RuntimeException) failure;
                }));
    }

    /** One attempt from a read of the reward; again from a new read when the reward changed before the take. */
    private Uni<ReservationView> attempt(ReservationOrder order, int read) {
        Instant now = now();
        return rewards.find(pool, order.rewardId())
                .chain(reward -> reserve(order, reward, now))
                .onFailure(ChangedSinceRead.class).recoverWithUni(changed -> {
                    if (read >= MAX_READS) {
                        return Uni.createFrom().failure(new ApiException(503, "BUSY", "Busy", "Reward '"
                                + order.rewardId() + "' changed " + read + " times while reservation '"
                                + order.reservationId() + "' was made; nothing was reserved, send it again")
                                .withRetryAfter(1));
                    }
                    Log.debugf("Reservation %s: reward %s changed since it was read, read again",
                            order.reservationId(), order.rewardId());
                    return attempt(order, read + 1);
                });
    }

    /** The member's tier from catalog's view of the log, asked only when the reward has a minimum tier. */
    private Uni<Tier> tier(Reward reward, String memberId) {
        if (reward.minTier() == null) {
            return Uni.createFrom().item(Tier.MEMBER);
        }
        return members.find(memberId).map(account -> account.map(a -> Tier.valueOf(a.tier())).orElse(Tier.MEMBER));
    }

    private Uni<ReservationView> existing(ReservationOrder order) {
        return reservations.find(pool, order.reservationId()).chain(found -> {
            if (found == null) {
                return Uni.createFrom().nullItem();
            }
            if (!found.rewardId().equals(order.rewardId()) || !found.memberId().equals(order.memberId())
                    || found.quantity() != order.quantity() || found.ttlSeconds() != order.ttlSeconds()
                    || (order.seed() != null && !order.seed().equals(found.seed()))) {
                throw ApiException.conflict("RESERVATION_CONFLICT", "reservation '" + order.reservationId()
                        + "' exists for another reward, member, quantity, ttlSeconds or seed");
            }
            return view(found);
        });
    }

    private Uni<ReservationView> reserve(ReservationOrder order, Reward reward, Instant now) {
        if (reward == null) {
            throw ApiException.notFound("Reward", order.rewardId());
        }
        if (reward.kind() == RewardKind.LOTTERY && order.quantity() != 1) {
            throw ApiException.validation("quantity", "must be 1 for a LOTTERY (one draw a reservation)")
                    .with("rewardName", reward.name());
        }
        if (reward.kind() == RewardKind.COUPON && order.quantity() != 1) {
            // One code a reservation: N units of stock priced N times for one code would charge for codes never given.
            throw ApiException.validation("quantity", "must be 1 for a COUPON (one code a reservation)")
                    .with("rewardName", reward.name());
        }
        return tier(reward, order.memberId()).chain(tier -> {
            List<String> refusals = Eligibility.refusals(reward, tier, now);
            if (!refusals.isEmpty()) {
                throw notEligible(order, reward, refusals);
            }
            if (reward.stock() != null && reward.stock() < order.quantity()) {
                // As the read saw it (a unit given back after it is found by the next attempt).
                return refuseOutOfStock(order, reward, now);
            }
            if (reward.stock() == null && reward.perMemberLimit() == null && reward.kind() != RewardKind.COUPON
                    && reward.kind() != RewardKind.LOTTERY) {
                Reservation reservation = reservation(order, reward, null, false, now);
                return reservations.insertAloneWhileOpen(reservation, reward).chain(made -> made
                        ? view(reservation).map(v -> created(v))
                        : refusedUnderLock(pool, order, reward, tier, now));
            }
            if (reward.stock() != null && reward.perMemberLimit() == null && reward.kind() != RewardKind.COUPON
                    && reward.kind() != RewardKind.LOTTERY) {
                Reservation reservation = reservation(order, reward, null, true, now);
                return reservations.insertTaking(reservation, reward, Topics.CATALOG_REWARDS,
                                templated(CatalogEvents.stockChanged(reward.rewardId(), 0L, null, 0, now), reward, StockChanged.TYPE),
                                templated(CatalogEvents.upserted(reward, now), reward, RewardUpserted.TYPE))
                        .chain(made -> made ? view(reservation).map(v -> created(v))
                                : refusedUnderLock(pool, order, reward, tier, now));
            }
            return pool.withTransaction(c -> reserve(c, order, reward, tier, now));
        });
    }

    /**
     * An event of the reward written from its read, for a statement that sets its id's version and
     * its {@code data.stock} from the row it changed (ReservationRepository#insertTaking).
     */
    private ReservationRepository.Templated templated(CloudEvent event, Reward reward, String type) {
        return new ReservationRepository.Templated(type + ":" + reward.rewardId() + ":", outbox.payload(event));
    }

    private Uni<ReservationView> reserve(SqlConnection c, ReservationOrder order, Reward reward, Tier tier,
                                         Instant now) {
        String periodKey = reward.perMemberLimit() == null ? null
                : reward.perMemberLimit().period().key(now, catalogue.zone());
        Uni<Boolean> withinLimit = periodKey == null ? Uni.createFrom().item(true)
                : limits.take(c, order.memberId(), reward.rewardId(), periodKey, order.quantity(),
                        reward.perMemberLimit().count());
        return withinLimit.chain(within -> {
            if (!within) {
                throw limitReached(reward, order);
            }
            // Unlimited and no prizes: nothing to take, and the reward's row is only share-locked by the insert.
            return !takesRow(reward)
                    ? Uni.createFrom().item(new StockLevel(null, reward.version()))
                    : rewards.take(c, reward, order.quantity(), now);
        }).chain(level -> {
            if (level == null) {
                return refusedUnderLock(c, order, reward, tier, now);
            }
            // Null stock: the reward was unlimited under the lock (or its row left alone), so nothing was taken.
            Reservation base = reservation(order, reward, periodKey, level.stock() != null, now);
            return kindAtReserve(c, reward, order, base).chain(reservation -> insert(c, order, reservation, reward, tier)
                    .chain(() -> stockEvent(c, reward, level, reservation.prizeId() != null, now))
                    .invoke(() -> Log.debugf("Reservation %s of %s for %s: %s", reservation.reservationId(),
                            reservation.rewardId(), reservation.memberId(), reservation.prizeId()))
                    .chain(() -> view(reservation).map(v -> created(v))));
        });
    }

    /**
     * The reservation's row: after a take, which locked the reward's row and checked it, as it is;
     * else (the reward unlimited, its row not taken) only while the reward is still as read, checked
     * under a share lock on its row.
     */
    private Uni<Void> insert(SqlConnection c, ReservationOrder order, Reservation reservation, Reward reward,
                             Tier tier) {
        if (takesRow(reward)) {
            return reservations.insert(c, reservation);
        }
        return reservations.insertWhileOpen(c, reservation, reward).chain(made -> made ? Uni.createFrom().voidItem()
                : refusedUnderLock(c, order, reward, tier, reservation.createdAt()));
    }

    /** Whether a reservation of the reward takes its row with the conditional stock update: stock or prizes to take. */
    private static boolean takesRow(Reward reward) {
        return reward.stock() != null || reward.kind() == RewardKind.LOTTERY;
    }

    /**
     * Why the reward's row refused what its read allowed, read again now that the statement that took
     * (or share-locked) the row has waited for whatever held it: no longer eligible (retired, another
     * window; {@code 422 NOT_ELIGIBLE}), changed in what the reservation was made from (its limit,
     * unlimited stock or minimum tier: {@link ChangedSinceRead}, the reservation is tried again from a
     * new read), or else out of stock. Always a failure.
     */
    private <T> Uni<T> refusedUnderLock(SqlClient c, ReservationOrder order, Reward read, Tier tier, Instant now) {
        return rewards.find(c, read.rewardId()).map(current -> {
            // The tier was asked for the minimum tier read (none: not asked at all). A reservation made
            // in one statement refuses any other change of the definition too (RewardRepository#definedAsRead).
            if (current == null || !Objects.equals(current.minTier(), read.minTier())
                    || !RewardRepository.sameDefinition(current, read)) {
                throw new ChangedSinceRead();
            }
            List<String> refusals = Eligibility.refusals(current, tier, now);
            if (!refusals.isEmpty()) {
                throw notEligible(order, current, refusals);
            }
            if (!Objects.equals(current.perMemberLimit(), read.perMemberLimit())
                    || (current.stock() == null) != (read.stock() == null)) {
                throw new ChangedSinceRead();
            }
            throw outOfStock(read, order);
        });
    }

    /** The reward changed between the read a reservation was decided from and the take: read it again. */
    private static final class ChangedSinceRead extends RuntimeException {
        ChangedSinceRead() {
            super("the reward changed since it was read", null, false, false);
        }
    }

    /**
     * {@code 422 NOT_ELIGIBLE} with every reason that applies ({@code reasons}: TIER_TOO_LOW,
     * NOT_STARTED, ENDED, RETIRED). It and the 409s below name the reward as read ({@code rewardName}),
     * so a caller that keeps the refusal (a FAILED redemption, its member's notice) names it.
     */
    private static ApiException notEligible(ReservationOrder order, Reward reward, List<String> refusals) {
        return new ApiException(422, "NOT_ELIGIBLE", "Not eligible", "member '" + order.memberId()
                + "' may not reserve reward '" + reward.rewardId() + "' now: " + String.join(", ", refusals))
                .with("reasons", List.copyOf(refusals)).with("rewardName", reward.name());
    }

    private static Reservation reservation(ReservationOrder order, Reward reward, String periodKey, boolean stockTaken,
                                           Instant now) {
        return new Reservation(order.reservationId(), reward.rewardId(), order.memberId(), order.quantity(),
                order.ttlSeconds(), reward.kind(), Math.multiplyExact(reward.pointsCost(), (long) order.quantity()),
                ReservationStatus.RESERVED, now.plusSeconds(order.ttlSeconds()), periodKey, null, null, null, null,
                null, reward.cause(), voucherValue(reward, order.quantity()), stockTaken, false, now, now, reward.name());
    }

    /** A VOUCHER's value for the quantity, fixed at reservation as its points are. */
    private static BigDecimal voucherValue(Reward reward, int quantity) {
        return reward.kind() != RewardKind.VOUCHER || reward.voucherValue() == null ? null
                : reward.voucherValue().multiply(BigDecimal.valueOf(quantity));
    }

    /** Out of stock as read: LIMIT_REACHED first when the member's limit refuses too (the documented order). */
    private Uni<ReservationView> refuseOutOfStock(ReservationOrder order, Reward reward, Instant now) {
        if (reward.perMemberLimit() == null) {
            throw outOfStock(reward, order);
        }
        String periodKey = reward.perMemberLimit().period().key(now, catalogue.zone());
        return limits.used(pool, order.memberId(), List.of(reward.rewardId())).map(used -> {
            int counted = used.getOrDefault(reward.rewardId(), Map.of()).getOrDefault(periodKey, 0);
            if (counted + order.quantity() > reward.perMemberLimit().count()) {
                throw limitReached(reward, order);
            }
            throw outOfStock(reward, order);
        });
    }

    private static ApiException limitReached(Reward reward, ReservationOrder order) {
        // Says what was asked: a quantity above the limit is refused before any is taken.
        return ApiException.conflict("LIMIT_REACHED", "member '" + order.memberId() + "' may not take "
                + order.quantity() + " more of reward '" + reward.rewardId() + "': the limit is "
                + reward.perMemberLimit().count() + " a " + reward.perMemberLimit().period())
                .with("rewardName", reward.name());
    }

    private static ApiException outOfStock(Reward reward, ReservationOrder order) {
        return ApiException.conflict("OUT_OF_STOCK", "reward '" + reward.rewardId() + "' has fewer than "
                + order.quantity() + " left").with("rewardName", reward.name());
    }

    /** A COUPON takes a code; a LOTTERY draws (and takes the prize won). */
    private Uni<Reservation> kindAtReserve(SqlConnection c, Reward reward, ReservationOrder order, Reservation base) {
        if (reward.kind() == RewardKind.COUPON) {
            return coupons.take(c, reward.rewardId(), order.reservationId()).map(code -> {
                if (code == null) {
                    // The reward's stock counts the available codes, and it was just taken: there must be one.
                    throw new IllegalStateException("reward " + reward.rewardId() + " had stock but no coupon code");
                }
                return with(base, null, null, null, null, code, false);
            });
        }
        if (reward.kind() != RewardKind.LOTTERY) {
            return Uni.createFrom().item(base);
        }
        String seed = order.seed() != null ? order.seed() : LotteryDraw.newSeed();
        return rewards.lockPrizes(c, reward.rewardId()).chain(prizes -> {
            List<LotteryDraw.Line> table = prizes.stream().map(p -> new LotteryDraw.Line(p.prizeId(), p.name(),
                    p.oddsPpm(), p.stock() == null || p.stock() > 0)).toList();
            LotteryDraw.Outcome outcome = LotteryDraw.draw(seed, table);
            if (outcome.prize() == null) {
                return Uni.createFrom().item(with(base, seed, null, null, write(table), null, false));
            }
            return rewards.takePrize(c, reward.rewardId(), outcome.prize().prizeId()).map(limited -> {
                if (limited == null) {
                    throw new IllegalStateException("prize " + outcome.prize().prizeId() + " was in stock under lock");
                }
                return with(base, seed, outcome.prize().prizeId(), outcome.prize().name(), write(table), null, limited);
            });
        });
    }

    /** Confirms a RESERVED reservation: a COUPON's code is issued, a DONATION added to its cause's total. */
    public Uni<ReservationView> confirm(String rewardId, String reservationId) {
        Instant now = now();
        // A GIFT, VOUCHER or LOTTERY still held has nothing to do at confirm but its status: one statement.
        return reservations.confirmPlain(rewardId, reservationId, now).chain(confirmed -> confirmed != null
                ? view(confirmed) : confirmLocked(rewardId, reservationId, now));
    }

    private Uni<ReservationView> confirmLocked(String rewardId, String reservationId, Instant now) {
        return pool.withTransaction(c -> locked(c, rewardId, reservationId).chain(r -> switch (r.status()) {
            case CONFIRMED -> Uni.createFrom().item(r);
            case RELEASED -> throw refused("RESERVATION_RELEASED", r, "was released");
            case EXPIRED -> throw refused("RESERVATION_EXPIRED", r, "expired at " + r.expiresAt());
            case RETURNED -> throw refused("RESERVATION_RETURNED", r, "was confirmed and returned");
            case RESERVED -> {
                if (!now.isBefore(r.expiresAt())) {
                    // Its time ran out before the job came to it: it expires now, and stays expired.
                    yield giveBack(c, r, ReservationStatus.EXPIRED, now);
                }
                Reservation confirmed = r.withStatus(ReservationStatus.CONFIRMED, now);
                Uni<Void> part = switch (r.kind()) {
                    case COUPON -> coupons.mark(c, r.couponCode(), "ISSUED");
                    case DONATION -> donations.add(c, r.cause(), r.pointsCost()).replaceWithVoid();
                    default -> Uni.createFrom().voidItem();
                };
                yield part.chain(() -> reservations.updateStatus(c, confirmed)).replaceWith(confirmed);
            }
        })).chain(r -> {
            if (r.status() == ReservationStatus.EXPIRED) {
                throw refused("RESERVATION_EXPIRED", r, "expired at " + r.expiresAt());
            }
            return view(r);
        });
    }

    /** Releases a RESERVED reservation (stock back); released or expired ones answer as they are. */
    public Uni<ReservationView> release(String rewardId, String reservationId) {
        Instant now = now();
        return pool.withTransaction(c -> locked(c, rewardId, reservationId).chain(r -> switch (r.status()) {
            case RELEASED, EXPIRED -> Uni.createFrom().item(r);
            case CONFIRMED, RETURNED -> throw refused("RESERVATION_CONFIRMED", r, "was confirmed: return it instead");
            case RESERVED -> giveBack(c, r, ReservationStatus.RELEASED, now);
        })).chain(this::view);
    }

    /**
     * Gives back a CONFIRMED reservation: stock back, a DONATION taken off its cause's total. After a
     * cancelled redemption a COUPON's code is voided, never issued again (the member has seen it, and
     * the merchant it came from cannot take it back), so a COUPON's stock stays; when the reward never
     * reached the member ({@code undelivered}: its redemption failed after the confirm, and the code
     * was never shown) the code goes back to be issued again, with its unit of stock.
     */
    public Uni<ReservationView> giveBackConfirmed(String rewardId, String reservationId, boolean undelivered) {
        Instant now = now();
        return pool.withTransaction(c -> locked(c, rewardId, reservationId).chain(r -> switch (r.status()) {
            case RETURNED -> Uni.createFrom().item(r);
            case RESERVED, RELEASED, EXPIRED -> throw refused("RESERVATION_NOT_CONFIRMED", r, "is " + r.status()
                    + ", not CONFIRMED");
            case CONFIRMED -> giveBack(c, r, ReservationStatus.RETURNED, undelivered, now);
        })).chain(this::view);
    }

    /** Releases every RESERVED reservation whose time has run out, up to {@code limit}; how many. */
    public Uni<Integer> expireDue(int limit) {
        Instant now = now();
        return reservations.expired(pool, now, limit).chain(ids -> {
            Uni<Integer> chain = Uni.createFrom().item(0);
            for (String id : ids) {
                chain = chain.chain(done -> pool.withTransaction(c -> reservations.lock(c, id).chain(r ->
                        r == null || r.status() != ReservationStatus.RESERVED || now.isBefore(r.expiresAt())
                                ? Uni.createFrom().item(0)
                                : giveBack(c, r, ReservationStatus.EXPIRED, now).replaceWith(1)))
                        .map(one -> done + one));
            }
            return chain;
        });
    }

    public Uni<ReservationView> get(String rewardId, String reservationId) {
        return reservations.find(pool, reservationId).chain(r -> {
            if (r == null || !r.rewardId().equals(rewardId)) {
                throw ApiException.notFound("Reservation", reservationId);
            }
            return view(r);
        });
    }

    /** A lottery reservation's draw, run again from its recorded seed and table. */
    public Uni<DrawAudit> draw(String rewardId, String reservationId) {
        return reservations.find(pool, reservationId).map(r -> {
            if (r == null || !r.rewardId().equals(rewardId) || r.kind() != RewardKind.LOTTERY) {
                throw ApiException.notFound("Draw", reservationId);
            }
            List<LotteryDraw.Line> table = read(r.prizeTable());
            LotteryDraw.Outcome again = LotteryDraw.draw(r.seed(), table);
            String prizeAgain = again.prize() == null ? null : again.prize().prizeId();
            return new DrawAudit(r.reservationId(), r.rewardId(), r.seed(), again.ticket(),
                    table.stream().map(l -> new DrawAudit.Line(l.prizeId(), l.name(),
                            BigDecimal.valueOf(l.oddsPpm(), 6).stripTrailingZeros(), l.inStock())).toList(),
                    new DrawAudit.Outcome(r.prizeId(), r.prizeName()), new DrawAudit.Outcome(prizeAgain,
                            again.prize() == null ? null : again.prize().name()),
                    Objects.equals(prizeAgain, r.prizeId()));
        });
    }

    /**
     * Stock, a prize, a coupon code and the member's limit back, as {@code next} says; a donation off
     * its total. Only what the reservation took comes back: no unit of a reward (or a prize) that
     * was unlimited when it was reserved, however its stock was set since.
     */
    private Uni<Reservation> giveBack(SqlConnection c, Reservation r, ReservationStatus next, Instant now) {
        return giveBack(c, r, next, false, now);
    }

    private Uni<Reservation> giveBack(SqlConnection c, Reservation r, ReservationStatus next, boolean undelivered,
                                      Instant now) {
        Reservation after = r.withStatus(next, now);
        boolean returned = next == ReservationStatus.RETURNED;
        Uni<Void> limit = r.periodKey() == null ? Uni.createFrom().voidItem()
                : limits.giveBack(c, r.memberId(), r.rewardId(), r.periodKey(), r.quantity());
        // A coupon's code returned after the member saw it is void: it is not stock any more.
        boolean voided = returned && !undelivered && r.kind() == RewardKind.COUPON;
        int units = r.stockTaken() && !voided ? r.quantity() : 0;
        boolean prizeBack = r.prizeId() != null && r.prizeTaken();
        return limit
                .chain(() -> units > 0 || prizeBack ? rewards.giveBack(c, r.rewardId(), units, now)
                        : Uni.createFrom().<StockLevel>nullItem())
                .chain(level -> {
                    Uni<Void> part = Uni.createFrom().voidItem();
                    if (prizeBack) {
                        part = rewards.giveBackPrize(c, r.rewardId(), r.prizeId());
                    }
                    if (r.couponCode() != null) {
                        part = part.chain(() -> coupons.mark(c, r.couponCode(), voided ? "VOID" : "AVAILABLE"));
                    }
                    if (returned && r.kind() == RewardKind.DONATION) {
                        part = part.chain(() -> donations.add(c, r.cause(), -r.pointsCost()).replaceWithVoid());
                    }
                    return part.chain(() -> reservations.updateStatus(c, after))
                            .chain(() -> level == null ? Uni.createFrom().voidItem()
                                    : rewards.find(c, r.rewardId()).chain(reward -> stockEvent(c, reward, level,
                                            prizeBack, now)));
                })
                .invoke(() -> Log.debugf("Reservation %s %s", r.reservationId(), next))
                .replaceWith(after);
    }

    /**
     * stock.changed when a level moved: the reward's (when limited) or, after a prize moved, the
     * prizes'; then the reward as it now is (CatalogEvents#afterStockChange).
     */
    private Uni<Void> stockEvent(SqlConnection c, Reward reward, StockLevel level, boolean prizesMoved, Instant now) {
        boolean lottery = reward.kind() == RewardKind.LOTTERY;
        if (level.stock() == null && !(lottery && prizesMoved)) {
            return Uni.createFrom().voidItem();
        }
        Uni<List<Prize>> prizes = lottery ? rewards.lockPrizes(c, reward.rewardId()) : Uni.createFrom().nullItem();
        return prizes.chain(levels -> outbox.enqueue(c, Topics.CATALOG_REWARDS,
                        CatalogEvents.stockChanged(reward.rewardId(), level.stock(), levels, level.version(), now)))
                // Read again: the reward given may be from before this change of stock. A retired reward's
                // stock still moves as its open reservations settle: its last record stays reward.retired.
                .chain(() -> rewards.find(c, reward.rewardId()))
                .chain(changed -> outbox.enqueue(c, Topics.CATALOG_REWARDS, changed.status() == RewardStatus.RETIRED
                        ? CatalogEvents.retired(changed, now) : CatalogEvents.upserted(changed, now)));
    }

    private Uni<Reservation> locked(SqlConnection c, String rewardId, String reservationId) {
        return reservations.lock(c, reservationId).map(r -> {
            if (r == null || !r.rewardId().equals(rewardId)) {
                throw ApiException.notFound("Reservation", reservationId);
            }
            return r;
        });
    }

    private Uni<ReservationView> view(Reservation r) {
        if (r.cause() == null || (r.status() != ReservationStatus.CONFIRMED && r.status() != ReservationStatus.RETURNED)) {
            return Uni.createFrom().item(ReservationView.of(r, null, false));
        }
        return donations.totals(pool, List.of(r.cause())).map(t -> ReservationView.of(r, t.get(r.cause()), false));
    }

    private static ReservationView created(ReservationView v) {
        return new ReservationView(v.reservationId(), v.rewardId(), v.rewardName(), v.memberId(), v.quantity(), v.kind(),
                v.pointsCost(), v.status(), v.expiresAt(), v.lottery(), v.couponCode(), v.donation(), v.voucherValue(),
                true);
    }

    private static Reservation with(Reservation r, String seed, String prizeId, String prizeName, String table,
                                    String couponCode, boolean prizeTaken) {
        return new Reservation(r.reservationId(), r.rewardId(), r.memberId(), r.quantity(), r.ttlSeconds(), r.kind(),
                r.pointsCost(), r.status(), r.expiresAt(), r.periodKey(), seed, prizeId, prizeName, table, couponCode,
                r.cause(), r.voucherValue(), r.stockTaken(), prizeTaken, r.createdAt(), r.updatedAt(), r.rewardName());
    }

    private static ApiException refused(String code, Reservation r, String why) {
        return ApiException.conflict(code, "reservation '" + r.reservationId() + "' " + why);
    }

    /** A refusal of the attempt, which a repeat of a reservation already made is answered instead of. */
    private static boolean refusal(Throwable failure) {
        return failure instanceof ApiException api && api.status() < 500;
    }

    private static boolean duplicateId(Throwable failure) {
        return UniqueViolation.of(failure, "reservation_pkey");
    }

    private String write(List<LotteryDraw.Line> table) {
        try {
            return json.writeValueAsString(table);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("prize table cannot be written", e);
        }
    }

    private List<LotteryDraw.Line> read(String table) {
        try {
            return json.readValue(table, TABLE);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("recorded prize table cannot be read", e);
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
