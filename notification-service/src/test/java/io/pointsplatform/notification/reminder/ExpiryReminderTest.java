package io.pointsplatform.notification.reminder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pointsplatform.events.Account;
import io.pointsplatform.events.Allocation;
import io.pointsplatform.events.Allocator;
import io.pointsplatform.events.BreakdownLine;
import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.EventCodec;
import io.pointsplatform.events.ExpiryReminded;
import io.pointsplatform.events.LotLimits;
import io.pointsplatform.events.Origin;
import io.pointsplatform.events.OriginKind;
import io.pointsplatform.events.PointsEarned;
import io.pointsplatform.events.PointsExpired;
import io.pointsplatform.events.PointsReleased;
import io.pointsplatform.events.PointsReserved;
import io.pointsplatform.events.ReleaseReason;
import io.pointsplatform.events.RemindedLot;
import io.pointsplatform.events.Topics;
import io.pointsplatform.kit.outbox.Outbox;
import io.pointsplatform.kit.outbox.OutboxRelay;
import io.pointsplatform.kit.view.MemberPointsProjector;
import io.pointsplatform.notification.notice.service.NotificationService;
import io.pointsplatform.notification.reminder.repository.ReminderRepository;
import io.pointsplatform.notification.reminder.service.ReminderJob;
import io.pointsplatform.testing.PlatformTestResource;
import io.pointsplatform.testing.TestEvents;
import io.pointsplatform.testing.TopicReader;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Expiry reminders at 30 and 7 days before a lot expires (docs/contract-extensions.md, "Expiry
 * reminders"), the job run at chosen dates: once per lot and window however often it runs, and after
 * a restart (a new job over the same database), each an {@code expiry.reminded} on
 * {@code notifications} and a {@code points.expiring} notice per expiry date.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "notification"))
class ExpiryReminderTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final EventCodec CODEC = new EventCodec();
    private static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");

    @Inject
    ReminderJob job;

    @Inject
    ReminderRepository repository;

    @Inject
    MemberPointsProjector projector;

    @Inject
    Outbox outbox;

    @Inject
    OutboxRelay relay;

    @Inject
    NotificationService notices;

    @Inject
    Pool pool;

    @Test
    void remindsThirtyAndSevenDaysAheadOnceEachPerLotAndWindowAcrossRunsAndARestart() {
        String memberId = "m-remind-" + UUID.randomUUID();
        Instant t = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant ab = t.plus(Duration.ofDays(40));
        Instant c = t.plus(Duration.ofDays(45));
        credit(memberId, "lot-a", 30, ab);
        credit(memberId, "lot-b", 20, ab);
        credit(memberId, "lot-c", 50, c);
        awaitLots(memberId, 3);

        assertThat(remind(t)).isZero();
        // Thirty days before lots a and b: one reminder for both, however often the job runs.
        assertThat(remind(t.plus(Duration.ofDays(10)))).isEqualTo(1);
        assertThat(remind(t.plus(Duration.ofDays(10)))).isZero();
        assertThat(remind(t.plus(Duration.ofDays(12)))).isZero();
        // A restart: a new job over the same database finds nothing left to do.
        ReminderJob restarted = new ReminderJob(pool, repository, outbox, relay, notices, Clock.systemUTC(), ZONE,
                List.of("P30D", "P7D"), 500, "off", Optional.empty());
        assertThat(restarted.remind(t.plus(Duration.ofDays(12))).await().atMost(WAIT)).isZero();
        List<ExpiryReminded> sent = reminders(memberId, 1);
        assertThat(sent.get(0).window()).isEqualTo("P30D");
        assertThat(sent.get(0).leadSeconds()).isEqualTo(Duration.ofDays(30).toSeconds());
        assertThat(sent.get(0).remindedAt()).isEqualTo(t.plus(Duration.ofDays(10)));
        assertThat(sent.get(0).lots()).containsExactlyInAnyOrder(new RemindedLot("lot-a", 30, ab),
                new RemindedLot("lot-b", 20, ab));

        remind(t.plus(Duration.ofDays(15)));                       // lot c, 30 days ahead
        remind(t.plus(Duration.ofDays(33)));                       // lots a and b, 7 days ahead
        remind(t.plus(Duration.ofDays(34)));
        restarted.remind(t.plus(Duration.ofDays(38))).await().atMost(WAIT); // lot c, 7 days ahead
        remind(t.plus(Duration.ofDays(41)));                       // a and b past expiresAt: nothing more
        remind(t.plus(Duration.ofDays(50)));

        List<ExpiryReminded> all = reminders(memberId, 4);
        assertThat(all).extracting(r -> r.window() + " " + r.lots().stream().map(RemindedLot::lotId).sorted().toList())
                .containsExactlyInAnyOrder("P30D [lot-a, lot-b]", "P30D [lot-c]", "P7D [lot-a, lot-b]", "P7D [lot-c]");
        assertThat(all).filteredOn(r -> r.window().equals("P7D")).allSatisfy(r -> {
            assertThat(r.leadSeconds()).isEqualTo(Duration.ofDays(7).toSeconds());
            assertThat(r.lots()).allSatisfy(lot -> assertThat(Duration.between(r.remindedAt(), lot.expiresAt()))
                    .isBetween(Duration.ZERO, Duration.ofDays(7)));
        });
        // One notice per reminder and expiry date, saying how many points expire on which date.
        List<String> notices = notices(memberId);
        // Written from the points.expiring templates, in the member's locale (zh-CN: none was given).
        assertThat(notices).hasSize(4).allSatisfy(n -> assertThat(n).startsWith("points.expiring 积分即将过期"));
        String abDate = ab.atZone(ZONE).toLocalDate().format(java.time.format.DateTimeFormatter.ofPattern("y年M月d日"));
        assertThat(notices).filteredOn(n -> n.contains(abDate)).hasSize(2)
                .allSatisfy(n -> assertThat(n).contains("您有 50 积分将于 " + abDate + " 过期"));
    }

    @Test
    void aLotFirstSeenWithinSevenDaysGetsOnlyTheSevenDayReminder() {
        String memberId = "m-remind-late-" + UUID.randomUUID();
        Instant t = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        credit(memberId, "lot-late", 70, t.plus(Duration.ofDays(3)));
        awaitLots(memberId, 1);
        remind(t);
        remind(t.plus(Duration.ofDays(1)));
        List<ExpiryReminded> sent = reminders(memberId, 1);
        assertThat(sent.get(0).window()).isEqualTo("P7D");
        assertThat(pool.withConnection(c -> repository.remindersOf(c, memberId)).await().atMost(WAIT))
                .containsExactly("lot-late P30D " + eventId(memberId), "lot-late P7D " + eventId(memberId));
        assertThat(notices(memberId)).hasSize(1);
    }

    /**
     * A reminder counts every point of a lot that the ledger will expire unless it is used: its
     * points left and the points open holds take from it. The ledger's {@code points.expired} at the
     * date takes only the points left (Allocator.forExpiry); a hold released after the date gives its
     * points back to the lot and the ledger's next run expires them too, without another reminder (the
     * lot's was in time). Folded here with the shared Account as the ledger folds it: the reminder's
     * number is what expires in all. Until 2026-12-07 it counted the points left only (70, with lot b,
     * all held, not reminded at all).
     */
    @Test
    void aReminderCountsHeldPointsSinceTheLedgerExpiresThemWhenTheHoldIsReleased() {
        String memberId = "m-remind-held-" + UUID.randomUUID();
        Instant t = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant expires = t.plus(Duration.ofDays(20));
        Account ledger = new Account(memberId);
        ledger.apply(credit(memberId, "lot-a", 100, expires));
        ledger.apply(credit(memberId, "lot-b", 40, expires));
        // A redemption holds 30 of lot a, a payment the whole of lot b.
        ledger.apply(hold(memberId, "h-a", new Allocation("lot-a", 30)));
        ledger.apply(hold(memberId, "h-b", new Allocation("lot-b", 40)));
        awaitHolds(memberId, 2);

        remind(t);                                                 // thirty days ahead
        List<ExpiryReminded> sent = reminders(memberId, 1);
        assertThat(sent.get(0).lots()).containsExactlyInAnyOrder(new RemindedLot("lot-a", 100, expires),
                new RemindedLot("lot-b", 40, expires));
        String date = expires.atZone(ZONE).toLocalDate().format(java.time.format.DateTimeFormatter.ofPattern("y年M月d日"));
        assertThat(notices(memberId)).containsExactly("points.expiring 积分即将过期 您有 140 积分将于 " + date
                + " 过期，请在此之前使用。其中 70 积分正被进行中的兑换或支付占用：完成即为已使用，若取消或失败则一并过期。");

        // The hold of lot a is cancelled before the seven-day reminder: those points are left again.
        ledger.apply(release(memberId, "h-a", new Allocation("lot-a", 30)));
        awaitHolds(memberId, 1);
        remind(t.plus(Duration.ofDays(13)));                       // seven days ahead
        sent = reminders(memberId, 2);
        assertThat(sent.get(1).window()).isEqualTo("P7D");
        assertThat(sent.get(1).lots()).containsExactlyInAnyOrder(new RemindedLot("lot-a", 100, expires),
                new RemindedLot("lot-b", 40, expires));
        assertThat(notices(memberId)).contains("points.expiring 积分即将过期 您有 140 积分将于 " + date
                + " 过期，请在此之前使用。其中 40 积分正被进行中的兑换或支付占用：完成即为已使用，若取消或失败则一并过期。");

        // What the ledger then expires: at the date the points left (100 of lot a), and when the
        // payment holding lot b is cancelled after the date, its 40 at the next run: 140, as told.
        long expired = expire(ledger, expires);
        assertThat(expired).isEqualTo(100);
        ledger.apply(new PointsReleased(memberId, "h-b", 40, List.of(new Allocation("lot-b", 40)), ReleaseReason.CANCELLED));
        expired += expire(ledger, expires.plus(Duration.ofMinutes(1)));
        assertThat(expired).isEqualTo(ledger.expired()).isEqualTo(sent.get(1).lots().stream().mapToLong(RemindedLot::points).sum());
        remind(t.plus(Duration.ofDays(14)));
        assertThat(reminders(memberId, 2)).hasSize(2);
    }

    /** The ledger's expiry on time at {@code now}: what {@code points.expired} takes (Allocator.forExpiry). */
    private static long expire(Account ledger, Instant now) {
        List<Allocation> due = Allocator.forExpiry(ledger, now);
        if (due.isEmpty()) {
            return 0;
        }
        PointsExpired expired = new PointsExpired(ledger.memberId(), Allocation.total(due), due);
        ledger.apply(expired);
        return expired.points();
    }

    private static PointsReserved hold(String memberId, String holdId, Allocation allocation) {
        PointsReserved hold = new PointsReserved(memberId, holdId, allocation.points(), List.of(allocation),
                Instant.now().plus(Duration.ofMinutes(15)), "test");
        TestEvents.publish(Topics.POINTS_LEDGER, CloudEvent.of("points.reserved:" + memberId + ":" + holdId,
                "/ledger-service", memberId, Instant.now(), hold));
        return hold;
    }

    private static PointsReleased release(String memberId, String holdId, Allocation allocation) {
        PointsReleased release = new PointsReleased(memberId, holdId, allocation.points(), List.of(allocation),
                ReleaseReason.CANCELLED);
        TestEvents.publish(Topics.POINTS_LEDGER, CloudEvent.of("points.released:" + memberId + ":" + holdId,
                "/ledger-service", memberId, Instant.now(), release));
        return release;
    }

    private void awaitHolds(String memberId, int count) {
        await().atMost(WAIT).untilAsserted(() -> assertThat(projector.find(memberId).await().atMost(WAIT))
                .hasValueSatisfying(account -> assertThat(account.holds()).hasSize(count)));
    }

    @Test
    void aJobSetToRemindAheadRemindsThatMuchBeforeTheWindowOpens() {
        String memberId = "m-remind-ahead-" + UUID.randomUUID();
        Instant t = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        credit(memberId, "lot-ahead", 40, t.plus(Duration.ofDays(20)));
        awaitLots(memberId, 1);
        ReminderJob ahead = new ReminderJob(pool, repository, outbox, relay, notices, Clock.systemUTC(), ZONE,
                List.of("P30D", "P7D"), 500, "off", Optional.of(Duration.ofHours(6)));
        assertThat(ahead.remind(t).await().atMost(WAIT)).isEqualTo(1);            // thirty days: open already
        // The seven-day window opens at day 13: six hours earlier it is due, seven hours earlier not yet.
        assertThat(ahead.remind(t.plus(Duration.ofDays(13)).minus(Duration.ofHours(7))).await().atMost(WAIT)).isZero();
        assertThat(ahead.remind(t.plus(Duration.ofDays(13)).minus(Duration.ofHours(6))).await().atMost(WAIT)).isEqualTo(1);
        List<ExpiryReminded> sent = reminders(memberId, 2);
        assertThat(sent).extracting(ExpiryReminded::window).containsExactly("P30D", "P7D");
        assertThat(sent.get(1).remindedAt()).isEqualTo(t.plus(Duration.ofDays(13)).minus(Duration.ofHours(6)));
    }

    @Test
    void aReminderOverMoreLotsThanOneEventNamesIsPublishedInPartsWithOneNotice() {
        String memberId = "m-remind-many-" + UUID.randomUUID();
        Instant t = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant expires = t.plus(Duration.ofDays(20));
        int lots = LotLimits.PER_EVENT + 3;
        pool.preparedQuery("""
                        insert into member_lot (member_id, lot_id, points, remaining, available_at, expires_at, origin)
                        select $1::text, 'lot-' || n, 2, 2, null, $2::text, 'ORDER' from generate_series(1, $3) n""")
                .execute(Tuple.of(memberId, expires.toString(), lots)).await().atMost(WAIT);
        try {
            assertThat(remind(t)).isEqualTo(2);
            List<ExpiryReminded> sent = reminders(memberId, 2);
            assertThat(sent).allSatisfy(r -> assertThat(r.window()).isEqualTo("P30D"));
            assertThat(sent).extracting(r -> r.lots().size()).containsExactly(LotLimits.PER_EVENT, 3);
            assertThat(sent.stream().flatMap(r -> r.lots().stream()).map(RemindedLot::lotId).distinct().count())
                    .isEqualTo(lots);
            List<String> ids = TopicReader.all(Topics.NOTIFICATIONS, r -> memberId.equals(r.key())).stream()
                    .map(r -> CODEC.read(r.value()).id()).toList();
            assertThat(ids.get(1)).isEqualTo(ids.get(0) + "#2");
            // One notice for the date, of every point of every part.
            assertThat(notices(memberId)).hasSize(1).allSatisfy(n -> assertThat(n).contains(String.format("您有 %,d 积分", 2 * lots)));
            assertThat(remind(t.plus(Duration.ofDays(1)))).isZero();
        } finally {
            // The other tests remind at dates of their own: these lots are not theirs to count.
            pool.preparedQuery("delete from member_lot where member_id = $1").execute(Tuple.of(memberId))
                    .await().atMost(WAIT);
        }
    }

    @Test
    void theLookForDueLotsReadsTheExpiryIndexNotEveryLot() {
        // 20 000 lots a year away and one due within the window: the look reads by the expiry
        // instant's index, never every lot.
        String members = "m-far-" + UUID.randomUUID() + "-";
        Instant far = Instant.now().plus(Duration.ofDays(365));
        pool.preparedQuery("""
                        insert into member_lot (member_id, lot_id, points, remaining, available_at, expires_at, origin)
                        select $1::text || (n % 1000), 'lot-' || n, 10, 10, null, $2::text, 'ORDER'
                        from generate_series(1, 20000) n""")
                .execute(Tuple.of(members, far.toString())).await().atMost(WAIT);
        String soon = "m-soon-" + UUID.randomUUID();
        Instant expires = Instant.now().plus(Duration.ofDays(20)).plusNanos(123_456_789);
        pool.preparedQuery("insert into member_lot (member_id, lot_id, points, remaining, available_at, expires_at, origin)"
                        + " values ($1, 'lot-soon', 10, 10, null, $2, 'ORDER')")
                .execute(Tuple.of(soon, expires.toString())).await().atMost(WAIT);

        Instant horizon = Instant.now().plus(Duration.ofDays(30));
        List<ReminderRepository.DueLot> due = pool.withTransaction(c -> repository.due(c, horizon, 2_592_000L, 500))
                .await().atMost(WAIT);
        assertThat(due).extracting(ReminderRepository.DueLot::memberId).contains(soon).noneMatch(m -> m.startsWith(members));
        assertThat(due).filteredOn(l -> l.memberId().equals(soon)).extracting(ReminderRepository.DueLot::expiresAt)
                .containsExactly(expires);

        // Planned without knowing the horizon (a generic plan, as a prepared statement gets after five runs).
        Object explained = pool.withTransaction(c -> c.query("set local plan_cache_mode = force_generic_plan").execute()
                        .chain(() -> c.preparedQuery("explain (format json) " + ReminderRepository.DUE)
                                .execute(Tuple.of(horizon.atOffset(java.time.ZoneOffset.UTC), 2_592_000L, 500))))
                .await().atMost(WAIT).iterator().next().getValue(0);
        JsonArray document = explained instanceof JsonArray array ? array : new JsonArray(explained.toString());
        List<JsonObject> lotScans = new ArrayList<>();
        scansOf(document.getJsonObject(0).getJsonObject("Plan"), "member_lot", lotScans);
        assertThat(lotScans).noneMatch(n -> "Seq Scan".equals(n.getString("Node Type")))
                .anyMatch(n -> "member_lot_expires".equals(n.getString("Index Name")));
        // The other tests remind at dates of their own: these lots are not theirs to count.
        pool.preparedQuery("delete from member_lot where member_id like $1 or member_id = $2")
                .execute(Tuple.of(members + "%", soon)).await().atMost(WAIT);
    }

    /** The plan's nodes that read {@code relation}. */
    private static void scansOf(JsonObject node, String relation, List<JsonObject> into) {
        if (relation.equals(node.getString("Relation Name"))) {
            into.add(node);
        }
        JsonArray children = node.getJsonArray("Plans");
        for (int i = 0; children != null && i < children.size(); i++) {
            scansOf(children.getJsonObject(i), relation, into);
        }
    }

    private static String eventId(String memberId) {
        return CODEC.read(TopicReader.await(Topics.NOTIFICATIONS, r -> memberId.equals(r.key()), 1, WAIT).get(0).value())
                .id();
    }

    private int remind(Instant at) {
        return job.remind(at).await().atMost(WAIT);
    }

    /** The member's reminders on the topic, once the outbox is drained: exactly {@code count}. */
    private List<ExpiryReminded> reminders(String memberId, int count) {
        relay.drained(WAIT).await().atMost(WAIT);
        TopicReader.await(Topics.NOTIFICATIONS, r -> memberId.equals(r.key()), count, WAIT);
        return TopicReader.all(Topics.NOTIFICATIONS, r -> memberId.equals(r.key())).stream()
                .map(r -> (ExpiryReminded) CODEC.read(r.value()).data()).toList();
    }

    private List<String> notices(String memberId) {
        return pool.preparedQuery("select kind, title, body from notification where member_id = $1 and kind = 'points.expiring' order by body")
                .execute(Tuple.of(memberId)).map(rows -> {
                    List<String> all = new ArrayList<>();
                    for (Row row : rows) {
                        all.add(row.getString("kind") + " " + row.getString("title") + " " + row.getString("body"));
                    }
                    return all;
                }).await().atMost(WAIT);
    }

    private void awaitLots(String memberId, int count) {
        await().atMost(WAIT).untilAsserted(() -> assertThat(projector.find(memberId).await().atMost(WAIT))
                .hasValueSatisfying(account -> assertThat(account.lots()).hasSize(count)));
    }

    private static PointsEarned credit(String memberId, String lotId, long points, Instant expiresAt) {
        Instant now = Instant.now();
        PointsEarned earned = new PointsEarned(memberId, lotId, points, new Origin(OriginKind.ORDER, lotId),
                List.of(new BreakdownLine("base", points)), now.minusSeconds(5), expiresAt);
        TestEvents.publish(Topics.POINTS_LEDGER, CloudEvent.of("points.earned:" + memberId + ":" + lotId,
                "/earning-service", memberId, now, earned));
        return earned;
    }
}
