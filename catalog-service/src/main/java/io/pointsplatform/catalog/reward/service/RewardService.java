package io.pointsplatform.catalog.reward.service;

import io.pointsplatform.catalog.reservation.repository.DonationRepository;
import io.pointsplatform.catalog.reservation.repository.LimitRepository;
import io.pointsplatform.catalog.reservation.repository.ReservationRepository;
import io.pointsplatform.catalog.reward.model.LimitPeriod;
import io.pointsplatform.catalog.reward.model.PerMemberLimit;
import io.pointsplatform.catalog.reward.model.Prize;
import io.pointsplatform.catalog.reward.model.Reward;
import io.pointsplatform.catalog.reward.model.RewardKind;
import io.pointsplatform.catalog.reward.model.RewardStatus;
import io.pointsplatform.catalog.reward.model.Visibility;
import io.pointsplatform.catalog.reward.repository.RewardRepository;
import io.pointsplatform.events.Account;
import io.pointsplatform.events.PointsValue;
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
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The catalogue: rewards created, changed and retired by admins, each change an event in the same transaction. */
@ApplicationScoped
public class RewardService {

    public static final int MAX_PAGE = 200;
    public static final int MAX_PRIZES = 50;
    static final long MAX_POINTS_COST = 100_000_000L;

    private final Pool pool;
    private final RewardRepository rewards;
    private final LimitRepository limits;
    private final ReservationRepository reservations;
    private final DonationRepository donations;
    private final Outbox outbox;
    private final MemberPointsProjector members;
    private final Clock clock;
    private final int pointsPerYuan;
    private final ZoneId zone;

    public RewardService(Pool pool, RewardRepository rewards, LimitRepository limits, ReservationRepository reservations,
                         DonationRepository donations,
                         Outbox outbox, MemberPointsProjector members, Clock clock,
                         @ConfigProperty(name = "catalog.voucher.points-per-yuan",
                                 defaultValue = "" + PointsValue.DEFAULT_POINTS_PER_YUAN) int pointsPerYuan,
                         @ConfigProperty(name = "catalog.limit-zone", defaultValue = "Asia/Shanghai") ZoneId zone) {
        if (pointsPerYuan <= 0) {
            throw new IllegalArgumentException("catalog.voucher.points-per-yuan must be positive");
        }
        this.pool = pool;
        this.rewards = rewards;
        this.limits = limits;
        this.reservations = reservations;
        this.donations = donations;
        this.outbox = outbox;
        this.members = members;
        this.clock = clock;
        this.pointsPerYuan = pointsPerYuan;
        this.zone = zone;
    }

    /** The zone limit periods (days, weeks, months, years) are counted in. */
    public ZoneId zone() {
        return zone;
    }

    /** Creates a reward once; the same definition again answers as the first (200), other content is a conflict. */
    public Uni<RewardView> create(RewardSpec spec) {
        Instant now = now();
        Reward wanted = definition(spec, null, now);
        // Two creates of one id at once both find no reward; the one whose insert loses runs again and
        // finds the winner's: the same definition (200) or a conflict (409), not a 500.
        return create(wanted, now).onFailure(failure -> UniqueViolation.of(failure, "reward_pkey"))
                .recoverWithUni(() -> create(wanted, now));
    }

    private Uni<RewardView> create(Reward wanted, Instant now) {
        return pool.withTransaction(c -> rewards.find(c, wanted.rewardId()).chain(existing -> {
            if (existing != null) {
                if (!existing.sameCreation(wanted)) {
                    throw ApiException.conflict("REWARD_CONFLICT",
                            "reward '" + wanted.rewardId() + "' already exists with other content; change it with PUT");
                }
                return view(c, existing, false);
            }
            return rewards.insert(c, wanted)
                    .chain(() -> outbox.enqueue(c, Topics.CATALOG_REWARDS, CatalogEvents.upserted(wanted, now)))
                    .invoke(() -> Log.infof("Reward %s (%s) created", wanted.rewardId(), wanted.kind()))
                    .chain(() -> view(c, wanted, true));
        }));
    }

