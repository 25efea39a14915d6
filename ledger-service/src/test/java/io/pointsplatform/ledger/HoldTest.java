package io.pointsplatform.ledger;

import static io.pointsplatform.ledger.Callers.asMember;
import static io.pointsplatform.ledger.Callers.asService;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.pointsplatform.events.Account;
import io.pointsplatform.events.AccountSnapshots;
import io.pointsplatform.events.BreakdownLine;
import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.Origin;
import io.pointsplatform.events.OriginKind;
import io.pointsplatform.events.PointsEarned;
import io.pointsplatform.events.Topics;
import io.pointsplatform.testing.LocalPostgres;
import io.pointsplatform.testing.PlatformTestResource;
import io.pointsplatform.testing.TestEvents;
import io.pointsplatform.testing.TopicReader;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** Holds are decided by the ledger alone, under the account's row lock. */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "ledger"))
class HoldTest {

    @ConfigProperty(name = "points.test.database")
    String database;

    @Test
    void twoHundredConcurrentHoldsOnABalanceForThirtySevenGiveExactlyThirtySeven() throws Exception {
        String memberId = credited(37 * 10);
        double retriedBefore = metric("points_ledger_decision_batch_retried_total");
        ExecutorService pool = Executors.newFixedThreadPool(50);
        List<Future<Integer>> answers = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String holdId = "h-" + i;
            answers.add(pool.submit(() -> asService().contentType(ContentType.JSON)
                    .body(Map.of("holdId", holdId, "points", 10, "reference", "r-" + holdId))
                    .post("/api/v1/accounts/{m}/holds", memberId).statusCode()));
        }
        int created = 0;
        int refused = 0;
        for (Future<Integer> answer : answers) {
            int status = answer.get();
            if (status == 201) {
                created++;
            } else if (status == 409) {
                refused++;
            }
        }
        pool.shutdown();
        assertThat(created).isEqualTo(37);
        assertThat(refused).isEqualTo(163);
        // A refusal changes nothing, so it is answered inside its batch without making it again.
        assertThat(metric("points_ledger_decision_batch_retried_total")).isEqualTo(retriedBefore);
        // The one lot's 370 points are all held: its expiry date still shows, with none left.
        asService().get("/api/v1/accounts/{m}", memberId).then().statusCode(200)
                .body("available", equalTo(0)).body("reserved", equalTo(370)).body("debt", equalTo(0))
                .body("expiring.size()", equalTo(1)).body("expiring[0].points", equalTo(0))
                .body("expiring[0].held", equalTo(370));
        // The 37 holds reach the log, and coming back from it they change nothing.
        assertThat(TopicReader.await(Topics.POINTS_LEDGER,
                r -> r.key().equals(memberId) && r.value().contains("\"points.reserved\""), 37,
                Duration.ofSeconds(60))).hasSize(37);
        asService().get("/api/v1/accounts/{m}/entries?limit=200", memberId).then().statusCode(200)
                .body("items.size()", equalTo(38));
        asService().get("/api/v1/accounts/{m}", memberId).then().body("available", equalTo(0)).body("reserved", equalTo(370));
    }

    @Test
    void concurrentHoldsCapturesAndRepeatsOnOneMemberAreEachDecidedOnce() throws Exception {
        // Concurrent decisions on one member are made in batches: repeats among them and captures
        // of holds made in the same batch must come out as if made one at a time.
        String memberId = credited(1_000);
        ExecutorService pool = Executors.newFixedThreadPool(40);
        List<Future<List<Integer>>> answers = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            String holdId = "h-" + (i % 40);
            answers.add(pool.submit(() -> {
                int held = asService().contentType(ContentType.JSON)
                        .body(Map.of("holdId", holdId, "points", 10, "reference", "r-" + holdId))
                        .post("/api/v1/accounts/{m}/holds", memberId).statusCode();
                int captured = asService().post("/api/v1/accounts/{m}/holds/{h}/capture", memberId, holdId).statusCode();
                return List.of(held, captured);
            }));
        }
        int holdsCreated = 0;
        int capturesCreated = 0;
        for (Future<List<Integer>> answer : answers) {
            List<Integer> statuses = answer.get();
            assertThat(statuses.get(0)).isIn(200, 201);
            assertThat(statuses.get(1)).isIn(200, 201);
            holdsCreated += statuses.get(0) == 201 ? 1 : 0;
            capturesCreated += statuses.get(1) == 201 ? 1 : 0;
        }
        pool.shutdown();
        assertThat(holdsCreated).isEqualTo(40);
        assertThat(capturesCreated).isEqualTo(40);
        asService().get("/api/v1/accounts/{m}", memberId).then().statusCode(200)
                .body("available", equalTo(600)).body("reserved", equalTo(0)).body("spent", equalTo(400));
        asService().get("/api/v1/accounts/{m}/entries?limit=200", memberId).then().statusCode(200)
                .body("items.size()", equalTo(81));
    }

    @Test
    void decisionsOnManyMembersAreMadeTogetherYetEachIsAnsweredOnItsOwn() throws Exception {
        // Decisions on different members share transactions (DecisionBatches): a refusal, an
        // unknown member or a repeat among them must not change what the others are answered.
        List<String> members = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            members.add(credited(100));
        }
        ExecutorService pool = Executors.newFixedThreadPool(48);
        List<Future<List<Integer>>> answers = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            for (String memberId : members) {
                String holdId = "h-" + round;
                answers.add(pool.submit(() -> {
                    int held = asService().contentType(ContentType.JSON)
                            .body(Map.of("holdId", holdId, "points", 30, "reference", "r-" + holdId))
                            .post("/api/v1/accounts/{m}/holds", memberId).statusCode();
                    int captured = asService().post("/api/v1/accounts/{m}/holds/{h}/capture", memberId, holdId).statusCode();
                    int again = asService().post("/api/v1/accounts/{m}/holds/{h}/capture", memberId, holdId).statusCode();
                    return List.of(held, captured, again);
                }));
            }
        }
        List<Future<Integer>> strays = new ArrayList<>();
        for (String memberId : members) {
            // More than the 100 points a member has: refused whatever else is decided beside it.
            strays.add(pool.submit(() -> asService().contentType(ContentType.JSON)
                    .body(Map.of("holdId", "too-much", "points", 101, "reference", "r"))
                    .post("/api/v1/accounts/{m}/holds", memberId).statusCode()));
            strays.add(pool.submit(() -> asService().contentType(ContentType.JSON)
                    .body(Map.of("holdId", "h-x", "points", 1, "reference", "r"))
                    .post("/api/v1/accounts/{m}/holds", "nobody-" + memberId).statusCode()));
        }
        for (Future<List<Integer>> answer : answers) {
            List<Integer> statuses = answer.get();
            assertThat(statuses.get(0)).isEqualTo(201);
            assertThat(statuses.get(1)).isEqualTo(201);
            assertThat(statuses.get(2)).isEqualTo(200);
        }
        for (int i = 0; i < strays.size(); i++) {
            assertThat(strays.get(i).get()).isEqualTo(i % 2 == 0 ? 409 : 404);
        }
        pool.shutdown();
        for (String memberId : members) {
            asService().get("/api/v1/accounts/{m}", memberId).then().statusCode(200)
                    .body("available", equalTo(10)).body("reserved", equalTo(0)).body("spent", equalTo(90));
            asService().get("/api/v1/accounts/{m}/entries?limit=20", memberId).then().statusCode(200)
                    .body("items.size()", equalTo(7));
        }
        assertThat(metric("points_ledger_decision_batch_size_max")).as("decisions were made in batches larger than one")
                .isGreaterThan(1);
    }

    /** A metric's value from /q/metrics (0 when it is not there yet). */
    static double metric(String name) {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).max().orElse(0);
    }

    /**
     * A member's token places at most points.rate-limit.permits holds (10) a minute for its member;
     * the next is 429 RATE_LIMITED with Retry-After and holds nothing. A service's calls for the same
     * member are not limited (redemption-service limits redemptions and payments itself).
     */
    @Test
    void aMembersTokenPlacesAtMostTenHoldsAMinute() {
        String memberId = credited(100);
        for (int i = 0; i < 10; i++) {
            asMember(memberId).contentType(ContentType.JSON).body(Map.of("holdId", "r-" + i, "points", 1))
                    .post("/api/v1/accounts/{m}/holds", memberId).then().statusCode(201);
        }
        asMember(memberId).contentType(ContentType.JSON).body(Map.of("holdId", "r-10", "points", 1))
                .post("/api/v1/accounts/{m}/holds", memberId).then().statusCode(429)
                .contentType("application/problem+json").body("code", equalTo("RATE_LIMITED"))
                .header("Retry-After", org.hamcrest.Matchers.matchesPattern("[1-9][0-9]*"));
        asService().post("/api/v1/holds/{h}/capture", "r-10").then().statusCode(404).body("code", equalTo("NOT_FOUND"));
        asService().get("/api/v1/accounts/{m}", memberId).then().body("reserved", equalTo(10))
                .body("available", equalTo(90));
        for (int i = 0; i < 12; i++) {
            asService().contentType(ContentType.JSON).body(Map.of("holdId", "s-" + i, "points", 1))
                    .post("/api/v1/accounts/{m}/holds", memberId).then().statusCode(201);
        }
        asService().get("/api/v1/accounts/{m}", memberId).then().body("reserved", equalTo(22));
        // Capturing and releasing its own holds is not limited: each hold is closed at most once.
        asMember(memberId).post("/api/v1/holds/{h}/release", "r-0").then().statusCode(201);
        asMember(memberId).post("/api/v1/holds/{h}/capture", "r-1").then().statusCode(201);
    }

    /**
     * A repeat of a hold id is the first hold only when it asks the same: another ttlSeconds is a
     * conflict like other points (until 2026-12-07 it answered 200 with the first hold, whose expiry
     * the caller did not ask for). A repeat without ttlSeconds asks the default (900), and matches a
     * first hold that got it, with or without saying so; the services' repeats send their TTL again.
     */
    @Test
    void aRepeatedHoldWithAnotherTtlIsAConflict() {
        String memberId = credited(100);
        asService().contentType(ContentType.JSON)
                .body(Map.of("holdId", "redemption:rd-ttl", "points", 10, "reference", "redemption:rd-ttl",
                        "ttlSeconds", 600))
                .post("/api/v1/accounts/{m}/holds", memberId).then().statusCode(201);
        asService().contentType(ContentType.JSON)
                .body(Map.of("holdId", "redemption:rd-ttl", "points", 10, "reference", "redemption:rd-ttl",
                        "ttlSeconds", 600))
                .post("/api/v1/accounts/{m}/holds", memberId).then().statusCode(200).body("points", equalTo(10));
        asService().contentType(ContentType.JSON)
                .body(Map.of("holdId", "redemption:rd-ttl", "points", 10, "reference", "redemption:rd-ttl",
                        "ttlSeconds", 60))
                .post("/api/v1/accounts/{m}/holds", memberId).then().statusCode(409)
                .contentType("application/problem+json").body("code", equalTo("HOLD_CONFLICT"));
        // Without ttlSeconds: the default, 900, which is not the first's 600.
        asService().contentType(ContentType.JSON)
                .body(Map.of("holdId", "redemption:rd-ttl", "points", 10, "reference", "redemption:rd-ttl"))
                .post("/api/v1/accounts/{m}/holds", memberId).then().statusCode(409)
                .body("code", equalTo("HOLD_CONFLICT"));

        // A first hold with the default: a repeat without ttlSeconds, or with 900, is the same hold.
        asMember(memberId).contentType(ContentType.JSON).body(Map.of("holdId", "h-default", "points", 5))
                .post("/api/v1/accounts/{m}/holds", memberId).then().statusCode(201);
        asMember(memberId).contentType(ContentType.JSON).body(Map.of("holdId", "h-default", "points", 5))
                .post("/api/v1/accounts/{m}/holds", memberId).then().statusCode(200);
        asMember(memberId).contentType(ContentType.JSON)
                .body(Map.of("holdId", "h-default", "points", 5, "ttlSeconds", 900))
                .post("/api/v1/accounts/{m}/holds", memberId).then().statusCode(200);
        asMember(memberId).contentType(ContentType.JSON)
                .body(Map.of("holdId", "h-default", "points", 5, "ttlSeconds", 901))
                .post("/api/v1/accounts/{m}/holds", memberId).then().statusCode(409)
                .body("code", equalTo("HOLD_CONFLICT"));
        // Nothing more was held by the repeats.
        asService().get("/api/v1/accounts/{m}", memberId).then().body("reserved", equalTo(15))
                .body("available", equalTo(85));
    }

    @Test
    void aHoldIsCapturedOrReleasedOnceAndRepeatsAnswerTheFirstResult() {
        // The member itself, in the app, as a redemption on its behalf would (asService) alike.
        String memberId = credited(100);
        Map<String, Object> hold = Map.of("holdId", "h-1", "points", 30, "reference", "redemption-1");
        asMember(memberId).contentType(ContentType.JSON).body(hold).post("/api/v1/accounts/{m}/holds", memberId)
                .then().statusCode(201).body("status", equalTo("OPEN")).body("allocations[0].points", equalTo(30));
        asMember(memberId).contentType(ContentType.JSON).body(hold).post("/api/v1/accounts/{m}/holds", memberId)
                .then().statusCode(200).body("points", equalTo(30));
        asMember(memberId).contentType(ContentType.JSON).body(Map.of("holdId", "h-1", "points", 31))
                .post("/api/v1/accounts/{m}/holds", memberId)
                .then().statusCode(409).contentType("application/problem+json").body("code", equalTo("HOLD_CONFLICT"));

        asMember(memberId).post("/api/v1/accounts/{m}/holds/h-1/capture", memberId).then().statusCode(201)
                .body("status", equalTo("CAPTURED")).body("reference", equalTo("redemption-1"));
        asMember(memberId).post("/api/v1/accounts/{m}/holds/h-1/capture", memberId).then().statusCode(200);
        // The refusal says how the hold closed, so a release that raced the capture knows the points were spent.
        asMember(memberId).post("/api/v1/accounts/{m}/holds/h-1/release", memberId).then().statusCode(409)
                .body("code", equalTo("HOLD_NOT_OPEN")).body("state", equalTo("CAPTURED"));

        asMember(memberId).contentType(ContentType.JSON).body(Map.of("holdId", "h-2", "points", 50))
                .post("/api/v1/accounts/{m}/holds", memberId).then().statusCode(201);
        asMember(memberId).post("/api/v1/accounts/{m}/holds/h-2/release", memberId).then().statusCode(201)
                .body("status", equalTo("RELEASED_CANCELLED"));
        asMember(memberId).post("/api/v1/accounts/{m}/holds/h-2/capture", memberId).then().statusCode(409)
                .body("code", equalTo("HOLD_NOT_OPEN")).body("state", equalTo("RELEASED"));

        asMember(memberId).contentType(ContentType.JSON).body(Map.of("holdId", "h-3", "points", 71))
                .post("/api/v1/accounts/{m}/holds", memberId).then().statusCode(409)
                .body("code", equalTo("INSUFFICIENT_POINTS"));
        asMember(memberId).get("/api/v1/accounts/{m}", memberId).then()
                .body("available", equalTo(70)).body("spent", equalTo(30)).body("reserved", equalTo(0));
        asMember(memberId).get("/api/v1/accounts/{m}/entries", memberId).then().statusCode(200)
                .body("items[0].type", equalTo("points.released"))
                .body("items.type", org.hamcrest.Matchers.contains("points.released", "points.reserved",
                        "points.spent", "points.reserved", "points.earned"));
    }

    @Test
    void badHoldsAreRefusedClearly() {
        String memberId = credited(10);
        asService().contentType(ContentType.JSON).body(Map.of("holdId", "h-x", "points", 0))
                .post("/api/v1/accounts/{m}/holds", memberId).then().statusCode(400)
                .body("code", equalTo("VALIDATION_FAILED"));
        asService().contentType(ContentType.JSON).body(Map.of("holdId", "h-x", "points", 1, "ttlSeconds", 999_999))
                .post("/api/v1/accounts/{m}/holds", memberId).then().statusCode(400)
                .body("code", equalTo("VALIDATION_FAILED"));
        asService().contentType(ContentType.JSON).body(Map.of("holdId", "h-x", "points", 1))
                .post("/api/v1/accounts/{m}/holds", "nobody-" + UUID.randomUUID()).then().statusCode(404)
                .body("code", equalTo("NOT_FOUND"));
        asService().post("/api/v1/accounts/{m}/holds/never/capture", memberId).then().statusCode(409)
                .body("code", equalTo("HOLD_NOT_OPEN")).body("$", org.hamcrest.Matchers.not(
                        org.hamcrest.Matchers.hasKey("state")));
    }

    @Test
    void aValueOfTheWrongKindIsRefusedNotConvertedAndNothingIsHeld() {
        // Each of these was once taken: 1.5 points held as 1, "2" as 2, 5 as the text "5", a blank
        // reference or one holding U+0000 failed with a 500, a misspelt property was dropped.
        String memberId = credited(10);
        Map<String, String> refused = Map.of(
                "{\"points\":1.5}", "points",
                "{\"points\":\"2\"}", "points",
                "{\"points\":1,\"ttlSeconds\":1.9}", "ttlSeconds",
                "{\"points\":1,\"reference\":5}", "reference",
                "{\"points\":1,\"reference\":\"\"}", "reference",
                "{\"points\":1,\"reference\":\" \"}", "reference",
                "{\"points\":1,\"reference\":\"a\\u0000b\"}", "reference",
                "{\"points\":1,\"reference\":\"a\\ud800b\"}", "reference",
                "{\"points\":1,\"ttlSecond\":60}", "ttlSecond");
        refused.forEach((body, field) -> asService().contentType(ContentType.JSON).body(body)
                .post("/api/v1/accounts/{m}/holds", memberId).then().statusCode(400)
                .contentType("application/problem+json")
                .body("code", equalTo("VALIDATION_FAILED"))
                .body("errors[0].field", equalTo(field)));
        asService().contentType(ContentType.JSON).body("{\"points\":1.5}").post("/api/v1/accounts/{m}/holds", memberId)
                .then().body("errors[0].message", equalTo("got 1.5, must be a whole number (a JSON number without a fraction)"));
        asService().get("/api/v1/accounts/{m}", memberId).then().statusCode(200)
                .body("available", equalTo(10)).body("reserved", equalTo(0));
        // The same hold written properly is taken.
        asService().contentType(ContentType.JSON).body("{\"points\":2,\"reference\":\"r 😀\"}")
                .post("/api/v1/accounts/{m}/holds", memberId).then().statusCode(201).body("points", equalTo(2));
    }

    /**
     * Snapshots are sent as the UTF-8 bytes of their text: a lot id beyond ASCII (ids from the log
     * are any text; only the REST edge limits them) comes back whole after a credit and a decision.
     */
    @Test
    void aLotIdBeyondAsciiComesBackWholeFromTheSnapshot() {
        String memberId = "m-" + UUID.randomUUID();
        String lotId = "lot-é中😀\"\\-" + UUID.randomUUID();
        Instant now = Instant.now();
        TestEvents.publish(Topics.POINTS_LEDGER, CloudEvent.of("points.earned:" + lotId, "/earning-service", memberId,
                now, new PointsEarned(memberId, lotId, 10, new Origin(OriginKind.ORDER, "o-" + lotId),
                        List.of(new BreakdownLine("base", 10)), now.minusSeconds(1), now.plus(Duration.ofDays(365)))));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asService().get("/api/v1/accounts/{m}", memberId)
                .then().statusCode(200).body("available", equalTo(10)));
        asService().contentType(ContentType.JSON).body("{\"points\":3}").post("/api/v1/accounts/{m}/holds", memberId)
                .then().statusCode(201).body("allocations[0].lotId", equalTo(lotId));
        asService().get("/api/v1/accounts/{m}", memberId).then().statusCode(200)
                .body("available", equalTo(7)).body("reserved", equalTo(3));
    }

    /**
     * The ledger keeps the accounts it saved in memory (AccountCache), and uses one only while the
     * row still has the version its save gave it. Here the row is written behind the ledger's back
     * (as another instance or a job would: another snapshot, a new version): the next decision must
     * see the empty account written there, not the 6 points kept in memory. The row is then put
     * back as it was (again with a new version), so the history and the account agree again.
     */
    @Test
    void anAccountWrittenElsewhereIsReadAgainNotTakenFromMemory() throws Exception {
        String memberId = credited(10);
        asService().contentType(ContentType.JSON).body("{\"points\":4}").post("/api/v1/accounts/{m}/holds", memberId)
                .then().statusCode(201);
        try (var c = DriverManager.getConnection(LocalPostgres.jdbcUrl(database), LocalPostgres.USER, LocalPostgres.PASSWORD)) {
            String saved = AccountSnapshots.toJson(AccountRows.current(c, memberId));
            AccountRows.write(c, memberId, AccountSnapshots.toJson(new Account(memberId)));
            asService().contentType(ContentType.JSON).body("{\"points\":5}").post("/api/v1/accounts/{m}/holds", memberId)
                    .then().statusCode(409).body("code", equalTo("INSUFFICIENT_POINTS"));

            AccountRows.write(c, memberId, saved);
        }
        asService().contentType(ContentType.JSON).body("{\"points\":5}").post("/api/v1/accounts/{m}/holds", memberId)
                .then().statusCode(201);
        asService().get("/api/v1/accounts/{m}", memberId).then().statusCode(200)
                .body("available", equalTo(1)).body("reserved", equalTo(9));
    }

    /** A member with {@code points} available, credited through the log as earning-service does. */
    static String credited(long points) {
        String memberId = "m-" + UUID.randomUUID();
        TestEvents.publish(Topics.POINTS_LEDGER, TestEvents.earned(memberId, points));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asService().get("/api/v1/accounts/{m}", memberId)
                .then().statusCode(200).body("available", equalTo((int) points)));
        return memberId;
    }
}
