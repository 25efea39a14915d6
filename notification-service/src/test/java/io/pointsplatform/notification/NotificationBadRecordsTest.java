package io.pointsplatform.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import io.pointsplatform.events.Allocation;
import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.EventCodec;
import io.pointsplatform.events.MemberEnrolled;
import io.pointsplatform.events.PointsExpired;
import io.pointsplatform.events.PointsSpent;
import io.pointsplatform.events.RedemptionCompleted;
import io.pointsplatform.events.Topics;
import io.pointsplatform.testing.BadRecords;
import io.pointsplatform.testing.LocalPostgres;
import io.pointsplatform.testing.PlatformTestResource;
import io.pointsplatform.testing.TestEvents;
import io.pointsplatform.testing.Tokens;
import io.pointsplatform.testing.TopicReader;
import io.pointsplatform.testing.WebhookReceiver;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * notification-service's consumers of points.ledger, members and redemptions survive every kind of bad record:
 * each goes to {@code <topic>.dlq.notification-service}, once, with the reason in its headers, and
 * the good record sent after them (same partition, same poll) is notified. A points.ledger record
 * off its member's partition is left out (the ledger forwards a credit to the member's partition,
 * where it is notified once).
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "notification"))
class NotificationBadRecordsTest {

    private static final EventCodec CODEC = new EventCodec();
    private static final Duration WAIT = Duration.ofSeconds(60);

    @ConfigProperty(name = "points.test.database")
    String database;

    @Test
    void badRecordsOfPointsLedgerAreDeadLetteredAndTheNextIsNotified() throws Exception {
        String memberId = TestEvents.memberOnPartition("note-bad-", 2);
        CloudEvent good = TestEvents.earned(memberId, 42);
        deadLettersThenGood(Topics.POINTS_LEDGER, 2, memberId, BadRecords.forPointsLedger(memberId), CODEC.write(good));
        awaitNotifications(memberId, 1);
        assertThat(notificationIds(memberId)).containsExactly(good.id());
    }

    @Test
    void badRecordsOfMembersAreDeadLetteredAndTheNextIsNotified() throws Exception {
        String memberId = TestEvents.memberOnPartition("note-bad-", 4);
        CloudEvent good = CloudEvent.of("member.enrolled:" + memberId, "/earning-service", Instant.now(),
                new MemberEnrolled(memberId, "Han Meimei", null, null));
        deadLettersThenGood(Topics.MEMBERS, 4, memberId, BadRecords.forMembers(memberId), CODEC.write(good));
        awaitNotifications(memberId, 1);
        assertThat(notificationIds(memberId)).containsExactly(good.id());
    }

    @Test
    void badRecordsOfRedemptionsAreDeadLetteredAndTheNextIsNotified() throws Exception {
        String memberId = TestEvents.memberOnPartition("note-bad-", 5);
        CloudEvent good = CloudEvent.of("redemption.completed:r-bad:" + memberId, "/redemption-service", memberId,
                Instant.now(), new RedemptionCompleted("r-bad", memberId, "tea", 100, null));
        String completed = CODEC.write(good);
        Map<String, String> bad = new java.util.LinkedHashMap<>();
        bad.put("not JSON at all " + completed.hashCode(), "malformed JSON");
        bad.put(completed.replace("\"points\":100", "\"points\":\"100\""), "field 'data.points'");
        bad.put(CODEC.write(TestEvents.earned(memberId, 5)), "does not belong on redemptions");
        deadLettersThenGood(Topics.REDEMPTIONS, 5, memberId, bad, completed);
        awaitNotifications(memberId, 1);
        assertThat(notificationIds(memberId)).containsExactly(good.id());
    }

    @Test
    void aRecordTooLargeToSetAsideWholeIsSetAsideCutOnEachTopicAndTheNextIsNotified() throws Exception {
        String memberId = TestEvents.memberOnPartition("note-huge-", 1);
        CloudEvent enrolled = CloudEvent.of("member.enrolled:" + memberId, "/earning-service", Instant.now(),
                new MemberEnrolled(memberId, "Li Lei", null, null));
        CloudEvent credit = TestEvents.earned(memberId, 42);
        CloudEvent completed = CloudEvent.of("redemption.completed:r-huge:" + memberId, "/redemption-service",
                memberId, Instant.now(), new RedemptionCompleted("r-huge", memberId, "tea", 100, null));
        Map<String, Long> offsets = new java.util.LinkedHashMap<>();
        for (String topic : List.of(Topics.MEMBERS, Topics.POINTS_LEDGER, Topics.REDEMPTIONS)) {
            offsets.put(topic, TestEvents.publishHuge(topic, 1, memberId));
        }
        TestEvents.publish(Topics.MEMBERS, enrolled);
        TestEvents.publish(Topics.POINTS_LEDGER, credit);
        TestEvents.publish(Topics.REDEMPTIONS, completed);

        awaitNotifications(memberId, 3);
        assertThat(notificationIds(memberId)).containsExactlyInAnyOrder(enrolled.id(), credit.id(), completed.id());
        offsets.forEach((topic, offset) -> TopicReader.assertSetAsideCut(Topics.dlq(topic, "notification-service"),
                topic, 1, offset, memberId));
        // Read in a later poll than the huge ones': the consumer still runs.
        TestEvents.publish(Topics.POINTS_LEDGER, TestEvents.earned(memberId, 5));
        awaitNotifications(memberId, 4);
    }

