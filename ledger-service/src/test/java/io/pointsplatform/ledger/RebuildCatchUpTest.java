package io.pointsplatform.ledger;

import static io.pointsplatform.ledger.Callers.asAdmin;
import static io.pointsplatform.ledger.Callers.asAnalyst;
import static io.pointsplatform.ledger.Callers.asService;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;

import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.Topics;
import io.pointsplatform.ledger.account.replay.LedgerRebuild;
import io.pointsplatform.testing.LocalPostgres;
import io.pointsplatform.testing.PlatformTestResource;
import io.pointsplatform.testing.TestEvents;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.ChannelRegistry;
import io.smallrye.reactive.messaging.PausableChannel;
import jakarta.inject.Inject;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A rebuild writes the accounts it replayed before it takes the lock and swaps. What the ledger
 * decides and the log brings in meanwhile (a capture of a hold made before, a new hold, a new
 * member's credit and hold) is folded in by the swap's catch-up, from the accounts read back from
 * the fresh table: nothing decided during a rebuild is lost, and the open holds are the live ones.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "ledger"))
class RebuildCatchUpTest {

    @Inject
    LedgerRebuild rebuild;

    @Inject
    ChannelRegistry channels;

    @ConfigProperty(name = "points.test.database")
    String database;

    @AfterEach
    void noMoreWaiting() {
        rebuild.beforeSwap(() -> Uni.createFrom().voidItem());
    }

    @Test
    void decisionsMadeDuringARebuildAreInTheAccountsSwappedIn() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String before = "catch-" + run + "-a";
        String newcomer = "catch-" + run + "-b";
        credit(before, 100);
        hold(before, "kept-open", 7).then().statusCode(201);
        hold(before, "captured-meanwhile", 10).then().statusCode(201);

        CompletableFuture<Void> release = new CompletableFuture<>();
        CompletableFuture<Response> rebuilt = rebuildHeldBeforeSwap(release);

        // Replayed and written, not yet swapped in: the ledger decides on as ever.
        asService().post("/api/v1/accounts/{m}/holds/{h}/capture", before, "captured-meanwhile").then().statusCode(201);
        hold(before, "opened-meanwhile", 5).then().statusCode(201);
        credit(newcomer, 50);
        hold(newcomer, "newcomer-hold", 20).then().statusCode(201);
        List<String> live = List.of(asService().get("/api/v1/accounts/{m}", before).asString(),
                asService().get("/api/v1/accounts/{m}", newcomer).asString());
        release.complete(null);

        rebuilt.get(120, TimeUnit.SECONDS).then().statusCode(200)
                // capture, hold, credit and hold; other tests' events may come in too
                .body("catchUpEvents", greaterThanOrEqualTo(4));
        asAnalyst().get("/api/v1/admin/verify").then().statusCode(200).body("mismatchCount", equalTo(0));
        assertThat(List.of(asService().get("/api/v1/accounts/{m}", before).asString(),
                asService().get("/api/v1/accounts/{m}", newcomer).asString())).isEqualTo(live);
        asService().get("/api/v1/accounts/{m}", before).then().body("available", equalTo(78)).body("reserved", equalTo(12));
        assertThat(openHoldRows(before, newcomer))
                .containsExactlyInAnyOrder("kept-open", "opened-meanwhile", "newcomer-hold");

