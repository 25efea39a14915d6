package io.pointsplatform.ledger;

import static io.pointsplatform.ledger.Callers.asAdmin;
import static io.pointsplatform.ledger.Callers.asAnalyst;
import static io.pointsplatform.ledger.Callers.asService;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;

import io.pointsplatform.events.AccountSnapshots;
import io.pointsplatform.events.BreakdownLine;
import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.Origin;
import io.pointsplatform.events.OriginKind;
import io.pointsplatform.events.PointsEarned;
import io.pointsplatform.events.Topics;
import io.pointsplatform.ledger.account.service.LedgerJobs;
import io.pointsplatform.testing.LocalPostgres;
import io.pointsplatform.testing.PlatformTestResource;
import io.pointsplatform.testing.TestEvents;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Credits, holds, captures, returns, releases, reversals, adjustments and expiry, interleaved at random from
 * several threads: afterwards an independent replay of the log equals every live account.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "ledger"))
class RandomizedWorkloadTest {

    private static final int MEMBERS = 6;
    private static final int OPERATIONS = 240;

    @Inject
    LedgerJobs jobs;

    @ConfigProperty(name = "points.test.database")
    String database;

    @AfterEach
    void backToNow() {
        TestClock.reset();
    }

    @Test
    void aRandomWorkloadEndsWithVerifyFindingNoMismatch() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> members = new ArrayList<>();
        for (int i = 0; i < MEMBERS; i++) {
            String memberId = "w-" + run + "-" + i;
            members.add(memberId);
            credit(memberId, "order-" + memberId + "-0", 500, Duration.ofHours(1));
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> members.forEach(m ->
                asService().get("/api/v1/accounts/{m}", m).then().statusCode(200).body("available", equalTo(500))));

