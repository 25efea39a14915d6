package io.pointsplatform.redemption;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.pointsplatform.events.Account;
import io.pointsplatform.events.AccountState;
import io.pointsplatform.events.Allocation;
import io.pointsplatform.events.AllocationPlan;
import io.pointsplatform.events.Allocator;
import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.EventCodec;
import io.pointsplatform.events.MemberEnrolled;
import io.pointsplatform.events.PointsEvent;
import io.pointsplatform.events.PointsReleased;
import io.pointsplatform.events.PointsReserved;
import io.pointsplatform.events.PointsSpent;
import io.pointsplatform.events.ReleaseReason;
import io.pointsplatform.events.Topics;
import io.pointsplatform.kit.view.MemberPointsProjector;
import io.pointsplatform.testing.LocalPostgres;
import io.pointsplatform.testing.PlatformTestResource;
import io.pointsplatform.testing.TestEvents;
import io.pointsplatform.testing.Tokens;
import io.pointsplatform.testing.TopicReader;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Redemption's view of members' points (service-kit's batch consumer) against the real log and the
 * real database: what it holds is the fold of the events, each counted once, and what it cannot
 * apply goes to {@code points.ledger.dlq.redemption-service} without holding up the rest.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "redemption"))
@WithTestResource(FakeServices.class)
class MemberViewTest {

    private static final String DLQ = Topics.dlq(Topics.POINTS_LEDGER, "redemption-service");
    private static final EventCodec CODEC = new EventCodec();
    private static final int MEMBERS = 200;
    private static final int EVENTS_PER_MEMBER = 15;
    private static final Pattern METRIC = Pattern.compile("(points_member_view_[a-z_]+)(?:\\{[^}]*})? ([0-9.eE+-]+)");

    @Inject
    MemberPointsProjector projector;

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

    /** Made before its first record, as deploy/local makes topics, so that reading it never races its creation. */
    @BeforeAll
    static void deadLetterTopic() {
        if (!PlatformTestResource.kafka().topics().list().contains(DLQ)) {
            PlatformTestResource.kafka().topics().createAndWait(DLQ, 6);
        }
    }

    @Test
    void manyMembersEventsInterleavedAndRepeatedFoldToExactlyWhatTheLedgerFolds() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Instant now = Instant.now();
        Random random = new Random(20261123);
        Map<String, Account> expected = new HashMap<>();
        List<List<CloudEvent>> published = new ArrayList<>();
        Set<String> distinctIds = new LinkedHashSet<>();
        int repeats = 0;
        for (int m = 0; m < MEMBERS; m++) {
            String memberId = "m-view-" + run + "-" + m;
            Account account = new Account(memberId);
            List<CloudEvent> history = history(account, random, now);
            expected.put(memberId, account);
            history.forEach(e -> distinctIds.add(e.id()));
            // Some events come again later in the member's partition, as after a producer's retry.
            List<CloudEvent> withRepeats = new ArrayList<>(history);
            for (CloudEvent event : history) {
                if (random.nextInt(8) == 0) {
                    int after = withRepeats.indexOf(event) + 1;
                    withRepeats.add(after + random.nextInt(withRepeats.size() - after + 1), event);
                    repeats++;
                }
            }
            published.add(withRepeats);
        }
        List<ProducerRecord<String, String>> records = interleave(published);
        assertThat(records).hasSizeGreaterThan(MEMBERS * EVENTS_PER_MEMBER);
        assertThat(repeats).isGreaterThan(100);
        // Every kind of event is there: credits, holds still open, captured ones, released ones.
        assertThat(expected.values()).anySatisfy(a -> assertThat(a.holds()).isNotEmpty());
        assertThat(expected.values()).anySatisfy(a -> assertThat(a.spent()).isPositive());
        assertThat(published.stream().flatMap(List::stream)).anySatisfy(e -> assertThat(e.data()).isInstanceOf(PointsReleased.class));

