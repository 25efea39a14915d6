package io.pointsplatform.ledger;

import static io.pointsplatform.ledger.Callers.asAdmin;
import static io.pointsplatform.ledger.Callers.asAnalyst;
import static io.pointsplatform.ledger.Callers.asService;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static io.pointsplatform.ledger.ReversalAndExpiryTest.awaitAccount;
import static io.pointsplatform.ledger.ReversalAndExpiryTest.credit;
import static org.hamcrest.Matchers.equalTo;

import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.EventCodec;
import io.pointsplatform.events.ExpiryDeferred;
import io.pointsplatform.events.ExpiryReminded;
import io.pointsplatform.events.PointsExpired;
import io.pointsplatform.events.RemindedLot;
import io.pointsplatform.events.Topics;
import io.pointsplatform.ledger.account.service.LedgerJobs;
import io.pointsplatform.ledger.reminder.repository.ReminderStore;
import io.pointsplatform.testing.PlatformTestResource;
import io.pointsplatform.testing.TestEvents;
import io.pointsplatform.testing.TopicReader;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * "Nothing expires without the member having been told in time" (docs/contract-extensions.md,
 * "Expiry reminders"), with {@code points.expiry.require-reminder=true} as in production: a lot
 * reminded 7 days ahead expires on time; one reminded late expires a lead after its reminder and its
 * points.expired says so; one never reminded never expires; rebuild and verify agree afterwards; a bad
 * record on {@code notifications} is dead-lettered and the next reminder recorded.
 */
@QuarkusTest
@TestProfile(ExpiryReminderTest.RequireReminder.class)
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "ledger"))
class ExpiryReminderTest {

