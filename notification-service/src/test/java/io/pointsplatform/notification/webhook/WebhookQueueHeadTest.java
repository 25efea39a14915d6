package io.pointsplatform.notification.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pointsplatform.notification.webhook.repository.WebhookDeliveryRepository;
import io.pointsplatform.notification.webhook.repository.WebhookDeliveryRepository.Outcome;
import io.pointsplatform.testing.PlatformTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The head of each (endpoint, member) queue, which the dispatcher reads instead of the backlog: the
 * smallest PENDING delivery of the queue, moved on when it is delivered or dead, taken back by a
 * resent older one. (The receiver is a closed port, so the dispatcher's own attempts only fail and
 * leave every delivery PENDING.)
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "notification"))
class WebhookQueueHeadTest {

    private static final Duration WINDOW = Duration.ofHours(1);

    @Inject
    WebhookDeliveryRepository deliveries;

    @Inject
    Pool pool;

    @Inject
    io.pointsplatform.notification.webhook.service.WebhookDeliveryPurge purge;

    @Test
    void eachQueuesHeadIsItsSmallestPendingDeliveryAsDeliveriesComeAndGo() throws IOException {
        String endpointId = WebhookTest.register(closedPort(), "points.earned").path("webhookId");
        String a = "m-head-a-" + UUID.randomUUID();
        String b = "m-head-b-" + UUID.randomUUID();
        List<WebhookDeliveryRepository.Event> events = new ArrayList<>();
        for (String memberId : List.of(a, b, a, a, b)) {
            events.add(new WebhookDeliveryRepository.Event("e-" + UUID.randomUUID(), memberId, "points.earned", "{}"));
        }
        assertThat(deliveries.enqueue(events, WINDOW).await().atMost(Duration.ofSeconds(30))).isEqualTo(5);
        List<Long> ofA = ids(endpointId, a);
        List<Long> ofB = ids(endpointId, b);
        assertThat(heads(endpointId)).containsExactlyInAnyOrderEntriesOf(Map.of(a, ofA.get(0), b, ofB.get(0)));

        deliveries.record(List.of(Outcome.delivered(ofA.get(0), 200))).await().atMost(Duration.ofSeconds(30));
        assertThat(heads(endpointId)).containsEntry(a, ofA.get(1)).containsEntry(b, ofB.get(0));

        sql("update webhook_delivery set status = 'DEAD', finished_at = now() where delivery_id = $1", ofA.get(1));
        assertThat(heads(endpointId)).containsEntry(a, ofA.get(2));

        // A dead one resent goes before the rest of its queue again.
        assertThat(deliveries.resend(endpointId, ofA.get(1), WINDOW).await().atMost(Duration.ofSeconds(30))).isNotNull();
        assertThat(heads(endpointId)).containsEntry(a, ofA.get(1));

        for (long id : List.of(ofA.get(1), ofA.get(2), ofB.get(0), ofB.get(1))) {
            deliveries.record(List.of(Outcome.delivered(id, 204))).await().atMost(Duration.ofSeconds(30));
        }
        assertThat(heads(endpointId)).isEmpty();

        // A member whose queue was empty starts a new one with its next event.
        deliveries.enqueue(List.of(new WebhookDeliveryRepository.Event("e-" + UUID.randomUUID(), b, "points.earned", "{}")),
                WINDOW).await().atMost(Duration.ofSeconds(30));
        assertThat(heads(endpointId)).containsOnlyKeys(b).containsEntry(b, ids(endpointId, b).get(2));
    }

