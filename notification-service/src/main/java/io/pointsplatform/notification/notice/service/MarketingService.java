package io.pointsplatform.notification.notice.service;

import io.pointsplatform.notification.notice.repository.MemberContactRepository;
import io.pointsplatform.kit.idempotency.IdempotencyKeys;
import io.pointsplatform.kit.problem.ApiException;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A marketing message as a notice of kind {@code marketing} to a list of members or to every member
 * known from the members topic. The notice id is {@code marketing:<campaignId>:<memberId>}, so
 * sending a campaign again reaches only the members it has not reached (notice ids are stored once).
 * A campaign id has no {@code ':'} ({@link #CAMPAIGN_ID_PATTERN}), so the first {@code ':'} after
 * {@code marketing:} ends it and no two (campaign, member) pairs share an id. Until 2026-12-06 it
 * could hold one: campaign {@code a:b} to member {@code c} and campaign {@code a} to member
 * {@code b:c} were one notice id, so the second never reached its member. Another encoding would
 * have changed the ids of notices already stored, and a campaign sent again would have reached its
 * members twice; so such campaign ids are refused instead (400).
 */
@ApplicationScoped
public class MarketingService {

    /** A campaign id: as {@code Identifiers.ID_PATTERN} without {@code ':'}. */
    public static final String CAMPAIGN_ID_PATTERN = "[A-Za-z0-9._-]{1,64}";
    public static final String CAMPAIGN_ID_MESSAGE = "must be 1-64 letters, digits or ._- (no ':')";

    private final NotificationService notices;
    private final MemberContactRepository contacts;
    private final Pool pool;
    private final IdempotencyKeys keys;
    private final Clock clock;

    public MarketingService(NotificationService notices, MemberContactRepository contacts, Pool pool,
                            IdempotencyKeys keys) {
        this.notices = notices;
        this.contacts = contacts;
        this.pool = pool;
        this.keys = keys;
        this.clock = Clock.systemUTC();
    }

    /**
     * Idempotency-Keys of this endpoint past their retention (service-kit's IdempotencyKeys wants a
     * job per service): an admin sends a few campaigns a day, so one batch an hour keeps up.
     */
    @Scheduled(every = "${points.idempotency.purge-every:1h}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> purgeIdempotencyKeys() {
        return keys.purgeExpired(10_000).replaceWithVoid();
    }

    /** What to send; {@code memberIds} null: every known member. */
    public record Campaign(String campaignId, String title, String body, List<String> memberIds) {
    }

    @Schema(name = "MarketingSent", description = "A marketing message as sent")
    public record Sent(String campaignId,
                       @Schema(description = "Members it was addressed to") int members,
                       @Schema(description = "Of them, members notified now (the others had it already)") int notified) {
    }

    public Uni<Sent> send(Campaign campaign) {
        if (campaign.campaignId() == null || !campaign.campaignId().matches(CAMPAIGN_ID_PATTERN)) {
            throw ApiException.validation("campaignId", CAMPAIGN_ID_MESSAGE);
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        if (campaign.memberIds() != null) {
            List<String> members = List.copyOf(new LinkedHashSet<>(campaign.memberIds()));
            return notices.store(List.of(), drafts(campaign, members, now))
                    .map(notified -> new Sent(campaign.campaignId(), members.size(), notified));
        }
        return everyone(campaign, now, "", 0, 0);
    }

    /** Every known member, a batch at a time in id order after {@code afterId}. */
    private Uni<Sent> everyone(Campaign campaign, Instant now, String afterId, int members, int notified) {
        return contacts.memberIds(pool, afterId, NotificationService.MAX_BATCH).chain(batch -> batch.isEmpty()
                ? Uni.createFrom().item(new Sent(campaign.campaignId(), members, notified))
                : notices.store(List.of(), drafts(campaign, batch, now)).chain(count -> everyone(campaign, now,
                        batch.get(batch.size() - 1), members + batch.size(), notified + count)));
    }

    private static List<NoticeDraft> drafts(Campaign campaign, List<String> memberIds, Instant now) {
        return memberIds.stream().map(memberId -> {
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("campaignId", campaign.campaignId());
            params.put("title", campaign.title());
            params.put("body", campaign.body());
            return new NoticeDraft("marketing:" + campaign.campaignId() + ":" + memberId, memberId, "marketing", now,
                    params);
        }).toList();
    }
}