    /**
     * Changes a reward's definition as a whole; its kind cannot change, a retired one cannot change.
     * The same definition again changes nothing and publishes nothing.
     *
     * <p>First of all its locks, the change takes the reward's gate alone (RewardRepository#closeGate):
     * the reservations of the reward in progress end first, and those that come meanwhile wait, then
     * see the change where they take the reward's row (ReservationService), so none is made from the
     * definition as it was once the change is made, and the counts made again below see every one.
     */
    public Uni<RewardView> change(String rewardId, RewardSpec spec, Long ifVersion) {
        Instant now = now();
        return pool.withTransaction(c -> rewards.closeGate(c, rewardId)
                .chain(() -> recountOnNewPeriod(c, rewardId, spec.perMemberLimit()))
                .chain(() -> rewards.lock(c, rewardId)).chain(existing -> {
            if (existing == null) {
                throw ApiException.notFound("Reward", rewardId);
            }
            requireVersion(existing, ifVersion);
            if (existing.kind() != spec.kind()) {
                throw ApiException.validation("kind", "cannot change: the reward is a " + existing.kind());
            }
            if (existing.status() == RewardStatus.RETIRED) {
                throw ApiException.conflict("REWARD_RETIRED", "reward '" + rewardId + "' is retired and cannot change");
            }
            Reward wanted = definition(spec, existing, now);
            if (existing.sameDefinition(wanted)) {
                return view(c, existing, false);
            }
            return rewards.update(c, wanted)
                    .chain(() -> outbox.enqueue(c, Topics.CATALOG_REWARDS, CatalogEvents.upserted(wanted, now)))
                    .invoke(() -> Log.infof("Reward %s changed (version %d)", rewardId, wanted.version()))
                    .chain(() -> view(c, wanted, false));
        }));
    }

    /**
     * A change that gives the reward a limit of another period, or a limit where it had none, counts
     * every member's reservations that count (RESERVED, CONFIRMED) again under it: each in the period
     * it was made in, so "1 a LIFETIME" set on a reward already redeemed holds for those who redeemed
     * it. Only the count changing keeps the counts as they are. In the order every transaction takes
     * them (the reward's gate, taken by the change before this; the reservations, the counts, then the
     * reward's row: ReservationService), so it never waits in a circle with a release or a reservation.
     * Behind the gate no reservation is in progress, its limit counted but its row not yet inserted, so
     * the reservations read here are all there are. Rolled back with the change if that is refused.
     */
    private Uni<Void> recountOnNewPeriod(SqlConnection c, String rewardId, PerMemberLimit wanted) {
        return rewards.find(c, rewardId).chain(current -> {
            LimitPeriod before = current == null || current.perMemberLimit() == null ? null
                    : current.perMemberLimit().period();
            LimitPeriod after = wanted == null ? null : wanted.period();
            if (current == null || before == after) {
                return Uni.createFrom().voidItem();
            }
            return reservations.lockHeld(c, rewardId).chain(held -> limits.forget(c, rewardId).chain(() -> {
                List<String> ids = new ArrayList<>();
                List<String> keys = new ArrayList<>();
                Map<List<String>, Integer> used = new LinkedHashMap<>();
                for (ReservationRepository.Held h : held) {
                    String key = after == null ? null : after.key(h.createdAt(), zone);
                    ids.add(h.reservationId());
                    keys.add(key);
                    if (key != null) {
                        used.merge(List.of(h.memberId(), key), h.quantity(), Integer::sum);
                    }
                }
                Log.infof("Reward %s: its limit's period changes from %s to %s; %d reservations counted again",
                        rewardId, before, after, held.size());
                return reservations.rekey(c, ids, keys).chain(() -> limits.count(c, rewardId, used));
            }));
        });
    }

