package io.pointsplatform.ledger;

import static io.pointsplatform.ledger.Callers.asService;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.pointsplatform.events.BreakdownLine;
import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.Origin;
import io.pointsplatform.events.OriginKind;
import io.pointsplatform.events.PointsEarned;
import io.pointsplatform.events.Topics;
import io.pointsplatform.ledger.account.service.LedgerJobs;
import io.pointsplatform.testing.PlatformTestResource;
import io.pointsplatform.testing.TestEvents;
import io.pointsplatform.testing.TopicReader;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Refunds take points back (the rest becomes debt, settled from later credits); lots expire on time. */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "ledger"))
class ReversalAndExpiryTest {

    @Inject
    LedgerJobs jobs;

    @AfterEach
    void backToNow() {
        TestClock.reset();
    }

    @Test
    void aRefundTakesTheOrdersLotFirstRecordsTheRestAsDebtAndLaterCreditsSettleIt() {
        String memberId = "m-" + UUID.randomUUID();
        Instant now = Instant.now();
        credit(memberId, "order-o1", 100, now.plus(Duration.ofDays(300)));
        credit(memberId, "order-o0", 40, now.plus(Duration.ofDays(30)));
        awaitAccount(memberId, "available", 140);
        // 120 spent: the lot that expires first (o0, 40) then 80 of o1.
        hold(memberId, "h-1", 120);
        asService().post("/api/v1/accounts/{m}/holds/h-1/capture", memberId).then().statusCode(201);

        Map<String, Object> refund = Map.of("refundId", "r-1", "orderId", "o1", "lotId", "order-o1", "points", 100);
        asService().contentType(ContentType.JSON).body(refund).post("/api/v1/accounts/{m}/reversals", memberId)
                .then().statusCode(201)
                .body("taken", equalTo(20)).body("debt", equalTo(80)).body("points", equalTo(100))
                .body("allocations[0].lotId", equalTo("order-o1"));
        asService().contentType(ContentType.JSON).body(refund).post("/api/v1/accounts/{m}/reversals", memberId)
                .then().statusCode(200).body("debt", equalTo(80));
        asService().contentType(ContentType.JSON).body(Map.of("refundId", "r-1", "orderId", "o1", "points", 90))
                .post("/api/v1/accounts/{m}/reversals", memberId)
                .then().statusCode(409).body("code", equalTo("REVERSAL_CONFLICT"));
        asService().get("/api/v1/accounts/{m}", memberId).then()
                .body("available", equalTo(0)).body("debt", equalTo(80)).body("reversed", equalTo(20));

        // The next credits pay the debt first, by debits the ledger writes like any other.
        credit(memberId, "order-o2", 50, now.plus(Duration.ofDays(300)));
        awaitAccount(memberId, "debt", 30);
        credit(memberId, "order-o3", 100, now.plus(Duration.ofDays(300)));
        awaitAccount(memberId, "debt", 0);
        asService().get("/api/v1/accounts/{m}", memberId).then()
                .body("available", equalTo(70)).body("reversed", equalTo(100)).body("lifetimeEarned", equalTo(290));
        assertThat(TopicReader.await(Topics.POINTS_LEDGER,
                r -> r.key().equals(memberId) && r.value().contains("\"debtSettled\":"), 3, Duration.ofSeconds(30)))
                .hasSize(3);
    }

    @Test
    void lotsExpireAfterDowntimeOldestFirstAndNeverTwice() {
        String memberId = "m-" + UUID.randomUUID();
        Instant now = Instant.now();
        credit(memberId, "lot-a", 30, now.plus(Duration.ofDays(1)));
        credit(memberId, "lot-b", 20, now.plus(Duration.ofDays(2)));
        credit(memberId, "lot-c", 50, now.plus(Duration.ofDays(40)));
        awaitAccount(memberId, "available", 100);

        // The service was down for three days: both due lots expire in one catch-up run.
        TestClock.advance(Duration.ofDays(3));
        asService().get("/api/v1/accounts/{m}", memberId).then().body("available", equalTo(50));
        assertThat(jobs.expireLots().await().atMost(Duration.ofSeconds(30))).isGreaterThanOrEqualTo(1);
        assertThat(jobs.expireLots().await().atMost(Duration.ofSeconds(30))).isZero();
        asService().get("/api/v1/accounts/{m}", memberId).then()
                .body("available", equalTo(50)).body("expired", equalTo(50));
        List<org.apache.kafka.clients.consumer.ConsumerRecord<String, String>> expired = TopicReader.await(
                Topics.POINTS_LEDGER, r -> r.key().equals(memberId) && r.value().contains("\"points.expired\""), 1,
                Duration.ofSeconds(30));
        assertThat(expired.get(0).value()).contains("lot-a").contains("lot-b").doesNotContain("lot-c");
    }

    @Test
    void aHoldNobodyCapturesIsReleasedAtItsTtl() {
        String memberId = "m-" + UUID.randomUUID();
        credit(memberId, "lot-h", 60, Instant.now().plus(Duration.ofDays(100)));
        awaitAccount(memberId, "available", 60);
        asService().contentType(ContentType.JSON).body(Map.of("holdId", "h-ttl", "points", 45, "ttlSeconds", 60))
                .post("/api/v1/accounts/{m}/holds", memberId).then().statusCode(201);
        assertThat(jobs.releaseExpiredHolds().await().atMost(Duration.ofSeconds(30))).isZero();

        TestClock.advance(Duration.ofMinutes(2));
        assertThat(jobs.releaseExpiredHolds().await().atMost(Duration.ofSeconds(30))).isGreaterThanOrEqualTo(1);
        asService().get("/api/v1/accounts/{m}", memberId).then().body("available", equalTo(60)).body("reserved", equalTo(0));
        asService().post("/api/v1/accounts/{m}/holds/h-ttl/capture", memberId).then().statusCode(409)
                .body("code", equalTo("HOLD_NOT_OPEN"));
        asService().get("/api/v1/accounts/{m}/entries", memberId).then()
                .body("items[0].type", equalTo("points.released")).body("items[0].reference", equalTo("EXPIRED"));
    }

    private static void hold(String memberId, String holdId, long points) {
        asService().contentType(ContentType.JSON).body(Map.of("holdId", holdId, "points", points))
                .post("/api/v1/accounts/{m}/holds", memberId).then().statusCode(201);
    }

    private static void credit(String memberId, String lotId, long points, Instant expiresAt) {
        Instant now = Instant.now();
        TestEvents.publish(Topics.POINTS_LEDGER, CloudEvent.of("points.earned:" + memberId + ":" + lotId,
                "/earning-service", memberId, now, new PointsEarned(memberId, lotId, points,
                        new Origin(OriginKind.ORDER, lotId), List.of(new BreakdownLine("base", points)),
                        now.minusSeconds(5), expiresAt)));
    }

    private static void awaitAccount(String memberId, String field, int value) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asService().get("/api/v1/accounts/{m}", memberId)
                .then().statusCode(200).body(field, equalTo(value)));
    }
}
