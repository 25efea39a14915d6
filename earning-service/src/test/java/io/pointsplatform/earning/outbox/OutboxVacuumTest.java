package io.pointsplatform.earning.outbox;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.Topics;
import io.pointsplatform.kit.outbox.Outbox;
import io.pointsplatform.kit.outbox.OutboxRelay;
import io.pointsplatform.testing.PlatformTestResource;
import io.pointsplatform.testing.TestEvents;
import io.pointsplatform.testing.TopicReader;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.pointsplatform.events.EventCodec;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The relay vacuums its outbox every {@code points.outbox.vacuum-every} rows it published (100 in
 * tests), so that its drains do not read over a minute's worth of deleted rows, and loses nothing
 * doing so.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "earning"))
class OutboxVacuumTest {

    private static final int EVENTS = 350;

    private final EventCodec codec = new EventCodec();

    @Inject
    Pool pool;

    @Inject
    Outbox outbox;

    @Inject
    OutboxRelay relay;

    @Test
    void theRelayVacuumsItsOutboxAndPublishesEveryRow() {
        long vacuumsBefore = vacuums();
        double metricBefore = metric();
        String run = "vacuum-" + UUID.randomUUID().toString().substring(0, 8);
        List<CloudEvent> events = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            events.add(TestEvents.earned(run + "-" + i, 1));
        }
        // Three commits, each waking the relay, as three transactions of the service would.
        for (int from = 0; from < EVENTS; from += 120) {
            List<CloudEvent> part = events.subList(from, Math.min(EVENTS, from + 120));
            pool.withTransaction(c -> outbox.enqueueBatch(c, Topics.POINTS_LEDGER, part)).await().indefinitely();
            relay.wake();
        }
        relay.drained(Duration.ofSeconds(30)).await().indefinitely();

