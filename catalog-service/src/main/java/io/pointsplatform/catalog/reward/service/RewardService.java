package io.pointsplatform.catalog.reward.service;

import io.pointsplatform.catalog.reward.repository.Reward;
import io.pointsplatform.events.Account;
import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.RewardUpserted;
import io.pointsplatform.events.Topics;
import io.pointsplatform.kit.outbox.Outbox;
import io.pointsplatform.kit.problem.ApiException;
import io.pointsplatform.kit.view.MemberPointsProjector;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

@ApplicationScoped
public class RewardService {

    static final String SOURCE = "/catalog-service";
    public static final int MAX_PAGE = 200;

    private final Outbox outbox;
    private final MemberPointsProjector members;
    private final Clock clock;

    public RewardService(Outbox outbox, MemberPointsProjector members, Clock clock) {
        this.outbox = outbox;
        this.members = members;
        this.clock = clock;
    }

    /** Creates a reward once; the same request again answers as the first, other content is a conflict. */
    @WithTransaction
    public Uni<RewardView> create(NewReward request) {
        Instant validFrom = micros(request.validFrom());
        Instant validUntil = micros(request.validUntil());
        if (validFrom != null && validUntil != null && !validFrom.isBefore(validUntil)) {
            throw ApiException.validation("validUntil", "must be after validFrom");
        }
        return Reward.<Reward>findById(request.rewardId()).chain(existing -> {
            if (existing != null) {
                if (!sameContent(existing, request, validFrom, validUntil)) {
                    throw ApiException.conflict("REWARD_CONFLICT",
                            "reward '" + request.rewardId() + "' already exists with other content");
                }
                return Uni.createFrom().item(RewardView.of(existing, null, false));
            }
            Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
            Reward reward = new Reward();
            reward.rewardId = request.rewardId();
            reward.name = request.name();
            reward.kind = request.kind().name();
            reward.pointsCost = request.pointsCost();
            reward.stock = request.stock();
            reward.perMemberLimit = request.perMemberLimit();
            reward.minTier = request.minTier() == null ? null : request.minTier().name();
            reward.validFrom = validFrom;
            reward.validUntil = validUntil;
            reward.createdAt = now;
            reward.updatedAt = now;
            return reward.<Reward>persist()
                    .call(saved -> outbox.enqueue(Topics.CATALOG_REWARDS, upserted(saved, now)))
                    .map(saved -> RewardView.of(saved, null, true));
        });
    }

    @WithSession
    public Uni<RewardView> get(String rewardId, String memberId) {
        return Reward.<Reward>findById(rewardId).chain(reward -> {
            if (reward == null) {
                throw ApiException.notFound("Reward", rewardId);
            }
            return eligibilityFor(memberId).map(account -> RewardView.of(reward,
                    memberId == null ? null : Eligibility.of(reward, account.orElse(null), clock.instant()), false));
        });
    }

    /** A page of rewards by id, after the given id; with a member, each says whether it is redeemable. */
    @WithSession
    public Uni<List<RewardView>> list(String memberId, String after, int limit) {
        Uni<List<Reward>> page = Reward.<Reward>find("rewardId > ?1 order by rewardId", after == null ? "" : after)
                .page(0, Math.min(limit, MAX_PAGE)).list();
        return page.chain(rewards -> eligibilityFor(memberId).map(account -> rewards.stream()
                .map(r -> RewardView.of(r, memberId == null ? null
                        : Eligibility.of(r, account.orElse(null), clock.instant()), false))
                .toList()));
    }

    private Uni<Optional<Account>> eligibilityFor(String memberId) {
        return memberId == null ? Uni.createFrom().item(Optional.empty()) : members.find(memberId);
    }

    private static CloudEvent upserted(Reward r, Instant now) {
        // The id names the reward's version, so a republished upsert is recognised as the same event.
        return CloudEvent.of("reward.upserted:" + r.rewardId + ":" + r.updatedAt.toEpochMilli(), SOURCE, r.rewardId,
                now, new RewardUpserted(r.rewardId, r.name, r.kind, r.pointsCost, r.stock, r.perMemberLimit,
                        r.minTier, r.validFrom, r.validUntil));
    }

    private static boolean sameContent(Reward r, NewReward q, Instant validFrom, Instant validUntil) {
        return r.name.equals(q.name()) && r.kind.equals(q.kind().name()) && r.pointsCost == q.pointsCost()
                && r.stock == q.stock() && Objects.equals(r.perMemberLimit, q.perMemberLimit())
                && Objects.equals(r.minTier, q.minTier() == null ? null : q.minTier().name())
                && Objects.equals(r.validFrom, validFrom) && Objects.equals(r.validUntil, validUntil);
    }

    private static Instant micros(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.MICROS);
    }
}