    /** Retires a reward (idempotent): it can no longer be reserved; open reservations still settle. */
    public Uni<RewardView> retire(String rewardId, Long ifVersion) {
        Instant now = now();
        return pool.withTransaction(c -> rewards.lock(c, rewardId).chain(existing -> {
            if (existing == null) {
                throw ApiException.notFound("Reward", rewardId);
            }
            requireVersion(existing, ifVersion);
            if (existing.status() == RewardStatus.RETIRED) {
                return view(c, existing, false);
            }
            Reward retired = new Reward(existing.rewardId(), existing.name(), existing.kind(), existing.pointsCost(),
                    existing.stock(), existing.perMemberLimit(), existing.minTier(), existing.validFrom(),
                    existing.validUntil(), existing.visibility(), RewardStatus.RETIRED, existing.voucherValue(),
                    existing.prizes(), existing.cause(), existing.version() + 1, existing.createdAt(), now);
            return rewards.update(c, retired)
                    .chain(() -> outbox.enqueue(c, Topics.CATALOG_REWARDS, CatalogEvents.retired(retired, now)))
                    .invoke(() -> Log.infof("Reward %s retired", rewardId))
                    .chain(() -> view(c, retired, false));
        }));
    }

    /**
     * A change sent with the version it was read at ({@code If-Match}) is refused when the reward has
     * moved since (another change, or its stock taken or given back): {@code 412 VERSION_MISMATCH}.
     * Read under the change's row lock, so nothing moves it between this check and the write.
     */
    private static void requireVersion(Reward existing, Long ifVersion) {
        if (ifVersion != null && existing.version() != ifVersion) {
            throw new ApiException(412, "VERSION_MISMATCH", "The reward changed since it was read",
                    "Reward '" + existing.rewardId() + "' is at version " + existing.version() + ", not " + ifVersion
                            + " (a change or its stock moved since it was read); read it again and send the change"
                            + " with If-Match: \"" + existing.version() + "\"");
        }
    }

    /** One reward; a HIDDEN one is not found unless {@code seesHidden}. With a member, its eligibility. */
    public Uni<RewardView> get(String rewardId, String memberId, boolean seesHidden) {
        return rewards.find(pool, rewardId).chain(reward -> {
            if (reward == null || (reward.visibility() == Visibility.HIDDEN && !seesHidden)) {
                throw ApiException.notFound("Reward", rewardId);
            }
            return views(List.of(reward), memberId).map(list -> list.get(0));
        });
    }

    /**
     * A page of rewards by id, after the given id; without {@code seesAll}, only PUBLIC, ACTIVE ones.
     * With a member, each says whether that member may redeem it now.
     */
    public Uni<List<RewardView>> list(String memberId, String after, int limit, boolean seesAll) {
        return rewards.page(pool, after, Math.min(limit, MAX_PAGE), !seesAll).chain(page -> views(page, memberId));
    }

    private Uni<List<RewardView>> views(List<Reward> page, String memberId) {
        Instant now = clock.instant();
        List<String> causes = page.stream().map(Reward::cause).filter(Objects::nonNull).distinct().toList();
        Uni<Optional<Account>> account = memberId == null ? Uni.createFrom().item(Optional.empty())
                : members.find(memberId);
        Uni<Map<String, Map<String, Integer>>> used = memberId == null || page.isEmpty()
                ? Uni.createFrom().item(Map.of())
                : limits.used(pool, memberId, page.stream().map(Reward::rewardId).toList());
        return Uni.combine().all().unis(account, used, donations.totals(pool, causes)).asTuple().map(found -> page.stream()
                .map(r -> RewardView.of(r, r.cause() == null ? null : found.getItem3().getOrDefault(r.cause(), 0L),
                        memberId == null ? null : Eligibility.of(r, found.getItem1().orElse(null),
                                usedNow(found.getItem2().get(r.rewardId()), r, now), now), false))
                .toList());
    }

    private long usedNow(Map<String, Integer> byPeriod, Reward r, Instant now) {
        if (byPeriod == null || r.perMemberLimit() == null) {
            return 0;
        }
        return byPeriod.getOrDefault(r.perMemberLimit().period().key(now, zone), 0);
    }