        long seed = System.nanoTime();
        ExecutorService threads = Executors.newFixedThreadPool(4);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            SplittableRandom random = new SplittableRandom(seed + t);
            int thread = t;
            done.add(threads.submit(() -> {
                for (int n = 0; n < OPERATIONS / 4; n++) {
                    operation(random, members.get(random.nextInt(MEMBERS)), run + "-" + thread + "-" + n);
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        threads.shutdown();
        // The first lots were given an hour: two hours later they expire, holds lapse.
        TestClock.advance(Duration.ofHours(2));
        jobs.expireLots().await().atMost(Duration.ofSeconds(60));
        jobs.releaseExpiredHolds().await().atMost(Duration.ofSeconds(60));

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(3)).untilAsserted(() ->
                asAnalyst().get("/api/v1/admin/verify").then().statusCode(200)
                        .body("mismatchCount", equalTo(0))
                        // Other tests put unreadable records on the shared topic on purpose; none is ours.
                        .body("refusedRecords.findAll { it.contains('w-" + run + "') }.size()", equalTo(0))
                        .body("membersChecked", greaterThanOrEqualTo(MEMBERS)));
        // Nothing the ledger decided was refused when it came back from the log.
        List<String> deadLettered = PlatformTestResource.kafka().consumeStrings()
                .fromTopics(Topics.dlq(Topics.POINTS_LEDGER, "ledger-service"), Duration.ofSeconds(5))
                .awaitCompletion().getRecords().stream()
                .filter(r -> r.key() != null && r.key().startsWith("w-" + run)).map(r -> r.value()).toList();
        assertThat(deadLettered).isEmpty();

        Map<String, String> before = new java.util.HashMap<>();
        for (String m : members) {
            before.put(m, asService().get("/api/v1/accounts/{m}", m).then()
                    .body("available", greaterThanOrEqualTo(0)).body("reserved", greaterThanOrEqualTo(0))
                    .extract().asString());
        }

        // And verify can fail: an account changed behind the ledger's back is reported.
        try (var c = DriverManager.getConnection(LocalPostgres.jdbcUrl(database), LocalPostgres.USER, LocalPostgres.PASSWORD)) {
            String snapshot = AccountSnapshots.toJson(AccountRows.current(c, members.get(0)));
            AccountRows.write(c, members.get(0), snapshot.replaceFirst("\"tier\":\"[A-Z]+\"", "\"tier\":\"PLATINUM\""));
        }
        asAnalyst().get("/api/v1/admin/verify").then().statusCode(200).body("mismatchCount", equalTo(1))
                .body("mismatches[0].memberId", equalTo(members.get(0)))
                .body("mismatches[0].live.tier", equalTo("PLATINUM"));

        // A rebuild from offset 0 puts it right, and changes nothing else.
        asAdmin().post("/api/v1/admin/rebuild").then().statusCode(200)
                .body("accounts", greaterThanOrEqualTo(MEMBERS))
                .body("refusedRecords.findAll { it.contains('w-" + run + "') }.size()", equalTo(0));
        asAnalyst().get("/api/v1/admin/verify").then().statusCode(200).body("mismatchCount", equalTo(0));
        for (String m : members) {
            assertThat(asService().get("/api/v1/accounts/{m}", m).then().statusCode(200).extract().asString())
                    .isEqualTo(before.get(m));
        }
        // Open holds survived the swap: one can still be made, captured and released.
        String memberId = members.get(1);
        asService().contentType(ContentType.JSON).body(Map.of("holdId", "after-rebuild", "points", 1))
                .post("/api/v1/accounts/{m}/holds", memberId).then().statusCode(org.hamcrest.Matchers.anyOf(
                        equalTo(201), equalTo(409)));
        System.out.println("randomized workload seed " + seed);
    }

    private static void operation(SplittableRandom random, String memberId, String id) {
        int kind = random.nextInt(100);
        if (kind < 20) {
            credit(memberId, "order-" + id, 1 + random.nextInt(300), Duration.ofDays(200));
        } else if (kind < 50) {
            asService().contentType(ContentType.JSON).body(Map.of("holdId", "h-" + id, "points", 1 + random.nextInt(200),
                    "ttlSeconds", 1 + random.nextInt(3_000))).post("/api/v1/accounts/{m}/holds", memberId);
            if (random.nextBoolean()) {
                asService().post("/api/v1/accounts/{m}/holds/{h}/capture", memberId, "h-" + id);
                // Part of it given back now and then, the rest (or too much, refused) later.
                for (int r = 0; r < 2 && random.nextBoolean(); r++) {
                    Map<String, Object> giveBack = random.nextBoolean() ? Map.of("returnId", "rt-" + r + "-" + id)
                            : Map.of("returnId", "rt-" + r + "-" + id, "points", 1 + random.nextInt(120));
                    asService().contentType(ContentType.JSON).body(giveBack).post("/api/v1/holds/{h}/return", "h-" + id);
                }
            } else if (random.nextBoolean()) {
                asService().post("/api/v1/accounts/{m}/holds/{h}/release", memberId, "h-" + id);
            }
        } else if (kind < 65) {
            asService().contentType(ContentType.JSON).body(Map.of("refundId", "r-" + id, "orderId", "o-" + id,
                    "lotId", "order-" + memberId + "-0", "points", 1 + random.nextInt(150)))
                    .post("/api/v1/accounts/{m}/reversals", memberId);
        } else if (kind < 80) {
            String adjustment = "adj-" + id;
            long points = random.nextBoolean() ? 1 + random.nextInt(200) : -(1 + random.nextInt(100));
            asAdmin("alice").contentType(ContentType.JSON).body(Map.of("adjustmentId", adjustment, "memberId", memberId,
                    "points", points, "reason", "workload")).post("/api/v1/adjustments");
            asAdmin(random.nextBoolean() ? "bob" : "alice").contentType(ContentType.JSON).body(Map.of())
                    .post("/api/v1/adjustments/{id}/approve", adjustment);
        } else {
            // A direct capture of an unknown hold, a release twice: refusals must change nothing.
            asService().post("/api/v1/accounts/{m}/holds/{h}/release", memberId, "h-" + id);
            asService().contentType(ContentType.JSON).body(Map.of("holdId", "h2-" + id, "points", 1))
                    .post("/api/v1/accounts/{m}/holds", memberId);
            asService().post("/api/v1/accounts/{m}/holds/{h}/release", memberId, "h2-" + id);
            asService().post("/api/v1/accounts/{m}/holds/{h}/release", memberId, "h2-" + id);
        }
    }

    private static void credit(String memberId, String lotId, long points, Duration life) {
        Instant now = Instant.now();
        TestEvents.publish(Topics.POINTS_LEDGER, CloudEvent.of("points.earned:" + lotId, "/earning-service", memberId,
                now, new PointsEarned(memberId, lotId, points, new Origin(OriginKind.ORDER, lotId),
                        List.of(new BreakdownLine("base", points)), now.minusSeconds(1), now.plus(life))));
    }
}