    @Test
    void aMemberRecordWithABadLocaleOrAddressIsDeadLettered() throws Exception {
        String memberId = TestEvents.memberOnPartition("note-bad-", 3);
        String enrolled = CODEC.write(CloudEvent.of("member.enrolled:" + memberId, "/earning-service", memberId,
                Instant.now(), new MemberEnrolled(memberId, null, null, null, "en", "a@example.com")));
        Map<String, String> bad = new java.util.LinkedHashMap<>();
        bad.put(enrolled.replace("\"locale\":\"en\"", "\"locale\":\"english\""), "locale must be a language tag");
        bad.put(enrolled.replace("\"email\":\"a@example.com\"", "\"email\":\"not an address\""), "email is not an e-mail address");
        deadLettersThenGood(Topics.MEMBERS, 3, memberId, bad, enrolled);
        awaitNotifications(memberId, 1);
    }

    /**
     * The one consumer keeps the member view first; what its fold refuses (events the ledger refused
     * too: an expiry or a spend of a lot the member never had) is set aside once and makes no notice
     * and no webhook delivery. Until 2026-12-06 the notices and webhooks took the whole batch beside
     * the view, so the member was told "you spent N" of a spend that never happened.
     */
    @Test
    void theOneConsumerKeepsTheMemberViewAndWhatItsFoldRefusesIsDeadLetteredOnceNeitherNoticedNorDelivered()
            throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            String webhookId = given().auth().oauth2(Tokens.admin()).contentType("application/json")
                    .body(Map.of("url", receiver.url(), "eventTypes", List.of("points.earned", "points.expired", "points.spent")))
                    .post("/api/v1/webhooks").then().statusCode(201).extract().path("webhookId");
            String memberId = TestEvents.memberOnPartition("note-view-", 0);
            CloudEvent credit = TestEvents.earned(memberId, 40);
            String lotId = ((io.pointsplatform.events.PointsEarned) credit.data()).lotId();
            CloudEvent strayExpiry = CloudEvent.of("points.expired:lot-nowhere:" + memberId, "/ledger-service", memberId,
                    Instant.now(), new PointsExpired(memberId, 5,
                            List.of(new Allocation("lot-nowhere-" + memberId, 5)), null, null));
            CloudEvent straySpend = CloudEvent.of("points.spent:lot-nowhere:" + memberId, "/ledger-service", memberId,
                    Instant.now(), new PointsSpent(memberId, null, 7,
                            List.of(new Allocation("lot-nowhere-" + memberId, 7)), "checkout"));
            CloudEvent expiry = CloudEvent.of("points.expired:" + lotId, "/ledger-service", memberId, Instant.now(),
                    new PointsExpired(memberId, 15, List.of(new Allocation(lotId, 15)), null, null));
            TestEvents.publish(Topics.POINTS_LEDGER, credit);
            TestEvents.publish(Topics.POINTS_LEDGER, strayExpiry);
            TestEvents.publish(Topics.POINTS_LEDGER, straySpend);
            TestEvents.publish(Topics.POINTS_LEDGER, expiry);