    @Test
    void aHeadsDueTimeFollowsItsDeliveryThroughLeaseFailureMoveAndResend() throws IOException {
        // Inserted due in an hour and later, so the dispatcher leaves them alone while the test changes them.
        String endpointId = WebhookTest.register(closedPort(), "points.earned").path("webhookId");
        String a = "m-due-a-" + UUID.randomUUID();
        long first = insert(endpointId, a, Duration.ofHours(1));
        long second = insert(endpointId, a, Duration.ofHours(2));
        Head made = head(endpointId, a);
        assertThat(made.deliveryId()).isEqualTo(first);
        assertThat(made.due()).isEqualTo(made.deliveryDue());

        // A lease (the column the dispatcher's take sets) makes the head due when the lease ends.
        sql("update webhook_delivery set next_attempt_at = now() + interval '3 hours' where delivery_id = $1", first);
        Head leased = head(endpointId, a);
        assertThat(leased.due()).isEqualTo(leased.deliveryDue()).isAfter(made.due());

        // A failure's backoff.
        deliveries.record(List.of(Outcome.failed(first, 503, "answered HTTP 503", Duration.ofMinutes(90))))
                .await().atMost(Duration.ofSeconds(30));
        Head failed = head(endpointId, a);
        assertThat(failed.deliveryId()).isEqualTo(first);
        assertThat(failed.due()).isEqualTo(failed.deliveryDue()).isBefore(leased.due());

        // A later delivery re-timed while not the head changes no head; moved on, the head takes its time.
        sql("update webhook_delivery set next_attempt_at = now() + interval '4 hours' where delivery_id = $1", second);
        assertThat(head(endpointId, a)).isEqualTo(failed);
        sql("update webhook_delivery set status = 'DEAD', finished_at = now() where delivery_id = $1", first);
        Head moved = head(endpointId, a);
        assertThat(moved.deliveryId()).isEqualTo(second);
        assertThat(moved.due()).isEqualTo(moved.deliveryDue()).isAfter(leased.due());

        // A dead one resent is due at once (or leased by the dispatcher since) and heads its queue again.
        assertThat(deliveries.resend(endpointId, first, WINDOW).await().atMost(Duration.ofSeconds(30))).isNotNull();
        Head resent = head(endpointId, a);
        assertThat(resent.deliveryId()).isEqualTo(first);
        assertThat(resent.due()).isEqualTo(resent.deliveryDue()).isBefore(failed.due());
        WebhookTest.delete(endpointId);
    }

    @Test
    void theDispatchTakesDueHeadsFromTheIndexOnARealisticBacklog() throws IOException {
        // 2 000 members x 3 endpoints, 8 pending deliveries each (48 000), all due, statistics up to date
        // (as autovacuum keeps them): the take reads per endpoint only its first due heads, by index.
        List<String> endpoints = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            endpoints.add(WebhookTest.register(closedPort(), "points.earned").path("webhookId"));
        }
        String members = "m-backlog-" + UUID.randomUUID() + "-";
        pool.preparedQuery("""
                        insert into webhook_delivery (endpoint_id, event_id, member_id, event_type, body, give_up_at)
                        select e.id, 'e-' || $2::text || n || '-' || e.id, $2::text || (n % 2000), 'points.earned', '{}', now() + interval '1 hour'
                        from generate_series(1, 16000) n, unnest($1::text[]) e(id)
                        order by e.id, n % 2000, n""")
                .execute(Tuple.of(endpoints.toArray(String[]::new), members)).await().atMost(Duration.ofMinutes(2));
        pool.query("analyze webhook_endpoint, webhook_delivery, webhook_queue_head").execute().await().atMost(Duration.ofMinutes(1));