    public static class RequireReminder implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("points.expiry.require-reminder", "true");
        }
    }

    private static final Duration LEAD = Duration.ofDays(7);
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final EventCodec CODEC = new EventCodec();

    @Inject
    LedgerJobs jobs;

    @Inject
    ReminderStore reminders;

    @Inject
    Pool pool;

    @AfterEach
    void backToNow() {
        TestClock.reset();
    }

    @Test
    void remindedInTimeExpiresOnTimeRemindedLateExpiresALeadAfterItsReminderAndSaysSoNeverRemindedWaits() {
        String memberId = "m-" + UUID.randomUUID();
        Instant expiresAt = Instant.now().plus(Duration.ofDays(10));
        credit(memberId, "on-time", 30, expiresAt);
        credit(memberId, "late", 20, expiresAt);
        credit(memberId, "never", 50, expiresAt);
        awaitAccount(memberId, "available", 100);
        // The 7-day reminder of "on-time" was sent in time; that of "late" two days before expiry
        // (notification-service was down); "never" got none.
        Instant remindedInTime = expiresAt.minus(LEAD);
        Instant remindedLate = expiresAt.minus(Duration.ofDays(2));
        remind(memberId, "P30D", Duration.ofDays(30), expiresAt.minus(Duration.ofDays(30)), "on-time", "late");
        remind(memberId, "P7D", LEAD, remindedInTime, "on-time");
        remind(memberId, "P7D", LEAD, remindedLate, "late");
        awaitReminders(memberId, 4);

        // A day after expiresAt: "on-time" expires, the others do not and stay available.
        TestClock.advance(Duration.ofDays(11));
        jobs.expireLots().await().atMost(WAIT);
        jobs.expireLots().await().atMost(WAIT);
        awaitAccount(memberId, "expired", 30);
        asService().get("/api/v1/accounts/{m}", memberId).then().body("available", equalTo(70));
        List<PointsExpired> expired = expiries(memberId, 1);
        assertThat(expired.get(0).allocations()).extracting(a -> a.lotId()).containsExactly("on-time");
        assertThat(expired.get(0).scheduledAt()).isNull();
        List<ExpiryDeferred> deferred = deferrals(memberId, 2);
        assertThat(deferred).filteredOn(d -> d.lotId().equals("late")).singleElement()
                .satisfies(d -> {
                    assertThat(d.scheduledAt()).isEqualTo(expiresAt);
                    assertThat(d.expiresAt()).isEqualTo(remindedLate.plus(LEAD));
                    assertThat(d.remindedAt()).isEqualTo(remindedLate);
                });
        assertThat(deferred).filteredOn(d -> d.lotId().equals("never")).singleElement()
                .satisfies(d -> assertThat(d.remindedAt()).isNull());

        // A lead after the late reminder: "late" expires, and its points.expired says so.
        TestClock.advance(Duration.ofDays(5).plusMinutes(1));
        jobs.expireLots().await().atMost(WAIT);
        awaitAccount(memberId, "expired", 50);
        PointsExpired late = expiries(memberId, 2).stream().filter(e -> e.scheduledAt() != null).findFirst().orElseThrow();
        assertThat(late.allocations()).extracting(a -> a.lotId()).containsExactly("late");
        assertThat(late.scheduledAt()).isEqualTo(expiresAt);
        assertThat(late.remindedAt()).isEqualTo(remindedLate);

        // "never" waits, however long and however many runs: each run that finds it due defers it again.
        for (int week = 0; week < 4; week++) {
            TestClock.advance(Duration.ofDays(8));
            jobs.expireLots().await().atMost(WAIT);
            jobs.expireLots().await().atMost(WAIT);
        }
        asService().get("/api/v1/accounts/{m}", memberId).then()
                .body("available", equalTo(50)).body("expired", equalTo(50));

        // Its reminder at last: it expires a lead after it, not before.
        Instant now = Instant.now().plus(Duration.ofDays(48));
        remind(memberId, "P7D", LEAD, now, "never");
        awaitReminders(memberId, 5);
        TestClock.advance(Duration.ofDays(6));
        jobs.expireLots().await().atMost(WAIT);
        jobs.expireLots().await().atMost(WAIT);
        asService().get("/api/v1/accounts/{m}", memberId).then().body("available", equalTo(50));
        TestClock.advance(Duration.ofDays(2));
        jobs.expireLots().await().atMost(WAIT);
        awaitAccount(memberId, "expired", 100);
        PointsExpired never = expiries(memberId, 3).stream()
                .filter(e -> e.allocations().getFirst().lotId().equals("never")).findFirst().orElseThrow();
        assertThat(never.scheduledAt()).isEqualTo(expiresAt);
        assertThat(never.remindedAt()).isEqualTo(now);

        // The deferrals are in the log, so a replay folds the same accounts.
        await().atMost(WAIT).untilAsserted(() ->
                asAnalyst().get("/api/v1/admin/verify").then().statusCode(200).body("mismatchCount", equalTo(0)));
        String before = asService().get("/api/v1/accounts/{m}", memberId).then().extract().asString();
        asAdmin().post("/api/v1/admin/rebuild").then().statusCode(200);
        asAnalyst().get("/api/v1/admin/verify").then().statusCode(200).body("mismatchCount", equalTo(0));
        assertThat(asService().get("/api/v1/accounts/{m}", memberId).then().extract().asString()).isEqualTo(before);
    }

    @Test
    void aReminderReadTwiceIsRecordedOnceAndABadRecordOnNotificationsIsDeadLettered() {
        String memberId = "m-" + UUID.randomUUID();
        Instant at = Instant.parse("2027-01-01T00:00:00Z");
        String bad = "{\"not\":\"an event\"}";
        CloudEvent wrongType = TestEvents.earned(memberId, 5);
        TestEvents.publishRaw(Topics.NOTIFICATIONS, memberId, bad);
        TestEvents.publishRaw(Topics.NOTIFICATIONS, memberId, CODEC.write(wrongType));
        remind(memberId, "P7D", LEAD, at, "lot-1");
        remind(memberId, "P7D", LEAD, at.plusSeconds(60), "lot-1");
        awaitReminders(memberId, 1);
        assertThat(pool.withConnection(c -> reminders.reminders(c, memberId)).await().atMost(WAIT))
                .containsExactly(new ReminderStore.Reminder("lot-1", LEAD.toSeconds(), at));
        String dlq = Topics.dlq(Topics.NOTIFICATIONS, "ledger-service");
        List<ConsumerRecord<String, String>> dead = TopicReader.await(dlq, r -> memberId.equals(r.key()), 2, WAIT);
        assertThat(dead).extracting(ConsumerRecord::value).containsExactlyInAnyOrder(bad, CODEC.write(wrongType));
        assertThat(dead).allSatisfy(letter -> assertThat(header(letter, "dead-letter-reason")).isNotBlank());
        assertThat(dead).filteredOn(letter -> letter.value().equals(bad)).singleElement()
                .satisfies(letter -> assertThat(header(letter, "dead-letter-reason")).contains("missing field 'type'"));
    }

    @Test
    void aRecordOnNotificationsTooLargeToSetAsideWholeIsSetAsideCutAndTheNextReminderRecorded() {
        String memberId = "m-" + UUID.randomUUID();
        Instant at = Instant.parse("2027-02-01T00:00:00Z");
        int partition = TestEvents.partitionOf(memberId);
        long offset = TestEvents.publishHuge(Topics.NOTIFICATIONS, partition, memberId);
        remind(memberId, "P7D", LEAD, at, "lot-1");

        awaitReminders(memberId, 1);
        TopicReader.assertSetAsideCut(Topics.dlq(Topics.NOTIFICATIONS, "ledger-service"), Topics.NOTIFICATIONS,
                partition, offset, memberId);
        // Read in a later poll than the huge one's: the consumer still runs.
        remind(memberId, "P7D", LEAD, at.plusSeconds(60), "lot-2");
        awaitReminders(memberId, 2);
    }

    private void awaitReminders(String memberId, int count) {
        await().atMost(WAIT).untilAsserted(() -> assertThat(pool.withConnection(c -> reminders.reminders(c, memberId))
                .await().atMost(WAIT)).hasSize(count));
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static void remind(String memberId, String window, Duration lead, Instant at, String... lots) {
        List<RemindedLot> reminded = java.util.Arrays.stream(lots).map(l -> new RemindedLot(l, 1, at.plus(lead))).toList();
        TestEvents.publish(Topics.NOTIFICATIONS, CloudEvent.of("expiry.reminded:" + memberId + ":" + window + ":" + at
                + ":" + String.join(",", lots), "/notification-service", memberId, at,
                new ExpiryReminded(memberId, window, lead.toSeconds(), at, reminded)));
    }

    private static List<PointsExpired> expiries(String memberId, int count) {
        return TopicReader.await(Topics.POINTS_LEDGER, r -> r.key().equals(memberId)
                        && r.value().contains("\"points.expired\""), count, WAIT).stream()
                .map(r -> (PointsExpired) CODEC.read(r.value()).data()).toList();
    }

    private static List<ExpiryDeferred> deferrals(String memberId, int count) {
        return TopicReader.await(Topics.POINTS_LEDGER, r -> r.key().equals(memberId)
                        && r.value().contains("\"expiry.deferred\""), count, WAIT).stream()
                .map(r -> (ExpiryDeferred) CODEC.read(r.value()).data()).toList();
    }
}
