package io.pointsplatform.ledger;

import static io.pointsplatform.ledger.Callers.asService;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pointsplatform.events.Topics;
import io.pointsplatform.ledger.account.repository.AccountStore;
import io.pointsplatform.testing.PlatformTestResource;
import io.pointsplatform.testing.TestEvents;
import io.pointsplatform.testing.TopicReader;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * An event larger than a producer's default request limit (1 MiB before compression) leaves the
 * outbox: a hold over 30 000 lots of one point is a points.reserved of about 1.2 MB, which the
 * broker takes compressed. At the default limit the relay could never send it, and every later
 * event of the ledger waited behind it.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "ledger"))
class LargeEventTest {

    private static final int LOTS = 30_000;
    private static final Duration WAIT = Duration.ofSeconds(120);

    @Inject
    AccountStore store;

    @Inject
    Pool pool;

    @Test
    void aHoldOverThirtyThousandLotsIsPublishedAndSoIsWhatComesAfterIt() {
        String memberId = "m-lots-" + UUID.randomUUID();
        List<ProducerRecord<String, String>> credits = new ArrayList<>(LOTS);
        for (int i = 0; i < LOTS; i++) {
            credits.add(TestEvents.record(Topics.POINTS_LEDGER, TestEvents.earned(memberId, 1)));
        }
        PlatformTestResource.kafka().produceStrings().withProp("compression.type", "lz4")
                .fromRecords(credits).awaitCompletion(WAIT);
        // (Past the gold tier's threshold, the ledger adds its own tier bonus: at least LOTS.)
        await().atMost(WAIT).untilAsserted(() -> assertThat(LogRecordsSupport.account(store, pool, memberId))
                .isNotNull().satisfies(a -> assertThat(a.lifetimeEarned()).isGreaterThanOrEqualTo(LOTS)));

        asService().contentType(ContentType.JSON)
                .body("{\"holdId\":\"h-all\",\"points\":" + LOTS + ",\"ttlSeconds\":600,\"reference\":\"big\"}")
                .post("/api/v1/accounts/{m}/holds", memberId).then().statusCode(201);
        asService().contentType(ContentType.JSON).body("{}")
                .post("/api/v1/accounts/{m}/holds/h-all/capture", memberId).then().statusCode(201);

        List<ConsumerRecord<String, String>> decided = TopicReader.await(Topics.POINTS_LEDGER,
                r -> memberId.equals(r.key()) && (r.value().contains("\"type\":\"points.reserved\"")
                        || r.value().contains("\"type\":\"points.spent\"")), 2, WAIT);
        assertThat(decided).allSatisfy(r -> assertThat(r.value().length()).isGreaterThan(1024 * 1024));
    }
}