        assertThat(TopicReader.await(Topics.POINTS_LEDGER, r -> r.key() != null && r.key().startsWith(run + "-"), EVENTS,
                Duration.ofSeconds(30))).hasSize(EVENTS);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(metric()).isGreaterThan(metricBefore);
            assertThat(vacuums()).isGreaterThan(vacuumsBefore);
        });
    }

    /**
     * One relay of a database sends at a time: while another instance's relay holds the lock (here
     * a connection standing in for it), this one sends nothing; once it lets go, every row leaves, in
     * order. Until 2026-12-06 two instances' relays shared the outbox with SKIP LOCKED alone, and one
     * could send a member's later event while the other still sent an earlier one.
     */
    @Test
    void whileAnotherInstancesRelaySendsThisOneWaitsItsTurn() throws Exception {
        String member = "relay-lock-" + UUID.randomUUID().toString().substring(0, 8);
        List<CloudEvent> events = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            events.add(TestEvents.earned(member, i));
        }
        SqlConnection other = pool.getConnection().await().indefinitely();
        try {
            Transaction held = other.begin().await().indefinitely();
            other.query("select pg_advisory_xact_lock(hashtextextended('" + OutboxRelay.RELAY_LOCK + "', 0))").execute()
                    .await().indefinitely();
            pool.withTransaction(c -> outbox.enqueueBatch(c, Topics.POINTS_LEDGER, events)).await().indefinitely();
            relay.wake();
            Thread.sleep(1_500);
            assertThat(TopicReader.all(Topics.POINTS_LEDGER, r -> member.equals(r.key()))).isEmpty();
            held.commit().await().indefinitely();
        } finally {
            other.close().await().indefinitely();
        }
        relay.drained(Duration.ofSeconds(30)).await().indefinitely();
        List<String> sent = TopicReader.awaitKey(Topics.POINTS_LEDGER, member, 20).stream()
                .map(r -> codec.read(r.value()).id()).toList();
        assertThat(sent).containsExactlyElementsOf(events.stream().map(CloudEvent::id).toList());
    }

    /**
     * A row that can never be sent (larger than the relay hands to the producer, as a topic's
     * max.message.bytes or a denied ACL would make it) holds back its own key only: the other
     * members' events leave, and its member's later events wait behind it, in order, until it is
     * dealt with. Until 2026-12-06 one such row rolled every batch back, so the service's events all
     * stopped and the batch's other rows were sent again every round.
     */
    @Test
    void aRowThatCannotBeSentHoldsBackItsOwnKeyOnly() {
        String run = "stuck-" + UUID.randomUUID().toString().substring(0, 8);
        String stuck = run + "-member";
        Long huge = pool.preparedQuery("insert into outbox (topic, message_key, event_id, payload) values ($1, $2, $3,"
                        + " repeat('x', 17 * 1024 * 1024)) returning id")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(Topics.POINTS_LEDGER, stuck, "huge-" + run))
                .map(rows -> rows.iterator().next().getLong("id")).await().indefinitely();
        try {
            CloudEvent behind = TestEvents.earned(stuck, 7);
            List<CloudEvent> others = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                others.add(TestEvents.earned(run + "-other-" + i, 1));
            }
            pool.withTransaction(c -> outbox.enqueueBatch(c, Topics.POINTS_LEDGER, List.of(behind))
                    .chain(() -> outbox.enqueueBatch(c, Topics.POINTS_LEDGER, others))).await().indefinitely();
            relay.wake();
            assertThat(TopicReader.await(Topics.POINTS_LEDGER, r -> r.key() != null && r.key().startsWith(run + "-other-"),
                    others.size(), Duration.ofSeconds(30))).hasSize(others.size());
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(rowsOf(run))
                    .as("the unsendable row and its key's later one stay, the others left").isEqualTo(2));
            assertThat(TopicReader.all(Topics.POINTS_LEDGER, r -> stuck.equals(r.key()))).isEmpty();

            // Dealt with (here: removed), its member's later event follows.
            pool.preparedQuery("delete from outbox where id = $1").execute(io.vertx.mutiny.sqlclient.Tuple.of(huge))
                    .await().indefinitely();
            relay.drained(Duration.ofSeconds(30)).await().indefinitely();
            assertThat(TopicReader.awaitKey(Topics.POINTS_LEDGER, stuck, 1).get(0).value()).contains(behind.id());
        } finally {
            pool.preparedQuery("delete from outbox where id = $1").execute(io.vertx.mutiny.sqlclient.Tuple.of(huge))
                    .await().indefinitely();
        }
    }

    /**
     * More rows that cannot be sent than a round reads (here: a topic whose name Kafka refuses, for
     * many members, as a topic the service may not write would be) do not stop the other events:
     * their keys, then their topic, wait out a backoff outside the rounds. Until 2026-12-08 every
     * round read only them, once a batch's worth (500) had gathered, and nothing else left.
     */
    @Test
    void aBatchOfRowsThatCannotBeSentDoesNotStopTheOthers() {
        String run = "stall-" + UUID.randomUUID().toString().substring(0, 8);
        try {
            pool.preparedQuery("insert into outbox (topic, message_key, event_id, payload) select 'bad topic!', $1 || g,"
                            + " $1 || 'e' || g, '{}' from generate_series(1, 600) g")
                    .execute(io.vertx.mutiny.sqlclient.Tuple.of(run + "-bad-")).await().indefinitely();
            CloudEvent after = TestEvents.earned(run + "-good", 5);
            pool.withTransaction(c -> outbox.enqueueBatch(c, Topics.POINTS_LEDGER, List.of(after))).await().indefinitely();
            relay.wake();
            assertThat(TopicReader.awaitKey(Topics.POINTS_LEDGER, run + "-good", 1).get(0).value()).contains(after.id());
            assertThat(rowsOf(run)).as("the rows that cannot be sent stay").isEqualTo(600);
        } finally {
            pool.preparedQuery("delete from outbox where message_key like $1")
                    .execute(io.vertx.mutiny.sqlclient.Tuple.of(run + "-bad-%")).await().indefinitely();
        }
    }

    private long rowsOf(String run) {
        return pool.preparedQuery("select count(*) from outbox where message_key like $1").execute(
                io.vertx.mutiny.sqlclient.Tuple.of(run + "-%")).map(rows -> rows.iterator().next().getLong(0))
                .await().indefinitely();
    }

    /** Vacuums of the outbox that were not autovacuum's, as PostgreSQL counts them. */
    private long vacuums() {
        return pool.query("select vacuum_count from pg_stat_user_tables where relname = 'outbox'").execute()
                .map(rows -> rows.iterator().next().getLong(0)).await().indefinitely();
    }

    private static double metric() {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(l -> l.startsWith("points_outbox_vacuums_total"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).max().orElse(0);
    }
}