        // The swapped-in holds are the ledger's to close, whenever they were made.
        asService().post("/api/v1/accounts/{m}/holds/{h}/release", before, "kept-open").then().statusCode(201);
        asService().post("/api/v1/accounts/{m}/holds/{h}/capture", newcomer, "newcomer-hold").then().statusCode(201);
        assertThat(openHoldRows(before, newcomer)).containsExactly("opened-meanwhile");
    }

    /**
     * A credit in the log that the live ledger has not applied yet when the rebuild swaps is left to
     * the live consumer: the catch-up folds only what the history records, so the credit counts once,
     * when the live consumer applies it, not also in the swapped-in account.
     */
    @Test
    void aCreditTheLiveLedgerHasYetToApplyIsLeftToIt() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String memberId = "catch-" + run + "-d";
        credit(memberId, 30);

        CompletableFuture<Void> release = new CompletableFuture<>();
        CompletableFuture<Response> rebuilt = rebuildHeldBeforeSwap(release);

        PausableChannel live = channels.getPausable("points-ledger");
        live.pause();
        // A batch already handed to the consumer finishes; after that it is given nothing more.
        Thread.sleep(1_000);
        CloudEvent late = TestEvents.earned(memberId, 25);
        TestEvents.publish(Topics.POINTS_LEDGER, late);
        String credit = late.id();
        Thread.sleep(2_000);
        try {
            assertThat(entries(credit)).as("held, the live ledger has not applied the credit").isZero();
            release.complete(null);
            rebuilt.get(120, TimeUnit.SECONDS).then().statusCode(200);
            // The swapped-in account is the history's: without the credit the live ledger has yet to apply.
            asService().get("/api/v1/accounts/{m}", memberId).then().statusCode(200).body("available", equalTo(30));
        } finally {
            release.complete(null);
            live.resume();
        }
        awaitAvailable(memberId, 55);
        assertThat(entries(credit)).isEqualTo(1);
        asAnalyst().get("/api/v1/admin/verify").then().statusCode(200).body("mismatchCount", equalTo(0));
        asService().get("/api/v1/accounts/{m}", memberId).then().statusCode(200).body("available", equalTo(55));
    }

    /**
     * A rebuild running on another instance of the ledger (its advisory lock held by another session)
     * refuses this one with 409 REBUILD_RUNNING, and changes nothing; once it is done, a rebuild runs.
     * Until 2026-12-07 only a flag in this process's memory guarded it, and a second rebuild sent to
     * another instance emptied the tables the first was about to swap in.
     */
    @Test
    void aRebuildRunningOnAnotherInstanceRefusesThisOne() throws Exception {
        String memberId = "catch-" + UUID.randomUUID().toString().substring(0, 8) + "-e";
        credit(memberId, 20);
        try (var other = DriverManager.getConnection(LocalPostgres.jdbcUrl(database), LocalPostgres.USER,
                LocalPostgres.PASSWORD)) {
            try (var s = other.prepareStatement("select pg_advisory_lock(hashtextextended(?, 0))")) {
                s.setString(1, LedgerRebuild.REBUILD_LOCK);
                s.execute();
            }
            // A rebuild table the other instance is writing: this one must not touch it.
            other.createStatement().execute("drop table if exists member_points_rebuild");
            other.createStatement().execute("create table member_points_rebuild (like member_points including all)");
            other.createStatement().execute("insert into member_points_rebuild select * from member_points");
            asAdmin().post("/api/v1/admin/rebuild").then().statusCode(409)
                    .contentType("application/problem+json").body("code", equalTo("REBUILD_RUNNING"));
            try (var rows = other.createStatement().executeQuery("select count(*) from member_points_rebuild")) {
                rows.next();
                assertThat(rows.getLong(1)).as("the other instance's rebuild table, untouched").isPositive();
            }
            asService().get("/api/v1/accounts/{m}", memberId).then().statusCode(200).body("available", equalTo(20));
            other.createStatement().execute("drop table member_points_rebuild");
        }
        // The other session ended, and its lock with it.
        asAdmin().post("/api/v1/admin/rebuild").then().statusCode(200);
        asAdmin().post("/api/v1/admin/rebuild").then().statusCode(200);
        asService().get("/api/v1/accounts/{m}", memberId).then().statusCode(200).body("available", equalTo(20));
    }

    @Test
    void aLogThatLacksPartOfTheHistoryIsNotRebuiltFrom() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String memberId = "catch-" + run + "-c";
        credit(memberId, 40);
        // The history holds an event the log does not (as after pointing the ledger at a new Kafka
        // cluster). Its seq is below every snapshot's position (V9): an entry of long ago, in the
        // account's snapshot already, so only the history's count shows it.
        String missing = "points.earned:never-published-" + run;
        try (var c = DriverManager.getConnection(LocalPostgres.jdbcUrl(database), LocalPostgres.USER, LocalPostgres.PASSWORD)) {
            try (var s = c.prepareStatement("insert into entry (seq, member_id, event_id, type, points, reference, event,"
                    + " occurred_at) values (-1, ?, ?, 'points.earned', 1, '', '{}', now())")) {
                s.setString(1, memberId);
                s.setString(2, missing);
                assertThat(s.executeUpdate()).isEqualTo(1);
            }
            asAdmin().post("/api/v1/admin/rebuild").then().statusCode(409)
                    .contentType("application/problem+json").body("code", equalTo("LOG_INCOMPLETE"));
            // Nothing was swapped: the live accounts answer as before, and holds are still decided.
            asService().get("/api/v1/accounts/{m}", memberId).then().statusCode(200).body("available", equalTo(40));
            hold(memberId, "after-refusal", 3).then().statusCode(201);

            try (var s = c.prepareStatement("delete from entry where event_id = ?")) {
                s.setString(1, missing);
                assertThat(s.executeUpdate()).isEqualTo(1);
            }
        }
        asAdmin().post("/api/v1/admin/rebuild").then().statusCode(200);
        asService().get("/api/v1/accounts/{m}", memberId).then().statusCode(200).body("available", equalTo(37))
                .body("reserved", equalTo(3));
    }

    private static Response hold(String memberId, String holdId, int points) {
        return asService().contentType(ContentType.JSON).body(Map.of("holdId", holdId, "points", points))
                .post("/api/v1/accounts/{m}/holds", memberId);
    }

    /** Publishes a credit of {@code points} to a member with no other points and waits until the live ledger applied it. */
    private static void credit(String memberId, int points) {
        TestEvents.publish(Topics.POINTS_LEDGER, TestEvents.earned(memberId, points));
        awaitAvailable(memberId, points);
    }

    private static void awaitAvailable(String memberId, int points) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                asService().get("/api/v1/accounts/{m}", memberId).then().statusCode(200).body("available", equalTo(points)));
    }

    /** Starts a rebuild and returns once it has replayed and written, held before its swap until {@code release}. */
    private CompletableFuture<Response> rebuildHeldBeforeSwap(CompletableFuture<Void> release) throws Exception {
        CompletableFuture<Void> reached = new CompletableFuture<>();
        rebuild.beforeSwap(() -> {
            reached.complete(null);
            return Uni.createFrom().completionStage(release);
        });
        CompletableFuture<Response> rebuilt = CompletableFuture.supplyAsync(() -> asAdmin().post("/api/v1/admin/rebuild"));
        reached.get(120, TimeUnit.SECONDS);
        return rebuilt;
    }

    /** How many history entries the event has (0 before the live ledger applies it, 1 after). */
    private long entries(String eventId) throws Exception {
        try (var c = DriverManager.getConnection(LocalPostgres.jdbcUrl(database), LocalPostgres.USER, LocalPostgres.PASSWORD);
             var s = c.prepareStatement("select count(*) from entry where event_id = ?")) {
            s.setString(1, eventId);
            try (var rows = s.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    /** The hold ids in the hold table (the TTL job's list) of these members. */
    private List<String> openHoldRows(String... members) throws Exception {
        try (var c = DriverManager.getConnection(LocalPostgres.jdbcUrl(database), LocalPostgres.USER, LocalPostgres.PASSWORD);
             var s = c.prepareStatement("select hold_id from hold where member_id = any(?)")) {
            s.setArray(1, c.createArrayOf("text", members));
            List<String> ids = new ArrayList<>();
            try (var rows = s.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getString(1));
                }
            }
            return ids;
        }
    }
}
