package io.pointsplatform.earning.grant.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pointsplatform.earning.grant.repository.GrantRepository;
import io.pointsplatform.earning.grant.rest.GrantRequest;
import io.pointsplatform.earning.order.service.EarningPolicy;
import io.pointsplatform.earning.order.service.OrderContent;
import io.pointsplatform.earning.rule.repository.RuleRepository;
import io.pointsplatform.events.BreakdownLine;
import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.Origin;
import io.pointsplatform.events.OriginKind;
import io.pointsplatform.events.PointsEarned;
import io.pointsplatform.events.Tier;
import io.pointsplatform.events.Topics;
import io.pointsplatform.kit.outbox.Outbox;
import io.pointsplatform.kit.outbox.OutboxRelay;
import io.pointsplatform.kit.problem.ApiException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Bulk grants: a campaign's points to many members in one call, all or nothing. One transaction
 * records the grant (its id is the primary key: a repeat or a concurrent duplicate cannot grant
 * twice), takes the total from the campaign's budget if it has one, and writes one credit per
 * member to the outbox. Each credit's lot and event id are {@code grant-<grantId>/<memberId>}, so
 * even a credit published twice is counted once by the ledger.
 */
@ApplicationScoped
public class GrantService {

    static final String SOURCE = "/earning-service";
    private static final int MISSING_SHOWN = 20;

    /** The answer: the stored body, and whether this call granted. */
    public record Granted(String body, boolean created) {
    }

    /** A concurrent call with the same grant id recorded it first: roll back, answer as a repeat. */
    private static final class DuplicateGrant extends RuntimeException {
        DuplicateGrant() {
            super(null, null, false, false);
        }
    }

    private final Pool pool;
    private final GrantRepository grants;
    private final RuleRepository rules;
    private final EarningPolicy policy;
    private final Outbox outbox;
    private final OutboxRelay relay;
    private final ObjectMapper json;
    private final Clock clock;

    public GrantService(Pool pool, GrantRepository grants, RuleRepository rules, EarningPolicy policy, Outbox outbox,
                        OutboxRelay relay, ObjectMapper json, Clock clock) {
        this.pool = pool;
        this.grants = grants;
        this.rules = rules;
        this.policy = policy;
        this.outbox = outbox;
        this.relay = relay;
        this.json = json;
        this.clock = clock;
    }

    public static String lotId(String grantId, String memberId) {
        // "/" is in no id, so two grants' lots can never share a name.
        return "grant-" + grantId + "/" + memberId;
    }

    /** {@code requestedBy}: the subject of the admin's token, recorded with the grant (never text from the body). */
    public Uni<Granted> grant(String campaignId, GrantRequest request, String requestedBy) {
        Set<String> seen = new HashSet<>();
        for (String memberId : request.memberIds()) {
            if (!seen.add(memberId)) {
                throw ApiException.validation("memberIds", "member '" + memberId + "' is named more than once");
            }
        }
        String hash = hash(campaignId, request);
        return pool.withTransaction(c -> grants.find(c, request.grantId()).chain(stored -> stored != null
                        ? Uni.createFrom().item(repeat(request, hash, stored))
                        : record(c, campaignId, request, requestedBy, hash)))
                .onFailure(DuplicateGrant.class).recoverWithUni(() -> grants.find(pool, request.grantId())
                        .map(stored -> repeat(request, hash, stored)))
                .invoke(granted -> {
                    if (granted.created()) {
                        relay.wake();
                    }
                });
    }

    private Uni<Granted> record(SqlConnection c, String campaignId, GrantRequest request, String requestedBy,
                                String hash) {
        long points = request.points();
        List<String> members = request.memberIds();
        long total = points * members.size();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Grant grant = new Grant(request.grantId(), campaignId, points, members.size(), total,
                requestedBy, request.reason(), now);
        String body = write(grant);
        return rules.campaign(c, campaignId).chain(campaign -> {
            if (campaign == null) {
                throw ApiException.notFound("Campaign", campaignId);
            }
            if (!campaign.active()) {
                throw ApiException.conflict("CAMPAIGN_INACTIVE", "campaign '" + campaignId + "' is deactivated");
            }
            // First the grant row: a concurrent duplicate waits here and then answers as a repeat.
            return grants.insert(c, request.grantId(), campaignId, points, members.size(), hash,
                            requestedBy, request.reason(), body)
                    .chain(inserted -> {
                        if (!inserted) {
                            throw new DuplicateGrant();
                        }
                        return grants.enrolled(c, members);
                    })
                    .chain(tiers -> {
                        refuseUnknown(members, tiers);
                        Uni<Boolean> budget = campaign.budget() == null ? Uni.createFrom().item(true)
                                : rules.spend(c, campaignId, total);
                        return budget.chain(within -> {
                            if (!within) {
                                throw new ApiException(409, "BUDGET_EXHAUSTED", "Budget exhausted", "campaign '"
                                        + campaignId + "' has " + (campaign.budget() - campaign.spent())
                                        + " points of budget left; this grant needs " + total);
                            }
                            return credit(c, campaignId, request, tiers, now);
                        });
                    })
                    .replaceWith(new Granted(body, true));
        });
    }

    private Uni<Void> credit(SqlConnection c, String campaignId, GrantRequest request, Map<String, Tier> tiers,
                             Instant now) {
        List<String> lots = new ArrayList<>(request.memberIds().size());
        List<CloudEvent> credits = new ArrayList<>(request.memberIds().size());
        Origin origin = new Origin(OriginKind.CAMPAIGN, campaignId + ":" + request.grantId());
        List<BreakdownLine> breakdown = List.of(new BreakdownLine("campaign:" + campaignId, request.points()));
        for (String memberId : request.memberIds()) {
            String lotId = lotId(request.grantId(), memberId);
            lots.add(lotId);
            PointsEarned earned = new PointsEarned(memberId, lotId, request.points(), origin, breakdown, now,
                    policy.expiresAt(now, tiers.get(memberId)));
            credits.add(CloudEvent.of("points.earned:" + lotId, SOURCE, memberId, now, earned));
        }
        return grants.insertCredits(c, request.grantId(), request.memberIds(), lots)
                .chain(() -> outbox.enqueueBatch(c, Topics.POINTS_LEDGER, credits));
    }

    private static void refuseUnknown(List<String> members, Map<String, Tier> tiers) {
        if (tiers.size() == members.size()) {
            return;
        }
        List<String> missing = members.stream().filter(m -> !tiers.containsKey(m)).toList();
        throw new ApiException(422, "UNKNOWN_MEMBERS", "Unknown members", missing.size() + " of the members are not"
                + " enrolled; nothing was granted: " + String.join(", ", missing.subList(0,
                Math.min(MISSING_SHOWN, missing.size()))) + (missing.size() > MISSING_SHOWN ? ", …" : ""));
    }

    private static Granted repeat(GrantRequest request, String hash, GrantRepository.Stored stored) {
        if (!hash.equals(stored.contentHash())) {
            throw ApiException.conflict("GRANT_CONFLICT", "grant '" + request.grantId()
                    + "' was already made with other content");
        }
        return new Granted(stored.response(), false);
    }

    /** What a grant says, members in any order: a repeat is told from another grant with the same id. */
    private static String hash(String campaignId, GrantRequest request) {
        StringBuilder text = new StringBuilder(campaignId).append('\u0001').append(request.points());
        for (String memberId : new TreeSet<>(request.memberIds())) {
            text.append('\u0002').append(memberId);
        }
        return OrderContent.sha256(text.toString());
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value, e);
        }
    }
}