            // The same consumer that notifies keeps the member view: the lot, less the expiry it could fold.
            await().atMost(WAIT).untilAsserted(() -> assertThat(remaining(memberId, lotId)).isEqualTo(25L));
            // What the fold refused: set aside once, with the fold's reason.
            String dlq = Topics.dlq(Topics.POINTS_LEDGER, "notification-service");
            Map<String, String> strays = Map.of(CODEC.write(strayExpiry), strayExpiry.id(),
                    CODEC.write(straySpend), straySpend.id());
            List<ConsumerRecord<String, String>> dead = TopicReader.await(dlq, r -> strays.containsKey(r.value()), 2, WAIT);
            for (ConsumerRecord<String, String> letter : dead) {
                assertThat(header(letter, "dead-letter-reason")).contains("lot-nowhere-" + memberId);
            }
            // Neither noticed nor delivered; the events around them are (the later expiry on the same
            // partition shows the strays were read before it).
            awaitNotifications(memberId, 2);
            assertThat(notificationIds(memberId)).containsExactlyInAnyOrder(credit.id(), expiry.id());
            await().atMost(WAIT).until(() -> receiver.received().size() >= 2);
            assertThat(receiver.received()).extracting(r -> r.header("webhook-id"))
                    .containsExactly(credit.id(), expiry.id());
            assertThat(deliveries(webhookId)).isEqualTo(2);
            assertThat(TopicReader.deadLetters(dlq, r -> strays.containsKey(r.value()))).hasSize(2);
            assertThat(TopicReader.all(dlq, r -> r.value().contains(lotId))).isEmpty();
            given().auth().oauth2(Tokens.admin()).delete("/api/v1/webhooks/{id}", webhookId).then().statusCode(204);
        }
    }

    private long deliveries(String webhookId) throws Exception {
        try (Connection c = DriverManager.getConnection(LocalPostgres.jdbcUrl(database), LocalPostgres.USER,
                LocalPostgres.PASSWORD); var s = c.prepareStatement(
                "select count(*) from webhook_delivery where endpoint_id = ?")) {
            s.setString(1, webhookId);
            try (var rows = s.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    /** The member view's remaining points of one lot (null before the view has it). */
    private Long remaining(String memberId, String lotId) throws Exception {
        try (Connection c = DriverManager.getConnection(LocalPostgres.jdbcUrl(database), LocalPostgres.USER,
                LocalPostgres.PASSWORD); var s = c.prepareStatement(
                "select remaining from member_lot where member_id = ? and lot_id = ?")) {
            s.setString(1, memberId);
            s.setString(2, lotId);
            try (var rows = s.executeQuery()) {
                return rows.next() ? rows.getLong(1) : null;
            }
        }
    }

    @Test
    void aPointsRecordOffItsMembersPartitionIsLeftOutAndItsForwardedCopyNotifiedOnce() throws Exception {
        String memberId = TestEvents.memberOnPartition("note-stray-", 1);
        CloudEvent credit = TestEvents.earned(memberId, 9);
        CloudEvent after = TestEvents.earned(memberId, 3);
        // As a producer with another partitioner puts it; then a credit where it belongs, read after it.
        PlatformTestResource.kafka().produceStrings().fromRecords(
                TestEvents.record(Topics.POINTS_LEDGER, 3, memberId, CODEC.write(credit))).awaitCompletion(WAIT);
        String marker = TestEvents.memberOnPartition("note-marker-", 3);
        TestEvents.publish(Topics.POINTS_LEDGER, TestEvents.earned(marker, 1));
        TestEvents.publish(Topics.POINTS_LEDGER, after);
        awaitNotifications(marker, 1);
        awaitNotifications(memberId, 1);
        assertThat(notificationIds(memberId)).containsExactly(after.id());

        // The ledger's copy on the member's partition, the same event: notified, once.
        TestEvents.publish(Topics.POINTS_LEDGER, credit);
        TestEvents.publish(Topics.POINTS_LEDGER, credit);
        awaitNotifications(memberId, 2);
        assertThat(notificationIds(memberId)).containsExactlyInAnyOrder(credit.id(), after.id());
    }

    /** Sends the bad records and then the good one to one partition, and checks the dead letters. */
    private static void deadLettersThenGood(String topic, int partition, String memberId, Map<String, String> bad,
                                            String good) {
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        bad.keySet().forEach(value -> records.add(TestEvents.record(topic, partition, memberId, value)));
        records.add(TestEvents.record(topic, partition, memberId, good));
        PlatformTestResource.kafka().produceStrings().fromRecords(records).awaitCompletion(WAIT);

        String dlq = Topics.dlq(topic, "notification-service");
        List<ConsumerRecord<String, String>> dead = TopicReader.await(dlq, r -> bad.containsKey(r.value()), bad.size(), WAIT);
        for (ConsumerRecord<String, String> letter : dead) {
            assertThat(header(letter, "dead-letter-reason")).as(letter.value()).contains(bad.get(letter.value()));
            assertThat(header(letter, "dead-letter-topic")).isEqualTo(topic);
            assertThat(header(letter, "dead-letter-partition")).isEqualTo(Integer.toString(partition));
            assertThat(letter.key()).isEqualTo(memberId);
        }
        assertThat(dead).extracting(ConsumerRecord::value).containsExactlyInAnyOrderElementsOf(bad.keySet());
        assertThat(TopicReader.deadLetters(dlq, r -> bad.containsKey(r.value()))).hasSize(bad.size());
        assertThat(TopicReader.all(dlq, r -> good.equals(r.value()))).isEmpty();
    }

    private void awaitNotifications(String memberId, int count) {
        await().atMost(WAIT).untilAsserted(() -> assertThat(notificationIds(memberId)).hasSize(count));
    }

    private List<String> notificationIds(String memberId) throws Exception {
        try (Connection c = DriverManager.getConnection(LocalPostgres.jdbcUrl(database), LocalPostgres.USER,
                LocalPostgres.PASSWORD); var s = c.prepareStatement(
                "select notification_id from notification where member_id = ? order by notification_id")) {
            s.setString(1, memberId);
            List<String> ids = new ArrayList<>();
            try (var rows = s.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getString(1));
                }
            }
            return ids;
        }
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        assertThat(record.headers().lastHeader(name)).as("header " + name).isNotNull();
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