        JsonObject plan = explain(WebhookDeliveryRepository.TAKE, Tuple.of(32, new String[0], new Integer[0], 19.0));
        List<JsonObject> nodes = new ArrayList<>();
        collect(plan, new JsonArray(), nodes);
        assertThat(nodes).noneMatch(n -> "Seq Scan".equals(n.getString("Node Type"))
                && List.of("webhook_queue_head", "webhook_delivery").contains(n.getString("Relation Name")));
        assertThat(nodes).noneMatch(n -> "Bitmap Heap Scan".equals(n.getString("Node Type"))
                && "webhook_queue_head".equals(n.getString("Relation Name")));
        // Heads are read only by the due index, in due order, straight into a limit (through the lock):
        // no sort of all heads, nothing read past the limit.
        List<JsonObject> heads = nodes.stream().filter(n -> "webhook_queue_head".equals(n.getString("Relation Name"))).toList();
        assertThat(heads).isNotEmpty().allSatisfy(n -> {
            assertThat(n.getString("Index Name")).isEqualTo("webhook_queue_head_due");
            List<Object> above = n.getJsonArray("Above").getList();
            assertThat(above).startsWith("LockRows", "Limit").doesNotContain("Sort", "Incremental Sort");
        });
        // Meanwhile the dispatcher leases and fails them (closed ports); every head stays its delivery's time.
        await().atMost(WebhookTest.WAIT).until(() -> count("select count(*) from webhook_delivery where member_id like $1"
                + " and attempts > 0", members + "%") >= 3);
        assertThat(count("""
                select count(*) from webhook_queue_head h join webhook_delivery d using (delivery_id)
                where h.member_id like $1 and (h.next_attempt_at <> d.next_attempt_at or d.status <> 'PENDING'
                    or d.delivery_id <> (select min(p.delivery_id) from webhook_delivery p where p.status = 'PENDING'
                                         and p.endpoint_id = h.endpoint_id and p.member_id = h.member_id))""",
                members + "%")).isZero();
        assertThat(count("select count(*) from webhook_queue_head where member_id like $1", members + "%")).isEqualTo(6000);
        endpoints.forEach(WebhookTest::delete);
    }

    @Test
    void anEndpointDeletedWhileDeliveriesAreEnqueuedIsSkippedNotAFailure() throws Exception {
        // The enqueue reads the endpoints that want a type; one deleted meanwhile (its deletion still
        // open when the enqueue starts, committed while it waits) gets nothing, and the enqueue does
        // not fail: a foreign-key error there would set a good record of the log aside.
        String endpointId = WebhookTest.register(closedPort(), "points.earned").path("webhookId");
        String memberId = "m-gone-" + UUID.randomUUID();
        var deletion = pool.getConnection().await().atMost(Duration.ofSeconds(30));
        try {
            deletion.query("begin").execute().await().atMost(Duration.ofSeconds(30));
            deletion.preparedQuery("delete from webhook_endpoint where endpoint_id = $1").execute(Tuple.of(endpointId))
                    .await().atMost(Duration.ofSeconds(30));
            var enqueued = deliveries.enqueue(List.of(new WebhookDeliveryRepository.Event("e-" + UUID.randomUUID(),
                    memberId, "points.earned", "{}")), WINDOW).subscribeAsCompletionStage();
            Thread.sleep(500);
            assertThat(enqueued).as("waits for the deletion").isNotDone();
            deletion.query("commit").execute().await().atMost(Duration.ofSeconds(30));
            int made = enqueued.get(30, java.util.concurrent.TimeUnit.SECONDS);
            // Only to the endpoints still there (other tests' that want points.earned too).
            assertThat(count("select count(*) from webhook_delivery where member_id = $1", memberId)).isEqualTo(made);
            assertThat(count("select count(*) from webhook_endpoint where endpoint_id = $1", endpointId)).isZero();
        } finally {
            deletion.close().await().atMost(Duration.ofSeconds(30));
        }
    }

    @Test
    void thePoolsConnectionsRunWithoutPostgresJit() {
        // service-kit sets jit=off on every connection: the due-deliveries query paid 300 ms of JIT per run.
        String jit = pool.query("show jit").execute().await().atMost(Duration.ofSeconds(30)).iterator().next().getString(0);
        assertThat(jit).isEqualTo("off");
    }

    private List<Long> ids(String endpointId, String memberId) {
        return pool.preparedQuery("select delivery_id from webhook_delivery where endpoint_id = $1 and member_id = $2"
                        + " order by delivery_id")
                .execute(Tuple.of(endpointId, memberId)).map(rows -> {
                    List<Long> ids = new ArrayList<>();
                    for (Row row : rows) {
                        ids.add(row.getLong(0));
                    }
                    return ids;
                }).await().atMost(Duration.ofSeconds(30));
    }

    private Map<String, Long> heads(String endpointId) {
        return pool.preparedQuery("select member_id, delivery_id from webhook_queue_head where endpoint_id = $1")
                .execute(Tuple.of(endpointId)).map(rows -> {
                    Map<String, Long> heads = new TreeMap<>();
                    for (Row row : rows) {
                        heads.put(row.getString(0), row.getLong(1));
                    }
                    return heads;
                }).await().atMost(Duration.ofSeconds(30));
    }

    /** A queue's head row (delivery and due time) with its delivery's due time, read in one snapshot. */
    private record Head(long deliveryId, Instant due, Instant deliveryDue) {
    }

    private Head head(String endpointId, String memberId) {
        Row row = pool.preparedQuery("select h.delivery_id, h.next_attempt_at, d.next_attempt_at from webhook_queue_head h"
                        + " join webhook_delivery d using (delivery_id) where h.endpoint_id = $1 and h.member_id = $2")
                .execute(Tuple.of(endpointId, memberId)).await().atMost(Duration.ofSeconds(30)).iterator().next();
        return new Head(row.getLong(0), row.getOffsetDateTime(1).toInstant(), row.getOffsetDateTime(2).toInstant());
    }

    private long insert(String endpointId, String memberId, Duration dueIn) {
        return pool.preparedQuery("insert into webhook_delivery (endpoint_id, event_id, member_id, event_type, body,"
                        + " give_up_at, next_attempt_at) values ($1, $2, $3, 'points.earned', '{}', now() + interval '1 day',"
                        + " now() + make_interval(secs => $4)) returning delivery_id")
                .execute(Tuple.of(endpointId, "e-" + UUID.randomUUID(), memberId, (double) dueIn.toSeconds()))
                .await().atMost(Duration.ofSeconds(30)).iterator().next().getLong(0);
    }

    private long count(String query, String like) {
        return pool.preparedQuery(query).execute(Tuple.of(like)).await().atMost(Duration.ofSeconds(30))
                .iterator().next().getLong(0);
    }

    /** The plan's root node, as EXPLAIN (FORMAT JSON) gives it (not run: no ANALYZE). */
    private JsonObject explain(String query, Tuple parameters) {
        Object value = pool.preparedQuery("explain (format json) " + query).execute(parameters)
                .await().atMost(Duration.ofSeconds(30)).iterator().next().getValue(0);
        JsonArray document = value instanceof JsonArray array ? array : new JsonArray(value.toString());
        return document.getJsonObject(0).getJsonObject("Plan");
    }

    /** Every node of the plan, each with the node types above it, nearest first, as "Above". */
    private static void collect(JsonObject node, JsonArray above, List<JsonObject> into) {
        into.add(node.copy().put("Above", above));
        JsonArray children = node.getJsonArray("Plans");
        if (children != null) {
            JsonArray path = new JsonArray().add(node.getString("Node Type")).addAll(above);
            for (int i = 0; i < children.size(); i++) {
                collect(children.getJsonObject(i), path, into);
            }
        }
    }

    /**
     * Delivered deliveries are forgotten after the retention (7 days); pending and dead ones stay
     * whatever their age, and a recent delivered one stays. Until 2026-12-07 the table never shrank.
     */
    @Test
    void deliveredDeliveriesAreForgottenAfterTheRetention() throws IOException {
        String endpointId = WebhookTest.register(closedPort(), "points.earned").path("webhookId");
        String member = "m-purge-" + UUID.randomUUID();
        List<WebhookDeliveryRepository.Event> events = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            events.add(new WebhookDeliveryRepository.Event("e-" + UUID.randomUUID(), member, "points.earned", "{}"));
        }
        // Four for this endpoint (others asking for the type get theirs too).
        assertThat(deliveries.enqueue(events, WINDOW).await().atMost(Duration.ofSeconds(30))).isGreaterThanOrEqualTo(4);
        List<Long> ids = ids(endpointId, member);
        sql("update webhook_delivery set status = 'DELIVERED', finished_at = now(),"
                + " created_at = now() - interval '8 days' where delivery_id = $1", ids.get(0));
        sql("update webhook_delivery set status = 'DEAD', finished_at = now(),"
                + " created_at = now() - interval '8 days' where delivery_id = $1", ids.get(1));
        sql("update webhook_delivery set status = 'DELIVERED', finished_at = now() where delivery_id = $1", ids.get(2));
        sql("update webhook_delivery set created_at = now() - interval '8 days' where delivery_id = $1", ids.get(3));

        assertThat(purge.purge().await().atMost(Duration.ofSeconds(30))).isGreaterThanOrEqualTo(1);
        assertThat(ids(endpointId, member)).containsExactly(ids.get(1), ids.get(2), ids.get(3));
    }

    private void sql(String statement, long id) {
        pool.preparedQuery(statement).execute(Tuple.of(id)).await().atMost(Duration.ofSeconds(30));
    }

    private static String closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return "http://127.0.0.1:" + socket.getLocalPort() + "/closed";
        }
    }
}
