package io.pointsplatform.notification.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.pointsplatform.notification.webhook.repository.WebhookDeliveryRepository;
import io.pointsplatform.testing.PlatformTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
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

        deliveries.delivered(ofA.get(0), 200).await().atMost(Duration.ofSeconds(30));
        assertThat(heads(endpointId)).containsEntry(a, ofA.get(1)).containsEntry(b, ofB.get(0));

        sql("update webhook_delivery set status = 'DEAD', finished_at = now() where delivery_id = $1", ofA.get(1));
        assertThat(heads(endpointId)).containsEntry(a, ofA.get(2));

        // A dead one resent goes before the rest of its queue again.
        assertThat(deliveries.resend(endpointId, ofA.get(1), WINDOW).await().atMost(Duration.ofSeconds(30))).isNotNull();
        assertThat(heads(endpointId)).containsEntry(a, ofA.get(1));

        for (long id : List.of(ofA.get(1), ofA.get(2), ofB.get(0), ofB.get(1))) {
            deliveries.delivered(id, 204).await().atMost(Duration.ofSeconds(30));
        }
        assertThat(heads(endpointId)).isEmpty();

        // A member whose queue was empty starts a new one with its next event.
        deliveries.enqueue(List.of(new WebhookDeliveryRepository.Event("e-" + UUID.randomUUID(), b, "points.earned", "{}")),
                WINDOW).await().atMost(Duration.ofSeconds(30));
        assertThat(heads(endpointId)).containsOnlyKeys(b).containsEntry(b, ids(endpointId, b).get(2));
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

    private void sql(String statement, long id) {
        pool.preparedQuery(statement).execute(Tuple.of(id)).await().atMost(Duration.ofSeconds(30));
    }

    private static String closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return "http://127.0.0.1:" + socket.getLocalPort() + "/closed";
        }
    }
}
