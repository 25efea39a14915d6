package io.pointsplatform.catalog;

import static io.pointsplatform.catalog.CatalogueTest.asAdmin;
import static io.pointsplatform.catalog.CatalogueTest.body;
import static io.pointsplatform.catalog.CatalogueTest.id;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import io.pointsplatform.catalog.reward.model.LimitPeriod;
import io.pointsplatform.catalog.reward.service.RewardService;
import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.EventCodec;
import io.pointsplatform.events.RewardUpserted;
import io.pointsplatform.events.StockChanged;
import io.pointsplatform.events.Topics;
import io.pointsplatform.testing.PlatformTestResource;
import io.pointsplatform.testing.TestEvents;
import io.pointsplatform.testing.Tokens;
import io.pointsplatform.testing.TopicReader;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/** Stock reservations through HTTP and PostgreSQL: atomic, never below zero, limits under concurrency, expiry. */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "catalog"))
class ReservationTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final EventCodec codec = new EventCodec();

    @Inject
    Pool pool;

    @Inject
    RewardService catalogue;

    private static RequestSpecification asService() {
        return given().auth().oauth2(Tokens.service()).contentType(ContentType.JSON);
    }

    private static String path(String rewardId) {
        return "/api/v1/rewards/" + rewardId + "/reservations";
    }

    private static String reservation(String reservationId, String memberId, int quantity, String extra) {
        return "{\"reservationId\":\"" + reservationId + "\",\"memberId\":\"" + memberId + "\",\"quantity\":" + quantity
                + (extra == null ? "" : "," + extra) + "}";
    }

    private static Response reserve(String rewardId, String reservationId, String memberId, int quantity) {
        return asService().body(reservation(reservationId, memberId, quantity, null)).post(path(rewardId));
    }

    private static Response act(String rewardId, String reservationId, String action) {
        return given().auth().oauth2(Tokens.service()).post(path(rewardId) + "/" + reservationId + "/" + action);
    }

    private static long stock(String rewardId) {
        return given().auth().oauth2(Tokens.admin()).get("/api/v1/rewards/" + rewardId).then().statusCode(200)
                .extract().jsonPath().getLong("stock");
    }

    /** Runs {@code calls} requests at once from as many threads, released together; their answers in order. */
    private static List<Response> atOnce(int calls, IntFunction<Response> call) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(calls);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Response>> answers = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                int n = i;
                Callable<Response> task = () -> {
                    start.await();
                    return call.apply(n);
                };
                answers.add(threads.submit(task));
            }
            start.countDown();
            List<Response> done = new ArrayList<>();
            for (Future<Response> answer : answers) {
                done.add(answer.get());
            }
            return done;
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void fiftyConcurrentReservationsOfAStockOfTenReserveExactlyTenAndStockNeverGoesBelowZero() throws Exception {
        String rewardId = id("r-flash");
        asAdmin().body(body(rewardId, "GIFT", null)).post("/api/v1/rewards").then().statusCode(201);

        List<Response> answers = atOnce(50, n -> reserve(rewardId, rewardId + "-res-" + n, "m-flash-" + n, 1));

        assertThat(answers).filteredOn(a -> a.statusCode() == 201).hasSize(10)
                .allSatisfy(a -> assertThat(a.jsonPath().getString("status")).isEqualTo("RESERVED"));
        assertThat(answers).filteredOn(a -> a.statusCode() != 201)
                .allSatisfy(a -> {
                    assertThat(a.statusCode()).isEqualTo(409);
                    assertThat(a.jsonPath().getString("code")).isEqualTo("OUT_OF_STOCK");
                });
        assertThat(stock(rewardId)).isZero();
        // created, then ten levels 9..0, each once, none negative, each followed by the reward as it
        // now is (what compaction keeps: the last record is the whole reward at stock 0).
        List<CloudEvent> published = TopicReader.awaitKey(Topics.CATALOG_REWARDS, rewardId, 21).stream()
                .map(r -> codec.read(r.value())).toList();
        assertThat(published).filteredOn(e -> e.data() instanceof StockChanged)
                .extracting(e -> ((StockChanged) e.data()).stock())
                .containsExactly(9L, 8L, 7L, 6L, 5L, 4L, 3L, 2L, 1L, 0L);
        assertThat(published.get(20).data()).isInstanceOfSatisfying(RewardUpserted.class,
                last -> assertThat(last.stock()).isZero());
    }

    /**
     * A reservation of limited stock is one statement that writes the reward's events from the
     * reward as read, with only its id's version and stock from the row (ReservationRepository
     * INSERT_TAKING): a change of the definition committed between the read and the take (here a
     * rename, held in a transaction while the reservation waits on the row) makes the statement take
     * nothing, and the reservation is made again from a new read, so its reward.upserted names the
     * reward as it now is, never as it was.
     */
    @Test
    void aReservationWaitingWhileItsRewardIsRenamedPublishesTheRewardAsItNowIs() throws Exception {
        String rewardId = id("r-renamed-meanwhile");
        asAdmin().body(body(rewardId, "GIFT", null)).post("/api/v1/rewards").then().statusCode(201);
        ExecutorService threads = Executors.newSingleThreadExecutor();
        SqlConnection other = pool.getConnection().await().atMost(WAIT);
        try {
            Transaction holding = other.begin().await().atMost(WAIT);
            other.preparedQuery("update reward set name = 'Renamed', version = version + 1 where reward_id = $1")
                    .execute(Tuple.of(rewardId)).await().atMost(WAIT);
            Future<Response> reservation = threads.submit(() -> reserve(rewardId, id("res"), id("m-renamed"), 1));
            awaitAnsweredOrWaiting(reservation, "with taken as");
            holding.commit().await().atMost(WAIT);
            reservation.get(WAIT.toSeconds(), TimeUnit.SECONDS).then().statusCode(201).body("status", equalTo("RESERVED"));
        } finally {
            other.close().await().atMost(WAIT);
            threads.shutdownNow();
        }
        assertThat(stock(rewardId)).isEqualTo(9);
        List<CloudEvent> published = TopicReader.awaitKey(Topics.CATALOG_REWARDS, rewardId, 3).stream()
                .map(r -> codec.read(r.value())).toList();
        assertThat(published.get(1).id()).isEqualTo("stock.changed:" + rewardId + ":3");
        assertThat(published.get(1).data()).isInstanceOfSatisfying(StockChanged.class, s -> assertThat(s.stock()).isEqualTo(9L));
        assertThat(published.get(2).id()).isEqualTo("reward.upserted:" + rewardId + ":3");
        assertThat(published.get(2).data()).isInstanceOfSatisfying(RewardUpserted.class, r -> {
            assertThat(r.name()).isEqualTo("Renamed");
            assertThat(r.stock()).isEqualTo(9L);
        });
    }

    @Test
    void oneReservationIdSentManyTimesAtOnceReservesOnceAndEveryoneGetsTheSameReservation() throws Exception {
        String rewardId = id("r-same-id");
        String res = id("res");
        asAdmin().body(body(rewardId, "GIFT", null)).post("/api/v1/rewards").then().statusCode(201);

        List<Response> answers = atOnce(20, n -> reserve(rewardId, res, "m-same", 2));

        assertThat(answers).filteredOn(a -> a.statusCode() == 201).hasSize(1);
        assertThat(answers).allSatisfy(a -> {
            assertThat(a.statusCode()).isIn(200, 201);
            assertThat(a.jsonPath().getString("reservationId")).isEqualTo(res);
            assertThat(a.jsonPath().getString("expiresAt")).isEqualTo(answers.get(0).jsonPath().getString("expiresAt"));
        });
        assertThat(stock(rewardId)).isEqualTo(8);
    }

    @Test
    void concurrentDrawsNeverTakeAPrizeBeyondItsStock() throws Exception {
        String rewardId = id("r-draws");
        asAdmin().body("{\"rewardId\":\"" + rewardId + "\",\"name\":\"Draw\",\"kind\":\"LOTTERY\",\"pointsCost\":5,"
                + "\"stock\":30,\"prizes\":[{\"prizeId\":\"tv\",\"name\":\"TV\",\"odds\":1,\"stock\":3}]}")
                .post("/api/v1/rewards").then().statusCode(201);

        List<Response> answers = atOnce(20, n -> reserve(rewardId, rewardId + "-" + n, "m-draw-" + n, 1));

        assertThat(answers).allSatisfy(a -> assertThat(a.statusCode()).isEqualTo(201));
        assertThat(answers).filteredOn(a -> "tv".equals(a.jsonPath().getString("lottery.prizeId"))).hasSize(3);
        given().auth().oauth2(Tokens.admin()).get("/api/v1/rewards/" + rewardId).then()
                .body("prizes[0].stock", equalTo(0)).body("stock", equalTo(10));
        for (Response answer : answers) {
            given().auth().oauth2(Tokens.analyst())
                    .get("/api/v1/rewards/" + rewardId + "/draws/" + answer.jsonPath().getString("reservationId"))
                    .then().statusCode(200).body("matches", equalTo(true));
        }
    }

    @Test
    void aMembersLimitHoldsUnderConcurrencyAndComesBackOnRelease() throws Exception {
        String rewardId = id("r-limit");
        String member = id("m-limit");
        asAdmin().body(body(rewardId, "GIFT", "\"perMemberLimit\":{\"count\":3,\"period\":\"DAY\"}")
                .replace("\"stock\":10", "\"stock\":100")).post("/api/v1/rewards").then().statusCode(201);

        List<Response> answers = atOnce(20, n -> reserve(rewardId, rewardId + "-" + n, member, 1));

        List<Response> reserved = answers.stream().filter(a -> a.statusCode() == 201).toList();
        assertThat(reserved).hasSize(3);
        assertThat(answers).filteredOn(a -> a.statusCode() != 201)
                .allSatisfy(a -> assertThat(a.jsonPath().getString("code")).isEqualTo("LIMIT_REACHED"));
        assertThat(stock(rewardId)).isEqualTo(97);
        // Two units at once pass the limit too; another member has a limit of its own.
        reserve(rewardId, id("res"), member, 2).then().statusCode(409).body("code", equalTo("LIMIT_REACHED"));
        reserve(rewardId, id("res"), id("m-other"), 3).then().statusCode(201);
        // More at once than the limit allows is refused whole, and says so.
        reserve(rewardId, id("res"), id("m-greedy"), 4).then().statusCode(409).body("code", equalTo("LIMIT_REACHED"))
                .body("detail", containsString("may not take 4 more")).body("detail", containsString("the limit is 3 a DAY"));

        String first = reserved.get(0).jsonPath().getString("reservationId");
        act(rewardId, first, "release").then().statusCode(200).body("status", equalTo("RELEASED"));
        reserve(rewardId, id("res"), member, 1).then().statusCode(201);
        reserve(rewardId, id("res"), member, 1).then().statusCode(409).body("code", equalTo("LIMIT_REACHED"));
    }

    /**
     * A limit set on a reward already reserved, or given another period, counts what members hold
     * already: each reservation in the period it was made in. Until 2026-12-06 counting started
     * afresh, so "1 a LIFETIME" set on a reward a member had redeemed twice let them redeem once more,
     * and a DAY limit made a LIFETIME one forgot today's units. Only the count changing keeps the counts.
     */
    @Test
    void aLimitSetOrChangedLaterCountsWhatMembersAlreadyHold() {
        String rewardId = id("r-later-limit");
        String member = id("m-later");
        String gift = body(rewardId, "GIFT", null);
        asAdmin().body(gift).post("/api/v1/rewards").then().statusCode(201);
        reserve(rewardId, rewardId + "-a", member, 1).then().statusCode(201);
        reserve(rewardId, rewardId + "-b", member, 1).then().statusCode(201);
        act(rewardId, rewardId + "-b", "confirm").then().statusCode(200);
        reserve(rewardId, rewardId + "-c", member, 1).then().statusCode(201);
        act(rewardId, rewardId + "-c", "release").then().statusCode(200);

        // Two held (one reserved, one confirmed; the released one does not count): a limit of 2 is reached.
        asAdmin().body(body(rewardId, "GIFT", "\"perMemberLimit\":{\"count\":2,\"period\":\"DAY\"}"))
                .put("/api/v1/rewards/" + rewardId).then().statusCode(200);
        reserve(rewardId, id("res"), member, 1).then().statusCode(409).body("code", equalTo("LIMIT_REACHED"));
        reserve(rewardId, id("res"), id("m-new"), 2).then().statusCode(201);
        given().auth().oauth2(Tokens.admin()).queryParam("memberId", member).get("/api/v1/rewards/" + rewardId)
                .then().body("eligibility.reasons", hasItem("LIMIT_REACHED"));
        // Another period, then only another count: still counted.
        asAdmin().body(body(rewardId, "GIFT", "\"perMemberLimit\":{\"count\":2,\"period\":\"LIFETIME\"}"))
                .put("/api/v1/rewards/" + rewardId).then().statusCode(200);
        reserve(rewardId, id("res"), member, 1).then().statusCode(409).body("code", equalTo("LIMIT_REACHED"));
        asAdmin().body(body(rewardId, "GIFT", "\"perMemberLimit\":{\"count\":3,\"period\":\"LIFETIME\"}"))
                .put("/api/v1/rewards/" + rewardId).then().statusCode(200);
        reserve(rewardId, rewardId + "-d", member, 1).then().statusCode(201);
        reserve(rewardId, id("res"), member, 1).then().statusCode(409).body("code", equalTo("LIMIT_REACHED"));
        // A release gives its unit back under the new period's count.
        act(rewardId, rewardId + "-a", "release").then().statusCode(200);
        reserve(rewardId, id("res"), member, 1).then().statusCode(201);
        // The limit taken off, and set again: counted again.
        asAdmin().body(gift).put("/api/v1/rewards/" + rewardId).then().statusCode(200);
        reserve(rewardId, rewardId + "-e", member, 1).then().statusCode(201);
        asAdmin().body(body(rewardId, "GIFT", "\"perMemberLimit\":{\"count\":4,\"period\":\"MONTH\"}"))
                .put("/api/v1/rewards/" + rewardId).then().statusCode(200);
        reserve(rewardId, id("res"), member, 1).then().statusCode(409).body("code", equalTo("LIMIT_REACHED"));
    }

    /**
     * A create sent again is the same reward after its stock moved or it was retired: 200 with the
     * reward as it is now. Until 2026-12-06 the repeat was compared with the stock and status of
     * now and answered 409 REWARD_CONFLICT, and a script that then PUT the same definition reset
     * the stock. Before anything moved, another stock is still a conflict; another name always is.
     */
    @Test
    void aCreateSentAgainAfterItsStockMovedIsTheSameReward() {
        String rewardId = id("r-again");
        String gift = body(rewardId, "GIFT", null);
        asAdmin().body(gift).post("/api/v1/rewards").then().statusCode(201);
        asAdmin().body(gift.replace("\"stock\":10", "\"stock\":11")).post("/api/v1/rewards").then().statusCode(409)
                .body("code", equalTo("REWARD_CONFLICT"));
        reserve(rewardId, rewardId + "-a", "m-again", 1).then().statusCode(201);
        asAdmin().body(gift).post("/api/v1/rewards").then().statusCode(200).body("stock", equalTo(9));
        asAdmin().body(gift.replace("\"A gift\"", "\"Another gift\"")).post("/api/v1/rewards").then().statusCode(409)
                .body("code", equalTo("REWARD_CONFLICT"));
        asAdmin().post("/api/v1/rewards/" + rewardId + "/retire").then().statusCode(200);
        asAdmin().body(gift).post("/api/v1/rewards").then().statusCode(200).body("status", equalTo("RETIRED"))
                .body("stock", equalTo(9));
        // Its open reservation still settles; the reward's last record stays reward.retired.
        act(rewardId, rewardId + "-a", "release").then().statusCode(200);
        List<CloudEvent> published = TopicReader.awaitKey(Topics.CATALOG_REWARDS, rewardId, 6).stream()
                .map(r -> codec.read(r.value())).toList();
        assertThat(published).extracting(CloudEvent::type).containsExactly("reward.upserted", "stock.changed",
                "reward.upserted", "reward.retired", "stock.changed", "reward.retired");
    }

    @Test
    void repeatsAreIdempotentAndEachStepRefusesWhatDoesNotFollow() {
        String rewardId = id("r-idem");
        String res = id("res");
        asAdmin().body(body(rewardId, "GIFT", null)).post("/api/v1/rewards").then().statusCode(201);
        Map<String, Object> first = reserve(rewardId, res, "m-idem", 2).then().statusCode(201)
                .body("pointsCost", equalTo(1600)).body("kind", equalTo("GIFT")).body("expiresAt", notNullValue())
                .extract().jsonPath().getMap("");
        Map<String, Object> again = reserve(rewardId, res, "m-idem", 2).then().statusCode(200).extract().jsonPath().getMap("");
        assertThat(again).isEqualTo(first);
        reserve(rewardId, res, "m-idem", 3).then().statusCode(409).body("code", equalTo("RESERVATION_CONFLICT"));
        reserve(rewardId, res, "m-other", 2).then().statusCode(409).body("code", equalTo("RESERVATION_CONFLICT"));
        assertThat(stock(rewardId)).isEqualTo(8);

        act(rewardId, res, "return").then().statusCode(409).body("code", equalTo("RESERVATION_NOT_CONFIRMED"));
        act(rewardId, res, "confirm").then().statusCode(200).body("status", equalTo("CONFIRMED"));
        act(rewardId, res, "confirm").then().statusCode(200).body("status", equalTo("CONFIRMED"));
        act(rewardId, res, "release").then().statusCode(409).body("code", equalTo("RESERVATION_CONFIRMED"));
        assertThat(stock(rewardId)).isEqualTo(8);
        act(rewardId, res, "return").then().statusCode(200).body("status", equalTo("RETURNED"));
        act(rewardId, res, "return").then().statusCode(200).body("status", equalTo("RETURNED"));
        assertThat(stock(rewardId)).isEqualTo(10);
        act(rewardId, res, "confirm").then().statusCode(409).body("code", equalTo("RESERVATION_RETURNED"));

        String released = id("res");
        reserve(rewardId, released, "m-idem", 1).then().statusCode(201);
        act(rewardId, released, "release").then().statusCode(200).body("status", equalTo("RELEASED"));
        act(rewardId, released, "release").then().statusCode(200).body("status", equalTo("RELEASED"));
        act(rewardId, released, "confirm").then().statusCode(409).body("code", equalTo("RESERVATION_RELEASED"));
        assertThat(stock(rewardId)).isEqualTo(10);
        given().auth().oauth2(Tokens.analyst()).get(path(rewardId) + "/" + released).then().statusCode(200)
                .body("status", equalTo("RELEASED"));
        given().auth().oauth2(Tokens.analyst()).get(path(id("r-other")) + "/" + released).then().statusCode(404);
    }

    @Test
    void aRepeatIsAnsweredWithTheReservationItMadeWhereANewAttemptWouldBeRefused() {
        // The last unit, one a member a day: after it, a new attempt is refused (stock and limit), a repeat is not.
        String last = id("r-last");
        asAdmin().body(body(last, "GIFT", "\"perMemberLimit\":{\"count\":1,\"period\":\"DAY\"}")
                .replace("\"stock\":10", "\"stock\":1")).post("/api/v1/rewards").then().statusCode(201);
        String res = id("res");
        Map<String, Object> first = reserve(last, res, "m-last", 1).then().statusCode(201).extract().jsonPath().getMap("");
        assertThat(reserve(last, res, "m-last", 1).then().statusCode(200).extract().jsonPath().<String, Object>getMap(""))
                .isEqualTo(first);
        // A refusal names the reward, so that whoever keeps it (a failed redemption, its notice) can say which.
        reserve(last, id("res"), "m-last-2", 1).then().statusCode(409).contentType("application/problem+json")
                .body("code", equalTo("OUT_OF_STOCK")).body("rewardName", equalTo("A gift"))
                .body("type", equalTo("urn:points:problem:out-of-stock")).body("$", not(hasKey("reasons")));
        // Both refuse a new attempt of the member: the documented order says the limit.
        reserve(last, id("res"), "m-last", 1).then().statusCode(409).body("code", equalTo("LIMIT_REACHED"))
                .body("rewardName", equalTo("A gift"));
        reserve(last, res, "m-other", 1).then().statusCode(409).body("code", equalTo("RESERVATION_CONFLICT"));
        act(last, res, "confirm").then().statusCode(200).body("status", equalTo("CONFIRMED"));
        assertThat(stock(last)).isZero();

        // Unlimited, no limit: the reservation is one statement; retired, a new attempt is refused, a repeat is not.
        String open = id("r-open");
        asAdmin().body(body(open, "GIFT", null).replace("\"stock\":10", "\"stock\":null")).post("/api/v1/rewards")
                .then().statusCode(201);
        String mine = id("res");
        Map<String, Object> made = reserve(open, mine, "m-open", 2).then().statusCode(201).body("status", equalTo("RESERVED"))
                .body("pointsCost", equalTo(1600)).extract().jsonPath().getMap("");
        asAdmin().post("/api/v1/rewards/" + open + "/retire").then().statusCode(200);
        assertThat(reserve(open, mine, "m-open", 2).then().statusCode(200).extract().jsonPath().<String, Object>getMap(""))
                .isEqualTo(made);
        reserve(open, id("res"), "m-open", 1).then().statusCode(422).body("reasons", equalTo(List.of("RETIRED")));
        act(open, mine, "confirm").then().statusCode(200).body("status", equalTo("CONFIRMED"));
        act(open, mine, "confirm").then().statusCode(200).body("status", equalTo("CONFIRMED"));
        act(open, mine, "release").then().statusCode(409).body("code", equalTo("RESERVATION_CONFIRMED"));
    }

    @Test
    void aReservationPastItsTtlIsReleasedByTheJobAndCannotBeConfirmed() {
        String rewardId = id("r-ttl");
        String res = id("res");
        asAdmin().body(body(rewardId, "GIFT", "\"perMemberLimit\":{\"count\":1,\"period\":\"LIFETIME\"}"))
                .post("/api/v1/rewards").then().statusCode(201);
        asService().body(reservation(res, "m-ttl", 4, "\"ttlSeconds\":1")).post(path(rewardId)).then().statusCode(409)
                .body("code", equalTo("LIMIT_REACHED"));
        asService().body(reservation(res, "m-ttl", 1, "\"ttlSeconds\":1")).post(path(rewardId)).then().statusCode(201);
        assertThat(stock(rewardId)).isEqualTo(9);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().auth().oauth2(Tokens.admin())
                .get(path(rewardId) + "/" + res).then().body("status", equalTo("EXPIRED")));
        assertThat(stock(rewardId)).isEqualTo(10);
        act(rewardId, res, "confirm").then().statusCode(409).body("code", equalTo("RESERVATION_EXPIRED"));
        act(rewardId, res, "release").then().statusCode(200).body("status", equalTo("EXPIRED"));
        // The limit came back with the stock.
        reserve(rewardId, id("res"), "m-ttl", 1).then().statusCode(201);
    }

    @Test
    void aCouponsCodeIsTakenAtReservationShownAtConfirmAndVoidedOnReturn() {
        String rewardId = id("r-coupon");
        asAdmin().body(body(rewardId, "COUPON", null)).post("/api/v1/rewards").then().statusCode(201);
        String a = rewardId + "-A";
        String b = rewardId + "-B";
        given().auth().oauth2(Tokens.admin()).contentType("text/csv").body("code\n" + a + "\n" + b + "\n")
                .post("/api/v1/rewards/" + rewardId + "/coupon-codes").then().statusCode(200)
                .body("imported", equalTo(2)).body("stock", equalTo(2));

        String first = id("res");
        reserve(rewardId, first, "m-c", 1).then().statusCode(201).body("couponCode", nullValue());
        String second = id("res");
        reserve(rewardId, second, "m-c", 1).then().statusCode(201);
        reserve(rewardId, id("res"), "m-c", 1).then().statusCode(409).body("code", equalTo("OUT_OF_STOCK"));
        act(rewardId, second, "release").then().statusCode(200);
        assertThat(stock(rewardId)).isEqualTo(1);
        act(rewardId, first, "confirm").then().statusCode(200).body("couponCode", equalTo(a));
        act(rewardId, first, "return").then().statusCode(200).body("status", equalTo("RETURNED"));
        assertThat(stock(rewardId)).as("a returned code is void, not stock").isEqualTo(1);
        String third = id("res");
        reserve(rewardId, third, "m-c", 1).then().statusCode(201);
        act(rewardId, third, "confirm").then().statusCode(200).body("couponCode", equalTo(b));
        assertThat(stock(rewardId)).isZero();
    }

    @Test
    void aCouponIsReservedOneCodeAtATimeAndACodeNeverDeliveredIsIssuedAgain() {
        String rewardId = id("r-coupon-once");
        asAdmin().body(body(rewardId, "COUPON", null)).post("/api/v1/rewards").then().statusCode(201);
        String code = rewardId + "-A";
        given().auth().oauth2(Tokens.admin()).contentType("text/csv").body("code\n" + code + "\n" + rewardId + "-B\n")
                .post("/api/v1/rewards/" + rewardId + "/coupon-codes").then().statusCode(200).body("stock", equalTo(2));

        // Two units would be priced twice for the one code a reservation takes.
        reserve(rewardId, id("res"), "m-c2", 2).then().statusCode(400).body("code", equalTo("VALIDATION_FAILED"))
                .body("detail", containsString("quantity")).body("rewardName", equalTo("A coupon"));
        assertThat(stock(rewardId)).isEqualTo(2);

        // Confirmed, then its redemption failed (the member's hold lapsed): no one saw the code.
        String first = id("res");
        reserve(rewardId, first, "m-c2", 1).then().statusCode(201);
        act(rewardId, first, "confirm").then().statusCode(200).body("couponCode", equalTo(code));
        act(rewardId, first, "return?undelivered=true").then().statusCode(200).body("status", equalTo("RETURNED"));
        assertThat(stock(rewardId)).as("the code and its unit back").isEqualTo(2);
        String again = id("res");
        reserve(rewardId, again, "m-c3", 1).then().statusCode(201);
        act(rewardId, again, "confirm").then().statusCode(200).body("couponCode", equalTo(code));
        // A cancel's return after the member saw it voids it, whatever a repeat says.
        act(rewardId, again, "return").then().statusCode(200);
        act(rewardId, again, "return?undelivered=true").then().statusCode(200).body("status", equalTo("RETURNED"));
        assertThat(stock(rewardId)).isEqualTo(1);
    }

    @Test
    void aLotteryDrawsFromARecordedSeedThatAnAuditorCanRunAgain() {
        String rewardId = id("r-lottery");
        asAdmin().body("{\"rewardId\":\"" + rewardId + "\",\"name\":\"Draw\",\"kind\":\"LOTTERY\",\"pointsCost\":50,"
                + "\"prizes\":[{\"prizeId\":\"mug\",\"name\":\"Mug\",\"odds\":1,\"stock\":1}]}")
                .post("/api/v1/rewards").then().statusCode(201);
        String won = id("res");
        given().auth().oauth2(Tokens.admin()).contentType(ContentType.JSON)
                .body(reservation(won, "m-l", 1, "\"seed\":\"chosen-seed\"")).post(path(rewardId))
                .then().statusCode(201).body("lottery.seed", equalTo("chosen-seed"))
                .body("lottery.prizeId", equalTo("mug")).body("pointsCost", equalTo(50));
        // The only prize is gone: its share is now no prize.
        String lost = id("res");
        reserve(rewardId, lost, "m-l", 1).then().statusCode(201).body("lottery.prizeId", nullValue())
                .body("lottery.seed", notNullValue()).body("status", equalTo("RESERVED"));
        given().auth().oauth2(Tokens.analyst()).get("/api/v1/rewards/" + rewardId + "/draws/" + won).then()
                .statusCode(200).body("seed", equalTo("chosen-seed")).body("recorded.prizeId", equalTo("mug"))
                .body("rerun.prizeId", equalTo("mug")).body("matches", equalTo(true))
                .body("prizeTable[0].inStock", equalTo(true));
        given().auth().oauth2(Tokens.analyst()).get("/api/v1/rewards/" + rewardId + "/draws/" + lost).then()
                .statusCode(200).body("recorded.prizeId", nullValue()).body("matches", equalTo(true))
                .body("prizeTable[0].inStock", equalTo(false));
        act(rewardId, won, "release").then().statusCode(200);
        given().auth().oauth2(Tokens.admin()).get("/api/v1/rewards/" + rewardId).then().body("prizes[0].stock", equalTo(1));

        asService().body(reservation(id("res"), "m-l", 1, "\"seed\":\"mine\"")).post(path(rewardId))
                .then().statusCode(400).body("errors.field", hasItem("seed"));
        reserve(rewardId, id("res"), "m-l", 2).then().statusCode(400).body("errors.field", hasItem("quantity"));
    }

    /**
     * A reward unlimited when reserved and limited since: its reservations give nothing back, as they
     * took nothing. Until 2026-12-06 a release, an expiry or a return added its units to whatever the
     * stock then was, so reservations made while a reward was unlimited, given back after an admin
     * set a stock of 2, made units from nothing (and a flash sale could sell them). A lottery's prize
     * the same way.
     */
    @Test
    void reservationsMadeWhileARewardWasUnlimitedGiveNothingBackOnceItIsLimited() {
        String rewardId = id("r-unlimited");
        asAdmin().body(body(rewardId, "GIFT", null).replace(",\"stock\":10", "")).post("/api/v1/rewards").then()
                .statusCode(201).body("stock", nullValue());
        for (String r : List.of("a", "b", "c")) {
            reserve(rewardId, rewardId + "-" + r, "m-unl-" + r, 2).then().statusCode(201);
        }
        asAdmin().body(body(rewardId, "GIFT", null).replace("\"stock\":10", "\"stock\":2"))
                .put("/api/v1/rewards/" + rewardId).then().statusCode(200).body("stock", equalTo(2));
        act(rewardId, rewardId + "-a", "release").then().statusCode(200).body("status", equalTo("RELEASED"));
        act(rewardId, rewardId + "-b", "confirm").then().statusCode(200);
        act(rewardId, rewardId + "-b", "return").then().statusCode(200).body("status", equalTo("RETURNED"));
        assertThat(stock(rewardId)).isEqualTo(2);
        // One reserved now takes a unit, and gives it back.
        reserve(rewardId, rewardId + "-d", "m-unl-d", 1).then().statusCode(201);
        assertThat(stock(rewardId)).isEqualTo(1);
        act(rewardId, rewardId + "-d", "release").then().statusCode(200);
        act(rewardId, rewardId + "-c", "release").then().statusCode(200);
        assertThat(stock(rewardId)).isEqualTo(2);

        String lottery = id("r-unl-lottery");
        String unlimitedMug = "{\"rewardId\":\"" + lottery + "\",\"name\":\"Draw\",\"kind\":\"LOTTERY\","
                + "\"pointsCost\":50,\"prizes\":[{\"prizeId\":\"mug\",\"name\":\"Mug\",\"odds\":1}]}";
        asAdmin().body(unlimitedMug).post("/api/v1/rewards").then().statusCode(201);
        reserve(lottery, lottery + "-won", "m-unl-l", 1).then().statusCode(201).body("lottery.prizeId", equalTo("mug"));
        asAdmin().body(unlimitedMug.replace("\"odds\":1}", "\"odds\":1,\"stock\":1}"))
                .put("/api/v1/rewards/" + lottery).then().statusCode(200).body("prizes[0].stock", equalTo(1));
        act(lottery, lottery + "-won", "release").then().statusCode(200);
        given().auth().oauth2(Tokens.admin()).get("/api/v1/rewards/" + lottery).then().body("prizes[0].stock", equalTo(1));
        // Drawn now, it takes the prize's one unit, and gives it back.
        reserve(lottery, lottery + "-again", "m-unl-l", 1).then().statusCode(201).body("lottery.prizeId", equalTo("mug"));
        given().auth().oauth2(Tokens.admin()).get("/api/v1/rewards/" + lottery).then().body("prizes[0].stock", equalTo(0));
        act(lottery, lottery + "-again", "release").then().statusCode(200);
        given().auth().oauth2(Tokens.admin()).get("/api/v1/rewards/" + lottery).then().body("prizes[0].stock", equalTo(1));
    }

    /**
     * A VOUCHER's value is fixed when it is reserved, as its points are: an admin who changes the
     * reward's voucherValue afterwards changes what later redemptions get, not what this one paid for.
     * Until 2026-12-06 no one kept it, and a shop read the reward's value of the day it was used.
     */
    @Test
    void aVouchersValueIsFixedWhenReservedAsItsPointsAre() {
        String rewardId = id("r-voucher-value");
        asAdmin().body(body(rewardId, "VOUCHER", null)).post("/api/v1/rewards").then().statusCode(201)
                .body("pointsCost", equalTo(550));
        String reservationId = rewardId + "-a";
        reserve(rewardId, reservationId, "m-voucher", 2).then().statusCode(201).body("voucherValue", equalTo(11.0f))
                .body("pointsCost", equalTo(1100));
        asAdmin().body(body(rewardId, "VOUCHER", null).replace("5.5", "50")).put("/api/v1/rewards/" + rewardId).then()
                .statusCode(200).body("pointsCost", equalTo(5000));
        act(rewardId, reservationId, "confirm").then().statusCode(200).body("voucherValue", equalTo(11.0f))
                .body("pointsCost", equalTo(1100));
        assertThat(reserve(rewardId, rewardId + "-b", "m-voucher", 1).then().statusCode(201)
                .body("pointsCost", equalTo(5000)).extract().jsonPath().getDouble("voucherValue")).isEqualTo(50.0);
    }

    @Test
    void aDonationAddsToItsCausesTotalAtConfirmAndAReturnTakesItOff() {
        String rewardId = id("r-donate");
        asAdmin().body(body(rewardId, "DONATION", null)).post("/api/v1/rewards").then().statusCode(201)
                .body("donation.totalPoints", equalTo(0));
        String one = id("res");
        String two = id("res");
        reserve(rewardId, one, "m-d", 3).then().statusCode(201).body("donation", nullValue());
        reserve(rewardId, two, "m-e", 1).then().statusCode(201);
        act(rewardId, one, "confirm").then().statusCode(200).body("donation.cause", equalTo("cause-" + rewardId))
                .body("donation.totalPoints", equalTo(300));
        act(rewardId, two, "confirm").then().statusCode(200).body("donation.totalPoints", equalTo(400));
        act(rewardId, one, "return").then().statusCode(200);
        given().auth().oauth2(Tokens.member("m-d")).get("/api/v1/rewards/" + rewardId).then()
                .body("donation.totalPoints", equalTo(100)).body("stock", nullValue());
    }

    @Test
    void aReservationIsRefusedWithEveryReasonThatAppliesAndEligibilityListsThemAll() {
        String member = id("m-elig");
        String later = id("r-later");
        String gold = id("r-gold");
        asAdmin().body(body(later, "GIFT", "\"minTier\":\"GOLD\",\"validFrom\":\"2999-01-01T00:00:00Z\""))
                .post("/api/v1/rewards").then().statusCode(201);
        asAdmin().body(body(gold, "GIFT", "\"validUntil\":\"2020-01-01T00:00:00Z\"").replace("\"stock\":10", "\"stock\":0"))
                .post("/api/v1/rewards").then().statusCode(201);
        reserve(later, id("res"), member, 1).then().statusCode(422).contentType("application/problem+json")
                .body("code", equalTo("NOT_ELIGIBLE")).body("reasons", equalTo(List.of("TIER_TOO_LOW", "NOT_STARTED")))
                .body("rewardName", equalTo("A gift"));
        reserve(gold, id("res"), member, 1).then().statusCode(422).body("reasons", equalTo(List.of("ENDED")));

        String limited = id("r-lim");
        asAdmin().body(body(limited, "GIFT", "\"perMemberLimit\":{\"count\":1,\"period\":\"WEEK\"}"))
                .post("/api/v1/rewards").then().statusCode(201);
        TestEvents.publish(Topics.POINTS_LEDGER, TestEvents.earned(member, 1000));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().auth().oauth2(Tokens.member(member))
                .queryParam("memberId", member).get("/api/v1/rewards/" + limited)
                .then().statusCode(200).body("eligibility.eligible", equalTo(true)));
        reserve(limited, id("res"), member, 1).then().statusCode(201);
        given().auth().oauth2(Tokens.member(member)).queryParam("memberId", member).get("/api/v1/rewards/" + limited)
                .then().body("eligibility.reasons", equalTo(List.of("LIMIT_REACHED")));
        given().auth().oauth2(Tokens.admin()).queryParam("memberId", member).get("/api/v1/rewards/" + later)
                .then().body("eligibility.reasons", equalTo(List.of("TIER_TOO_LOW", "NOT_STARTED")));
        given().auth().oauth2(Tokens.admin()).queryParam("memberId", member).get("/api/v1/rewards/" + gold)
                .then().body("eligibility.reasons", equalTo(List.of("OUT_OF_STOCK", "ENDED")));
        given().auth().oauth2(Tokens.admin()).queryParam("memberId", id("m-nobody")).get("/api/v1/rewards/" + limited)
                .then().body("eligibility.reasons", equalTo(List.of("INSUFFICIENT_POINTS")));
    }

    /**
     * An admin's change of a reward (PUT) while its stock is being taken: every take counts and the
     * versions stay apart. A COUPON's stock is its codes left; until 2026-12-05 a change read the
     * reward without a lock and wrote back the stock it had read, so a code taken meanwhile came back
     * as stock with no code behind it (the next reservation then failed with a 500), and the change and
     * the take wrote one version twice (stock.changed and reward.upserted under one version).
     */
    @Test
    void aRewardChangedWhileItsStockIsTakenKeepsEveryTakeAndItsVersionsApart() throws Exception {
        String rewardId = id("r-race");
        asAdmin().body(body(rewardId, "COUPON", null)).post("/api/v1/rewards").then().statusCode(201);
        StringBuilder csv = new StringBuilder("code\n");
        for (int i = 0; i < 40; i++) {
            csv.append(rewardId).append("-c").append(i).append('\n');
        }
        given().auth().oauth2(Tokens.admin()).contentType("text/csv").body(csv.toString())
                .post("/api/v1/rewards/" + rewardId + "/coupon-codes").then().statusCode(200).body("stock", equalTo(40));

        List<Response> answers = atOnce(48, n -> n % 2 == 0
                ? reserve(rewardId, rewardId + "-res-" + n, "m-race-" + n, 1)
                : asAdmin().body(body(rewardId, "COUPON", null).replace("\"A coupon\"", "\"A coupon, take " + n + "\""))
                        .put("/api/v1/rewards/" + rewardId));
        for (int n = 0; n < answers.size(); n++) {
            assertThat(answers.get(n).statusCode()).as("answer %d: %s", n, answers.get(n).asString())
                    .isEqualTo(n % 2 == 0 ? 201 : 200);
        }
        // 24 codes taken, 16 left, and the stock says so; the next reservations take exactly those.
        assertThat(stock(rewardId)).isEqualTo(16);
        List<Response> more = atOnce(20, n -> reserve(rewardId, rewardId + "-more-" + n, "m-more-" + n, 1));
        assertThat(more).extracting(Response::statusCode).containsOnly(201, 409);
        assertThat(more).filteredOn(r -> r.statusCode() == 201).hasSize(16);
        assertThat(stock(rewardId)).isZero();

        // Every event the reward published names a version of its own (per type).
        List<CloudEvent> published = TopicReader.awaitKey(Topics.CATALOG_REWARDS, rewardId, 1 + 2 + 24 * 2 + 24 + 16 * 2)
                .stream().map(r -> codec.read(r.value())).toList();
        assertThat(published).extracting(CloudEvent::id).doesNotHaveDuplicates();
    }

    /**
     * Twelve creates of one reward id at once: one 201, and each other is the same definition again
     * (200) or another one (409), never a 500. Until 2026-12-05 the creates that lost the race met
     * the primary key and were answered 500.
     */
    @Test
    void concurrentCreatesOfOneRewardAreAnsweredOnceCreatedAndNeverA500() throws Exception {
        String rewardId = id("r-twice");
        List<Response> answers = atOnce(12, n -> asAdmin()
                .body(body(rewardId, "GIFT", null).replace("\"A gift\"", "\"A gift " + (n % 3) + "\""))
                .post("/api/v1/rewards"));
        assertThat(answers).extracting(Response::statusCode).containsOnly(201, 200, 409);
        List<Response> created = answers.stream().filter(r -> r.statusCode() == 201).toList();
        assertThat(created).hasSize(1);
        String name = created.get(0).jsonPath().getString("name");
        for (Response answer : answers) {
            assertThat(answer.statusCode()).as(answer.asString())
                    .isEqualTo(answer.jsonPath().getString("name") == null ? 409
                            : answer == created.get(0) ? 201 : 200);
        }
        assertThat(answers).filteredOn(r -> r.statusCode() == 200)
                .allSatisfy(r -> assertThat(r.jsonPath().getString("name")).isEqualTo(name));
        assertThat(answers).filteredOn(r -> r.statusCode() == 409)
                .allSatisfy(r -> assertThat(r.jsonPath().getString("code")).isEqualTo("REWARD_CONFLICT"));
    }

    /**
     * An admin who read a reward (version 2) fixes its name while a reservation takes a unit: sent
     * with If-Match, the change is refused (412 VERSION_MISMATCH) instead of setting the stock back
     * to what was read, and nothing changes; read again, the change goes through. Without If-Match it
     * is made as before; a malformed If-Match is 400, * matches any version.
     */
    @Test
    void aChangeSentWithTheVersionItReadIsRefusedOnceTheStockMoved() {
        String rewardId = id("r-ifmatch");
        asAdmin().body(body(rewardId, "GIFT", null)).post("/api/v1/rewards").then().statusCode(201)
                .body("version", equalTo(1));
        long read = given().auth().oauth2(Tokens.admin()).get("/api/v1/rewards/" + rewardId).then().statusCode(200)
                .extract().jsonPath().getLong("version");
        reserve(rewardId, rewardId + "-a", "m-ifmatch", 1).then().statusCode(201);
        String renamed = body(rewardId, "GIFT", null).replace("\"A gift\"", "\"A gift, renamed\"");

        asAdmin().header("If-Match", "\"" + read + "\"").body(renamed).put("/api/v1/rewards/" + rewardId).then()
                .statusCode(412).contentType("application/problem+json").body("code", equalTo("VERSION_MISMATCH"));
        asAdmin().header("If-Match", "\"" + read + "\"").post("/api/v1/rewards/" + rewardId + "/retire").then()
                .statusCode(412).body("code", equalTo("VERSION_MISMATCH"));
        given().auth().oauth2(Tokens.admin()).get("/api/v1/rewards/" + rewardId).then()
                .body("name", equalTo("A gift")).body("stock", equalTo(9)).body("status", equalTo("ACTIVE"))
                .body("version", equalTo((int) read + 1));

        asAdmin().header("If-Match", "\"" + (read + 1) + "\"").body(renamed.replace("\"stock\":10", "\"stock\":9"))
                .put("/api/v1/rewards/" + rewardId).then().statusCode(200)
                .body("name", equalTo("A gift, renamed")).body("stock", equalTo(9)).body("version", equalTo((int) read + 2));
        asAdmin().header("If-Match", "seven").body(renamed).put("/api/v1/rewards/" + rewardId).then().statusCode(400)
                .body("code", equalTo("VALIDATION_FAILED")).body("errors[0].field", equalTo("If-Match"));
        asAdmin().header("If-Match", "*").post("/api/v1/rewards/" + rewardId + "/retire").then().statusCode(200)
                .body("status", equalTo("RETIRED"));
    }

    // Races with a retire and with a change of the limit (docs/contract-extensions.md, catalog, "How it
    // holds under concurrency"). The tests that hold a reservation up do it with a row another
    // transaction is inserting: the reservation waits on it at a known statement, whatever the timing.

    private static final String LIFETIME_LIMIT = "\"perMemberLimit\":{\"count\":5,\"period\":\"LIFETIME\"}";

    private long reservationsOf(String rewardId) {
        return pool.preparedQuery("select count(*) from reservation where reward_id = $1").execute(Tuple.of(rewardId))
                .map(rows -> rows.iterator().next().getLong(0)).await().atMost(WAIT);
    }

    /** Whether a statement of this service's database beginning with {@code start} waits on a lock now. */
    private boolean waitingOnALock(String start) {
        return pool.preparedQuery("select count(*) from pg_stat_activity where datname = current_database()"
                        + " and wait_event_type = 'Lock' and query like $1")
                .execute(Tuple.of(start + "%")).map(rows -> rows.iterator().next().getLong(0) > 0).await().atMost(WAIT);
    }

    /** Until the call is answered, or waits on a lock in a statement beginning with {@code start}. */
    private void awaitAnsweredOrWaiting(Future<?> call, String start) {
        await().atMost(WAIT).until(() -> call.isDone() || waitingOnALock(start));
    }

    /**
     * Every reservation of the reward that counts (RESERVED, CONFIRMED) is counted under {@code period}
     * (null: the reward has no limit), in the period it was made in, and the members' counts are
     * exactly those reservations.
     */
    private void assertCountedUnder(String rewardId, LimitPeriod period) {
        List<Row> held = new ArrayList<>();
        pool.preparedQuery("select reservation_id, member_id, period_key, quantity, created_at from reservation"
                        + " where reward_id = $1 and status in ('RESERVED', 'CONFIRMED')")
                .execute(Tuple.of(rewardId)).await().atMost(WAIT).forEach(held::add);
        Map<List<String>, Integer> expected = new HashMap<>();
        for (Row row : held) {
            String key = period == null ? null
                    : period.key(row.getOffsetDateTime("created_at").toInstant(), catalogue.zone());
            assertThat(row.getString("period_key")).as("period of %s", row.getString("reservation_id")).isEqualTo(key);
            if (key != null) {
                expected.merge(List.of(row.getString("member_id"), key), row.getInteger("quantity"), Integer::sum);
            }
        }
        Map<List<String>, Integer> counted = new HashMap<>();
        pool.preparedQuery("select member_id, period_key, used from member_limit where reward_id = $1 and used > 0")
                .execute(Tuple.of(rewardId)).await().atMost(WAIT)
                .forEach(row -> counted.put(List.of(row.getString("member_id"), row.getString("period_key")),
                        row.getInteger("used")));
        assertThat(counted).as("members' counts of %s", rewardId).isEqualTo(expected);
    }

    /**
     * A reservation that read its reward ACTIVE and is held up before it takes the reward's row (on
     * its member's count, which another transaction is inserting) while the reward is retired: once
     * the retire has been answered, the reservation is refused RETIRED and takes nothing, whichever
     * way it takes the row. Until 2026-12-06 a reward of unlimited stock took it after the retire,
     * and one of limited stock refused it OUT_OF_STOCK.
     */
    @Test
    void aReservationHeldUpWhileItsRewardIsRetiredIsRefusedRetired() throws Exception {
        for (String stock : List.of("\"stock\":100", "\"stock\":null")) {
            String rewardId = id("r-retired-meanwhile");
            String member = id("m-held-up");
            asAdmin().body(body(rewardId, "GIFT", LIFETIME_LIMIT).replace("\"stock\":10", stock))
                    .post("/api/v1/rewards").then().statusCode(201);
            ExecutorService threads = Executors.newSingleThreadExecutor();
            SqlConnection other = pool.getConnection().await().atMost(WAIT);
            try {
                Transaction holding = other.begin().await().atMost(WAIT);
                other.preparedQuery("insert into member_limit (member_id, reward_id, period_key, used)"
                        + " values ($1, $2, 'LIFETIME', 0)").execute(Tuple.of(member, rewardId)).await().atMost(WAIT);
                Future<Response> reservation = threads.submit(() -> reserve(rewardId, id("res"), member, 1));
                awaitAnsweredOrWaiting(reservation, "insert into member_limit");

                asAdmin().post("/api/v1/rewards/" + rewardId + "/retire").then().statusCode(200);
                holding.rollback().await().atMost(WAIT);

                reservation.get(WAIT.toSeconds(), TimeUnit.SECONDS).then().statusCode(422)
                        .body("code", equalTo("NOT_ELIGIBLE")).body("reasons", equalTo(List.of("RETIRED")));
            } finally {
                other.close().await().atMost(WAIT);
                threads.shutdownNow();
            }
            assertThat(reservationsOf(rewardId)).as(stock).isZero();
            given().auth().oauth2(Tokens.admin()).get("/api/v1/rewards/" + rewardId).then()
                    .body("stock", equalTo(stock.endsWith("null") ? null : 100));
        }
    }

    /**
     * A reservation held up at its insert (its id is being inserted by another transaction) after
     * it took the reward's row, while the reward is retired: the retire waits for it, so the
     * reservation is made and then the reward retired; were the retire answered first, the
     * reservation would have to be refused. Until 2026-12-06 a reward of unlimited stock did not lock
     * its row for a reservation: the retire was answered at once and the reservation made after it.
     */
    @Test
    void aRetireWaitsForAReservationThatHasTakenTheRewardsRow() throws Exception {
        String elsewhere = id("r-elsewhere");
        asAdmin().body(body(elsewhere, "GIFT", null)).post("/api/v1/rewards").then().statusCode(201);
        // One statement (unlimited, no limit); a transaction that takes no stock; the conditional stock update.
        for (String extra : List.of("\"stock\":null", "\"stock\":null," + LIFETIME_LIMIT, "\"stock\":100")) {
            String rewardId = id("r-retire-waits");
            String reservationId = id("res");
            asAdmin().body(body(rewardId, "GIFT", null).replace("\"stock\":10", extra)).post("/api/v1/rewards")
                    .then().statusCode(201);
            ExecutorService threads = Executors.newFixedThreadPool(2);
            SqlConnection other = pool.getConnection().await().atMost(WAIT);
            try {
                Transaction holding = other.begin().await().atMost(WAIT);
                other.preparedQuery("insert into reservation (reservation_id, reward_id, member_id, quantity, ttl_seconds,"
                        + " kind, points_cost, status, expires_at, created_at, updated_at) values ($1, $2, 'm-other', 1,"
                        + " 900, 'GIFT', 800, 'RESERVED', now() + interval '900 seconds', now(), now())")
                        .execute(Tuple.of(reservationId, elsewhere)).await().atMost(WAIT);
                Future<Response> reservation = threads.submit(() -> reserve(rewardId, reservationId, "m-waits", 1));
                // Limited stock without a limit: one statement, which took the row and waits at its insert.
                awaitAnsweredOrWaiting(reservation, extra.equals("\"stock\":100") ? "with taken as" : "insert into reservation");
                Future<Response> retire = threads.submit(() -> asAdmin().post("/api/v1/rewards/" + rewardId + "/retire"));
                awaitAnsweredOrWaiting(retire, "select reward_id");
                boolean retiredFirst = retire.isDone();
                long madeAtRetire = retiredFirst ? reservationsOf(rewardId) : -1;
                holding.rollback().await().atMost(WAIT);

                Response made = reservation.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertThat(retire.get(WAIT.toSeconds(), TimeUnit.SECONDS).statusCode()).isEqualTo(200);
                if (retiredFirst) {
                    assertThat(madeAtRetire).isZero();
                    assertThat(made.statusCode()).as(extra + ": answered after the retire: " + made.asString())
                            .isEqualTo(422);
                    assertThat(reservationsOf(rewardId)).isZero();
                } else {
                    assertThat(made.statusCode()).as(extra + ": " + made.asString()).isEqualTo(201);
                    assertThat(reservationsOf(rewardId)).isOne();
                }
            } finally {
                other.close().await().atMost(WAIT);
                threads.shutdownNow();
            }
        }
    }

    /**
     * Reservations sent with a retire at once: each is made before the retire (counted when the
     * retire is answered) or refused RETIRED, and the stock taken is the reservations made.
     */
    @Test
    void reservationsSentWithARetireAtOnceAreMadeBeforeItOrRefusedRetired() throws Exception {
        for (String extra : List.of("\"stock\":null", "\"stock\":null," + LIFETIME_LIMIT, "\"stock\":1000")) {
            String rewardId = id("r-retire-race");
            asAdmin().body(body(rewardId, "GIFT", null).replace("\"stock\":10", extra)).post("/api/v1/rewards")
                    .then().statusCode(201);
            int retireAt = 12;
            AtomicLong madeAtRetire = new AtomicLong(-1);
            List<Response> answers = atOnce(24, n -> {
                if (n != retireAt) {
                    return reserve(rewardId, rewardId + "-" + n, "m-race-" + n, 1);
                }
                Response retired = asAdmin().post("/api/v1/rewards/" + rewardId + "/retire");
                madeAtRetire.set(reservationsOf(rewardId));
                return retired;
            });

            assertThat(answers.get(retireAt).statusCode()).isEqualTo(200);
            List<Response> reservations = new ArrayList<>(answers);
            reservations.remove(retireAt);
            assertThat(reservations).allSatisfy(a -> {
                assertThat(a.statusCode()).as(extra + ": " + a.asString()).isIn(201, 422);
                if (a.statusCode() == 422) {
                    assertThat(a.jsonPath().getList("reasons")).isEqualTo(List.of("RETIRED"));
                }
            });
            long made = reservations.stream().filter(a -> a.statusCode() == 201).count();
            assertThat(reservationsOf(rewardId)).as(extra).isEqualTo(made).isEqualTo(madeAtRetire.get());
            if (extra.endsWith("1000")) {
                assertThat(stock(rewardId)).isEqualTo(1000 - made);
            }
        }
    }

    /**
     * A reservation that read the reward just before a change of its price was committed (held up on
     * the reward's gate, which the change holds) is priced as the reward now is, not as it was read:
     * for an unlimited GIFT (one statement) and a COUPON (a transaction that takes a code). Until
     * 2026-12-07 only a reservation of limited stock checked that the definition was still as read.
     */
    @Test
    void aReservationReadBeforeAPriceChangeIsPricedAsTheRewardNowIs() throws Exception {
        for (String kind : List.of("GIFT", "COUPON")) {
            String rewardId = id("r-price-meanwhile");
            asAdmin().body(body(rewardId, kind, null).replace("\"stock\":10", "\"stock\":null"))
                    .post("/api/v1/rewards").then().statusCode(201);
            if (kind.equals("COUPON")) {
                given().auth().oauth2(Tokens.admin()).contentType("text/csv").body("code\n" + rewardId + "-A\n")
                        .post("/api/v1/rewards/" + rewardId + "/coupon-codes").then().statusCode(200);
            }
            long cost = kind.equals("COUPON") ? 300 : 800;
            ExecutorService threads = Executors.newSingleThreadExecutor();
            SqlConnection other = pool.getConnection().await().atMost(WAIT);
            try {
                // What a PUT does: the reward's gate alone, then the new definition, committed later.
                Transaction changing = other.begin().await().atMost(WAIT);
                other.preparedQuery("select pg_advisory_xact_lock(20, hashtext($1))").execute(Tuple.of(rewardId))
                        .await().atMost(WAIT);
                other.preparedQuery("update reward set points_cost = points_cost * 2 where reward_id = $1")
                        .execute(Tuple.of(rewardId)).await().atMost(WAIT);
                Future<Response> reservation = threads.submit(() -> reserve(rewardId, id("res"), "m-price", 1));
                awaitAnsweredOrWaiting(reservation, kind.equals("COUPON") ? "update reward" : "insert into reservation");
                changing.commit().await().atMost(WAIT);

                Response made = reservation.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertThat(made.statusCode()).as(kind + ": " + made.asString()).isEqualTo(201);
                assertThat(made.jsonPath().getLong("pointsCost")).as(kind).isEqualTo(2 * cost);
            } finally {
                other.close().await().atMost(WAIT);
                threads.shutdownNow();
            }
        }
    }

    /**
     * A reservation between its read of the reward and its count (held up on its member's count,
     * which another transaction is inserting) while an admin gives the reward's limit another
     * period: the change waits for it and counts it again under the new period. Until 2026-12-06 the
     * change was made at once, and the reservation then counted under the old period.
     */
    @Test
    void aLimitChangedWhileAReservationIsMadeCountsItUnderTheNewPeriod() throws Exception {
        for (String stock : List.of("\"stock\":100", "\"stock\":null")) {
            String rewardId = id("r-period-meanwhile");
            String member = id("m-period");
            asAdmin().body(body(rewardId, "GIFT", LIFETIME_LIMIT).replace("\"stock\":10", stock))
                    .post("/api/v1/rewards").then().statusCode(201);
            reserve(rewardId, id("res"), member, 1).then().statusCode(201);
            ExecutorService threads = Executors.newFixedThreadPool(2);
            SqlConnection other = pool.getConnection().await().atMost(WAIT);
            try {
                Transaction holding = other.begin().await().atMost(WAIT);
                other.preparedQuery("insert into member_limit (member_id, reward_id, period_key, used)"
                                + " values ($1, $2, 'LIFETIME', 0)")
                        .execute(Tuple.of(member + "-2", rewardId)).await().atMost(WAIT);
                Future<Response> reservation = threads.submit(() -> reserve(rewardId, id("res"), member + "-2", 1));
                awaitAnsweredOrWaiting(reservation, "insert into member_limit");
                Future<Response> change = threads.submit(() -> asAdmin()
                        .body(body(rewardId, "GIFT", LIFETIME_LIMIT.replace("LIFETIME", "DAY")).replace("\"stock\":10", stock))
                        .put("/api/v1/rewards/" + rewardId));
                awaitAnsweredOrWaiting(change, "select pg_advisory_xact_lock");
                holding.rollback().await().atMost(WAIT);

                assertThat(reservation.get(WAIT.toSeconds(), TimeUnit.SECONDS).statusCode()).isEqualTo(201);
                assertThat(change.get(WAIT.toSeconds(), TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            } finally {
                other.close().await().atMost(WAIT);
                threads.shutdownNow();
            }
            assertCountedUnder(rewardId, LimitPeriod.DAY);
        }
    }

    /**
     * Reservations made all along while an admin sets, changes and takes off a reward's limit: every
     * one counts under the limit as it was when it was made, and the counts are those reservations.
     */
    @Test
    void reservationsMadeWhileTheLimitChangesCountUnderTheLimitOfTheirTime() throws Exception {
        List<String> rewards = List.of(id("r-periods-open"), id("r-periods-stock"));
        List<String> stocks = List.of("\"stock\":null", "\"stock\":100000");
        for (int r = 0; r < 2; r++) {
            asAdmin().body(body(rewards.get(r), "GIFT", null).replace("\"stock\":10", stocks.get(r)))
                    .post("/api/v1/rewards").then().statusCode(201);
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger made = new AtomicInteger();
        List<Response> refused = new CopyOnWriteArrayList<>();
        int threads = 6;
        ExecutorService reservers = Executors.newFixedThreadPool(threads);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            done.add(reservers.submit(() -> {
                for (int n = 0; !stop.get() && n < 2_000; n++) {
                    Response answer = reserve(rewards.get(n % 2), id("res"), "m-periods-" + thread + "-" + n % 3, 1);
                    if (answer.statusCode() == 201) {
                        made.incrementAndGet();
                    } else {
                        refused.add(answer);
                    }
                }
            }));
        }
        List<String> periods = new ArrayList<>(List.of("LIFETIME", "DAY", "", "YEAR", "WEEK", "MONTH"));
        try {
            for (String period : periods) {
                int before = made.get();
                await().atMost(WAIT).until(() -> made.get() >= before + 4);
                String limit = period.isEmpty() ? null : "\"perMemberLimit\":{\"count\":1000,\"period\":\"" + period + "\"}";
                for (int r = 0; r < 2; r++) {
                    asAdmin().body(body(rewards.get(r), "GIFT", limit).replace("\"stock\":10", stocks.get(r)))
                            .put("/api/v1/rewards/" + rewards.get(r)).then().statusCode(200);
                }
            }
            int before = made.get();
            await().atMost(WAIT).until(() -> made.get() >= before + 4);
        } finally {
            stop.set(true);
            for (Future<?> thread : done) {
                thread.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
            reservers.shutdownNow();
        }
        assertThat(refused).extracting(Response::asString).isEmpty();
        for (String rewardId : rewards) {
            assertCountedUnder(rewardId, LimitPeriod.MONTH);
        }
    }
}