    private Uni<RewardView> view(SqlClient c, Reward r, boolean created) {
        Uni<Map<String, Long>> totals = donations.totals(c, r.cause() == null ? List.of() : List.of(r.cause()));
        return totals.map(t -> RewardView.of(r, r.cause() == null ? null : t.getOrDefault(r.cause(), 0L), null, created));
    }

    /** The reward a spec describes, checked for what its kind needs; a change keeps identity, times and coupon stock. */
    private Reward definition(RewardSpec spec, Reward existing, Instant now) {
        Instant validFrom = micros(spec.validFrom());
        Instant validUntil = micros(spec.validUntil());
        if (validFrom != null && validUntil != null && !validFrom.isBefore(validUntil)) {
            throw ApiException.validation("validUntil", "must be after validFrom");
        }
        RewardKind kind = spec.kind();
        only(kind == RewardKind.VOUCHER, spec.voucherValue() != null, "voucherValue", "VOUCHER");
        only(kind == RewardKind.LOTTERY, spec.prizes() != null && !spec.prizes().isEmpty(), "prizes", "LOTTERY");
        only(kind == RewardKind.DONATION, spec.cause() != null, "cause", "DONATION");
        if (kind == RewardKind.COUPON && spec.stock() != null) {
            throw ApiException.validation("stock", "must be absent for a COUPON: its stock is the codes imported"
                    + " and not yet taken (POST /api/v1/rewards/{rewardId}/coupon-codes)");
        }
        if (spec.prizes() != null) {
            checkPrizes(spec.prizes());
        }
        long pointsCost = pointsCost(spec);
        Long stock = kind == RewardKind.COUPON ? (existing == null ? Long.valueOf(0) : existing.stock()) : spec.stock();
        return new Reward(spec.rewardId(), spec.name(), kind, pointsCost, stock, spec.perMemberLimit(),
                spec.minTier() == null ? null : spec.minTier().name(), validFrom, validUntil,
                spec.visibility() == null ? Visibility.PUBLIC : spec.visibility(), RewardStatus.ACTIVE,
                spec.voucherValue(), spec.prizes(), spec.cause(),
                existing == null ? 1 : existing.version() + 1, existing == null ? now : existing.createdAt(), now);
    }

    private long pointsCost(RewardSpec spec) {
        if (spec.pointsCost() != null) {
            return spec.pointsCost();
        }
        if (spec.kind() != RewardKind.VOUCHER) {
            throw ApiException.validation("pointsCost", "must not be null");
        }
        long points = PointsValue.pointsFor(spec.voucherValue(), pointsPerYuan);
        if (points < 1 || points > MAX_POINTS_COST) {
            throw ApiException.validation("voucherValue", "is worth " + points + " points at " + pointsPerYuan
                    + " points a yuan: pointsCost must be from 1 to " + MAX_POINTS_COST);
        }
        return points;
    }

    private static void checkPrizes(List<Prize> prizes) {
        if (prizes.size() > MAX_PRIZES) {
            throw ApiException.validation("prizes", "must have at most " + MAX_PRIZES + " prizes");
        }
        Set<String> ids = new HashSet<>();
        BigDecimal total = BigDecimal.ZERO;
        for (Prize prize : prizes) {
            if (!ids.add(prize.prizeId())) {
                throw ApiException.validation("prizes", "prizeId '" + prize.prizeId() + "' appears twice");
            }
            total = total.add(prize.odds());
        }
        if (total.compareTo(BigDecimal.ONE) > 0) {
            throw ApiException.validation("prizes", "odds add up to " + total.toPlainString() + ", more than 1");
        }
    }

    private static void only(boolean kindNeedsIt, boolean given, String field, String kind) {
        if (kindNeedsIt && !given) {
            throw ApiException.validation(field, "must be given for a " + kind);
        }
        if (!kindNeedsIt && given) {
            throw ApiException.validation(field, "is only for a " + kind);
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private static Instant micros(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.MICROS);
    }
}
