package io.pointsplatform.ledger;

import static io.pointsplatform.ledger.Callers.asAdmin;
import static io.pointsplatform.ledger.Callers.asService;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.pointsplatform.events.BreakdownLine;
import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.LotLimits;
import io.pointsplatform.events.Origin;
import io.pointsplatform.events.OriginKind;
import io.pointsplatform.events.PointsEarned;
import io.pointsplatform.events.Topics;
import io.pointsplatform.ledger.account.repository.AccountStore;
import io.pointsplatform.ledger.account.service.LedgerJobs;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A member with more lots than one event names (docs/contract-extensions.md, "Events of megabytes"):
 * a debit over more than {@link LotLimits#PER_EVENT} lots is refused with {@code 409 TOO_MANY_LOTS}
 * and the points that fit, nothing taken; a debit at the limit is published even when it is larger
 * than a producer's default request limit (1 MiB; at the default the relay could never send it, and
 * every later event of the ledger waited behind it); an expiry over more lots is written in parts.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "ledger"))
class ManyLotsTest {

    private static final int OVER = LotLimits.PER_EVENT + 3;
    private static final Duration WAIT = Duration.ofSeconds(120);

    @Inject
    AccountStore store;

    @Inject
    Pool pool;

    @Inject
    LedgerJobs jobs;

    @AfterEach
    void backToNow() {
        TestClock.reset();
    }

    @Test
    void aDebitOverMoreLotsThanOneEventNamesIsRefusedAndOneAtTheLimitIsPublished() {
        String memberId = "m-lots-" + UUID.randomUUID();
        credits(memberId, OVER, Instant.now().plus(Duration.ofDays(30)));

        String adjustmentId = "adj-" + UUID.randomUUID();
        asAdmin("alice").contentType(ContentType.JSON).body(Map.of("adjustmentId", adjustmentId, "memberId", memberId,
                "points", -OVER, "reason", "clawback")).post("/api/v1/adjustments").then().statusCode(201);
        asAdmin("bob").contentType(ContentType.JSON).body(Map.of()).post("/api/v1/adjustments/{id}/approve", adjustmentId)
                .then().statusCode(409).body("code", equalTo("TOO_MANY_LOTS"));
        asAdmin("bob").get("/api/v1/adjustments/{id}", adjustmentId).then().statusCode(200)
                .body("status", equalTo("PENDING"));

        asService().contentType(ContentType.JSON)
                .body("{\"holdId\":\"h-over\",\"points\":" + OVER + ",\"ttlSeconds\":600}")
                .post("/api/v1/accounts/{m}/holds", memberId).then().statusCode(409)
                .contentType("application/problem+json").body("code", equalTo("TOO_MANY_LOTS"))
                .body("detail", containsString("would take " + OVER + " lots"))
                .body("detail", containsString("hold " + LotLimits.PER_EVENT + " points now"));
        asService().get("/api/v1/accounts/{m}", memberId).then().body("reserved", equalTo(0))
                .body("spent", equalTo(0));

        asService().contentType(ContentType.JSON)
                .body("{\"holdId\":\"h-fits\",\"points\":" + LotLimits.PER_EVENT + ",\"ttlSeconds\":600}")
                .post("/api/v1/accounts/{m}/holds", memberId).then().statusCode(201);
        asService().contentType(ContentType.JSON).body("{}")
                .post("/api/v1/accounts/{m}/holds/h-fits/capture", memberId).then().statusCode(201);
        asService().get("/api/v1/accounts/{m}", memberId).then().body("spent", equalTo(LotLimits.PER_EVENT));

        List<ConsumerRecord<String, String>> decided = TopicReader.await(Topics.POINTS_LEDGER,
                r -> memberId.equals(r.key()) && (r.value().contains("\"type\":\"points.reserved\"")
                        || r.value().contains("\"type\":\"points.spent\"")), 2, WAIT);
        assertThat(decided).allSatisfy(r -> assertThat(r.value().length()).isGreaterThan(1024 * 1024));
    }

    @Test
    void anExpiryOverMoreLotsThanOneEventNamesIsWrittenInParts() {
        String memberId = "m-lots-" + UUID.randomUUID();
        credits(memberId, OVER, Instant.now().plus(Duration.ofDays(1)));

        TestClock.advance(Duration.ofDays(2));
        await().atMost(WAIT).untilAsserted(() -> {
            jobs.expireLots().await().atMost(WAIT);
            asService().get("/api/v1/accounts/{m}", memberId).then().body("expired", equalTo(OVER));
        });

        List<ConsumerRecord<String, String>> expired = TopicReader.await(Topics.POINTS_LEDGER,
                r -> memberId.equals(r.key()) && r.value().contains("\"type\":\"points.expired\""), 2, WAIT);
        assertThat(expired).hasSize(2);
        assertThat(expired.get(0).value()).contains("\"points\":" + LotLimits.PER_EVENT + ",");
        assertThat(expired.get(1).value()).contains("\"points\":3,").contains("#2\"");
    }

    /** {@code count} credits of one point each on lots with ids of 150 characters and more, all applied. */
    private void credits(String memberId, int count, Instant expiresAt) {
        Instant now = Instant.now();
        String pad = "x".repeat(140);
        List<ProducerRecord<String, String>> credits = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String lotId = String.format("%s-%s-%06d", pad, memberId.substring(7, 15), i);
            credits.add(TestEvents.record(Topics.POINTS_LEDGER, CloudEvent.of("points.earned:" + memberId + ":" + lotId,
                    "/earning-service", memberId, now, new PointsEarned(memberId, lotId, 1,
                            new Origin(OriginKind.ORDER, lotId), List.of(new BreakdownLine("base", 1)),
                            now.minusSeconds(5), expiresAt))));
        }
        PlatformTestResource.kafka().produceStrings().withProp("compression.type", "lz4")
                .fromRecords(credits).awaitCompletion(WAIT);
        // Every credit applied, counted by lot: past the gold tier's threshold the ledger adds its own
        // tier bonus too (to lifetimeEarned, on a lot that expires later).
        await().atMost(WAIT).untilAsserted(() -> assertThat(LogRecordsSupport.account(store, pool, memberId))
                .isNotNull().satisfies(a -> assertThat(a.lots().stream().filter(l -> l.lotId().startsWith(pad)).count())
                        .isEqualTo(count)));
    }
}