        Map<String, Double> before = metrics();
        PlatformTestResource.kafka().produceStrings().fromRecords(records).awaitCompletion(Duration.ofSeconds(60));

        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            Map<String, AccountState> stored = storedAccounts(expected.keySet());
            assertThat(stored).as("members in the view").hasSize(MEMBERS);
            expected.forEach((memberId, account) ->
                    assertThat(stored.get(memberId)).as(memberId).isEqualTo(account.snapshot()));
        });
        assertThat(count("select count(*) from processed_event where event_id = any(?)", distinctIds))
                .isEqualTo(distinctIds.size());
        // Each event applied once; every repeat recognised as one (a repeat that slipped past the marks
        // would be refused by the fold and set aside); and in batches, not one transaction a record.
        int recordCount = records.size();
        int repeated = recordCount - distinctIds.size();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Map<String, Double> after = metrics();
            assertThat(delta(before, after, "points_member_view_applied_total")).isEqualTo(distinctIds.size());
            assertThat(delta(before, after, "points_member_view_repeats_total")).isGreaterThanOrEqualTo(repeated);
            assertThat(delta(before, after, "points_member_view_dead_lettered_total")).isZero();
            assertThat(delta(before, after, "points_member_view_batch_records_sum")).isGreaterThanOrEqualTo(recordCount);
        });
        double batches = delta(before, metrics(), "points_member_view_batch_records_count");
        System.out.printf("MemberViewTest: %d records in %.0f batches%n", recordCount, batches);
        // find(), as the payment-capacity endpoint uses it, reads the same accounts.
        for (String memberId : List.copyOf(expected.keySet()).subList(0, 20)) {
            given().auth().oauth2(Tokens.analyst()).get("/api/v1/members/{id}/payment-capacity", memberId).then().statusCode(200)
                    .body("availablePoints", equalTo((int) expected.get(memberId).balance(Instant.now()).available()));
        }
        // And what find() gives (figures, the lots with points left, open holds) says all the whole fold says.
        Instant at = Instant.now();
        for (Account account : expected.values()) {
            Account found = projector.find(account.memberId()).await().atMost(Duration.ofSeconds(10)).orElseThrow();
            assertThat(found.figures()).as(account.memberId()).isEqualTo(account.figures());
            assertThat(found.lots()).as(account.memberId()).isEqualTo(account.lots());
            assertThat(found.holds()).as(account.memberId()).isEqualTo(account.holds());
            assertThat(found.balance(at)).as(account.memberId()).isEqualTo(account.balance(at));
        }
        assertThat(projector.find("m-view-never-seen-" + run).await().atMost(Duration.ofSeconds(10))).isEmpty();
    }

    @Test
    void whatCannotBeAppliedGoesToTheDeadLetterTopicAndTheRecordsAroundItAreApplied() throws Exception {
        String memberId = TestEvents.memberOnPartition("m-", 0);
        String stranger = TestEvents.memberOnPartition("m-", 0);
        CloudEvent first = TestEvents.earned(memberId, 100);
        String malformed = "{\"specversion\":\"1.0\",\"id\":\"broken-" + UUID.randomUUID() + "\",";
        CloudEvent noAccount = CloudEvent.of("points.spent:" + UUID.randomUUID(), "/ledger-service", Instant.now(),
                new PointsSpent(stranger, null, 50, List.of(new Allocation("lot-nowhere", 50)), "order-1"));
        CloudEvent wrongTopic = CloudEvent.of("member.enrolled:" + memberId, "/earning-service", Instant.now(),
                new MemberEnrolled(memberId, "李雷", null, null));
        CloudEvent second = TestEvents.earned(memberId, 20);
        // One partition, one send: the five records reach the consumer together, in this order.
        List<ProducerRecord<String, String>> records = List.of(
                onPartitionZero(memberId, CODEC.write(first)),
                onPartitionZero(memberId, malformed),
                onPartitionZero(stranger, CODEC.write(noAccount)),
                onPartitionZero(memberId, CODEC.write(wrongTopic)),
                onPartitionZero(memberId, CODEC.write(second)));
        long lastOffset = PlatformTestResource.kafka().produceStrings().fromRecords(records)
                .awaitCompletion(Duration.ofSeconds(30)).lastOffset();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().auth().oauth2(Tokens.analyst()).get("/api/v1/members/{id}/payment-capacity", memberId).then().statusCode(200)
                        .body("availablePoints", equalTo(120)));

        List<String> bad = List.of(malformed, CODEC.write(noAccount), CODEC.write(wrongTopic));
        List<ConsumerRecord<String, String>> dead =
                TopicReader.await(DLQ, r -> bad.contains(r.value()), 3, Duration.ofSeconds(30));
        Map<String, ConsumerRecord<String, String>> byValue = new HashMap<>();
        dead.forEach(r -> byValue.put(r.value(), r));
        assertThat(byValue).hasSize(3);
        assertThat(header(byValue.get(malformed), "dead-letter-reason")).startsWith("malformed JSON");
        assertThat(header(byValue.get(malformed), "dead-letter-exception-class-name"))
                .isEqualTo("io.pointsplatform.events.EventFormatException");
        assertThat(header(byValue.get(CODEC.write(noAccount)), "dead-letter-reason"))
                .contains("account " + stranger).contains("unknown lot lot-nowhere");
        assertThat(header(byValue.get(CODEC.write(noAccount)), "dead-letter-exception-class-name"))
                .isEqualTo("io.pointsplatform.events.InvariantViolation");
        assertThat(header(byValue.get(CODEC.write(wrongTopic)), "dead-letter-reason"))
                .contains("does not belong on points.ledger");
        for (ConsumerRecord<String, String> letter : dead) {
            assertThat(header(letter, "dead-letter-topic")).isEqualTo(Topics.POINTS_LEDGER);
            assertThat(header(letter, "dead-letter-partition")).isEqualTo("0");
            assertThat(Long.parseLong(header(letter, "dead-letter-offset"))).isNotNegative();
        }
        assertThat(dead).extracting(ConsumerRecord::key).containsExactlyInAnyOrder(memberId, stranger, memberId);

        // The good records were applied and never set aside; the refused debit left nothing behind.
        assertThat(TopicReader.all(DLQ, r -> r.value() != null
                && (r.value().contains(first.id()) || r.value().contains(second.id())))).isEmpty();
        assertThat(storedAccounts(Set.of(stranger))).isEmpty();
        assertThat(count("select count(*) from processed_event where event_id = any(?)",
                Set.of(first.id(), second.id(), noAccount.id()))).isEqualTo(2);
        // The whole batch is acknowledged, its dead letters included: the group's offset moves past it.
        TopicPartition partition = new TopicPartition(Topics.POINTS_LEDGER, 0);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            OffsetAndMetadata committed = PlatformTestResource.kafka().consumerGroups()
                    .offsets("redemption-service", partition);
            assertThat(committed).isNotNull();
            assertThat(committed.offset()).isGreaterThan(lastOffset);
        });
        // The consumers wait out a database outage longer than SmallRye's default (service-kit's defaults).
        assertThat(org.eclipse.microprofile.config.ConfigProvider.getConfig().getValue(
                "mp.messaging.connector.smallrye-kafka.throttled.unprocessed-record-max-age.ms", Long.class))
                .isEqualTo(900_000L);
        // And the view saved where it read to, with what it applied: past the batch's last record.
        assertThat(count("select count(*) from member_view_offset where topic = 'points.ledger' and kafka_partition = 0"
                + " and next_offset > " + lastOffset + " and cardinality(?::text[]) = 0", Set.of())).isEqualTo(1);
    }

    @Test
    void aRecordPostgresqlRefusesIsSetAsideAloneAndTheRestOfItsBatchIsApplied() throws Exception {
        String memberId = TestEvents.memberOnPartition("m-", 0);
        CloudEvent before = TestEvents.earned(memberId, 7);
        CloudEvent after = TestEvents.earned(memberId, 5);
        // A NUL character is valid JSON and a valid id, but no PostgreSQL text: the batch's statements fail.
        CloudEvent unstorable = CloudEvent.of("points.earned:nul-\u0000-" + UUID.randomUUID(), "/earning-service",
                memberId, Instant.now(), TestEvents.earned(memberId, 1_000).data());
        PlatformTestResource.kafka().produceStrings().fromRecords(List.of(
                onPartitionZero(memberId, CODEC.write(before)),
                onPartitionZero(memberId, CODEC.write(unstorable)),
                onPartitionZero(memberId, CODEC.write(after)))).awaitCompletion(Duration.ofSeconds(30));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().auth().oauth2(Tokens.analyst()).get("/api/v1/members/{id}/payment-capacity", memberId).then().statusCode(200)
                        .body("availablePoints", equalTo(12)));
        ConsumerRecord<String, String> dead = TopicReader.await(DLQ,
                r -> CODEC.write(unstorable).equals(r.value()), 1, Duration.ofSeconds(30)).get(0);
        assertThat(header(dead, "dead-letter-exception-class-name")).isEqualTo("io.vertx.pgclient.PgException");
        assertThat(header(dead, "dead-letter-reason")).isNotBlank();
        assertThat(TopicReader.all(DLQ, r -> r.value() != null
                && (r.value().contains(before.id()) || r.value().contains(after.id())))).isEmpty();
    }

    /**
     * A member's history as the ledger could have written it: credits, holds on the lots the
     * allocator picks, captures and releases of open holds. Folds it into {@code account} as it goes.
     */
    private static List<CloudEvent> history(Account account, Random random, Instant now) {
        List<CloudEvent> events = new ArrayList<>();
        String memberId = account.memberId();
        while (events.size() < EVENTS_PER_MEMBER) {
            long available = account.balance(now).available();
            List<String> open = List.copyOf(account.holds().keySet());
            int roll = random.nextInt(10);
            CloudEvent event;
            if (events.size() < 2 || available == 0 || roll < 3) {
                event = TestEvents.earned(memberId, 1 + random.nextInt(500));
            } else if (roll < 6 || open.isEmpty()) {
                long points = 1 + random.nextLong(available);
                AllocationPlan plan = Allocator.forDebit(account.lots(), points, now);
                String holdId = "hold-" + UUID.randomUUID();
                event = CloudEvent.of("points.reserved:" + holdId, "/ledger-service", now,
                        new PointsReserved(memberId, holdId, points, plan.allocations(), now.plusSeconds(3_600), "r-1"));
            } else {
                String holdId = open.get(random.nextInt(open.size()));
                List<Allocation> held = account.holds().get(holdId);
                long points = held.stream().mapToLong(Allocation::points).sum();
                PointsEvent closing = roll < 8
                        ? new PointsSpent(memberId, holdId, points, held, "r-1")
                        : new PointsReleased(memberId, holdId, points, held, ReleaseReason.CANCELLED);
                event = CloudEvent.of(closing.type() + ":" + holdId, "/ledger-service", now, closing);
            }
            account.apply((PointsEvent) event.data());
            events.add(event);
        }
        return events;
    }

    /** Round robin over the members, each member's own order kept, as the relay would publish them. */
    private static List<ProducerRecord<String, String>> interleave(List<List<CloudEvent>> perMember) {
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        for (int i = 0; records.size() < perMember.stream().mapToInt(List::size).sum(); i++) {
            for (List<CloudEvent> events : perMember) {
                if (i < events.size()) {
                    records.add(TestEvents.record(Topics.POINTS_LEDGER, events.get(i)));
                }
            }
        }
        return records;
    }

    /** The service's own counters, from /q/metrics (Prometheus text), by name. */
    private static Map<String, Double> metrics() {
        Map<String, Double> values = new HashMap<>();
        for (String line : given().get("/q/metrics").then().statusCode(200).extract().asString().split("\n")) {
            Matcher m = METRIC.matcher(line);
            if (m.matches()) {
                values.merge(m.group(1), Double.parseDouble(m.group(2)), Double::sum);
            }
        }
        return values;
    }

    private static long delta(Map<String, Double> before, Map<String, Double> after, String name) {
        return Math.round(after.getOrDefault(name, 0.0) - before.getOrDefault(name, 0.0));
    }

    private static ProducerRecord<String, String> onPartitionZero(String key, String value) {
        return TestEvents.record(Topics.POINTS_LEDGER, 0, key, value);
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        assertThat(header).as("header " + name).isNotNull();
        return new String(header.value(), StandardCharsets.UTF_8);
    }

    private Map<String, AccountState> storedAccounts(Set<String> memberIds) throws SQLException {
        return ViewRows.read(jdbcUrl, memberIds);
    }

    private long count(String sql, Set<String> ids) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl, LocalPostgres.USER, LocalPostgres.PASSWORD);
             PreparedStatement s = c.prepareStatement(sql)) {
            s.setArray(1, c.createArrayOf("text", ids.toArray()));
            try (ResultSet rows = s.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }
}
