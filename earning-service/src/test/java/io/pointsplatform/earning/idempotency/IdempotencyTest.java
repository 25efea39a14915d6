package io.pointsplatform.earning.idempotency;

import static io.pointsplatform.earning.Callers.asAdmin;
import static io.pointsplatform.earning.Callers.asCheckout;
import static io.pointsplatform.earning.Orders.MID_MONTH;
import static io.pointsplatform.earning.Orders.earn;
import static io.pointsplatform.earning.Orders.id;
import static io.pointsplatform.earning.Orders.line;
import static io.pointsplatform.earning.Orders.member;
import static io.pointsplatform.earning.Orders.order;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.pointsplatform.earning.refund.FakeLedger;
import io.pointsplatform.kit.idempotency.IdempotencyKeys;
import io.pointsplatform.kit.problem.ApiException;
import io.pointsplatform.testing.PlatformTestResource;
import io.pointsplatform.testing.Tokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jboss.resteasy.reactive.RestResponse;
import org.junit.jupiter.api.Test;

/** CONTRACT.md's Idempotency-Key on earning's creating POSTs, through HTTP and PostgreSQL. */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "earning"))
@WithTestResource(FakeLedger.class)
class IdempotencyTest {

    @Inject
    Pool pool;

    @Inject
    IdempotencyKeys keys;

    @Test
    void aRepeatedKeyAnswersTheFirstResponseAndAnotherBodyIsAConflict() {
        String key = UUID.randomUUID().toString();
        String memberId = id("m");
        ExtractableResponse<Response> first = post(key, "/api/v1/members", Map.of("memberId", memberId, "name", "A"))
                .statusCode(201).header(IdempotencyKeys.REPLAYED_HEADER, nullValue()).extract();
        ExtractableResponse<Response> again = post(key, "/api/v1/members", Map.of("name", "A", "memberId", memberId))
                .statusCode(201).contentType(ContentType.JSON).header(IdempotencyKeys.REPLAYED_HEADER, "true").extract();
        assertThat(again.asString()).isEqualTo(first.asString());

        String other = id("m");
        post(key, "/api/v1/members", Map.of("memberId", other)).statusCode(409)
                .contentType("application/problem+json").body("code", equalTo("IDEMPOTENCY_KEY_REUSED"));
        // The refused request did nothing: its member id is still free.
        post(null, "/api/v1/members", Map.of("memberId", other)).statusCode(201);
        // Without the key, the ids in the body answer as before.
        post(null, "/api/v1/members", Map.of("memberId", memberId, "name", "A")).statusCode(200);
    }

    @Test
    void everyCreatingPostTakesTheKey() {
        String memberId = enrol();
        String orderId = id("o");
        earn(order(orderId, memberId, MID_MONTH, List.of(line("40.00")))).statusCode(201);
        String campaignId = id("c");
        // Rules and campaigns are global: these cover only a SKU and a category no other test orders.
        Map<String, Object> campaign = Map.of("campaignId", campaignId, "multiplier", "2", "sku", id("sku"),
                "startsAt", "2026-11-11T00:00:00Z", "endsAt", "2026-11-12T00:00:00Z");
        Map<String, Map<String, Object>> creations = new LinkedHashMap<>();
        creations.put("/api/v1/members", Map.of("memberId", id("m")));
        creations.put("/api/v1/earnings", order(id("o"), memberId, MID_MONTH, List.of(line("12.00"))));
        creations.put("/api/v1/earnings/" + orderId + "/refunds", Map.of("refundId", id("r"), "amount", "10.00"));
        creations.put("/api/v1/activities", Map.of("memberId", memberId, "kind", "CHECKIN"));
        creations.put("/api/v1/rules", unusedRule());
        creations.put("/api/v1/campaigns", campaign);
        for (Map.Entry<String, Map<String, Object>> creation : creations.entrySet()) {
            assertRepeatAnswersTheFirst(creation.getKey(), creation.getValue());
        }
        assertRepeatAnswersTheFirst("/api/v1/campaigns/" + campaignId + "/grants",
                Map.of("grantId", id("g"), "points", 5, "memberIds", List.of(memberId)));
    }

    @Test
    void aRuleCreatedWithAKeyIsAnsweredAgainInsteadOfRuleExists() {
        String key = UUID.randomUUID().toString();
        Map<String, Object> rule = unusedRule();
        String first = post(key, "/api/v1/rules", rule).statusCode(201).extract().asString();
        assertThat(post(key, "/api/v1/rules", rule).statusCode(201).extract().asString()).isEqualTo(first);
        post(null, "/api/v1/rules", rule).statusCode(409).body("code", equalTo("RULE_EXISTS"));
    }

    @Test
    void bodiesThatMeanTheSameAreTheSameRequest() {
        String key = UUID.randomUUID().toString();
        String orderId = id("o");
        String memberId = member();
        Map<String, Object> order = order(orderId, memberId, MID_MONTH,
                List.of(line("sku-1", "grocery", 1, "150.00", false)));
        String first = post(key, "/api/v1/earnings", order).statusCode(201).extract().asString();
        // purchasedAt for paidAt, 150.0 for 150.00, other key order and spacing.
        String same = "{\"lines\":[{\"unitPrice\":150.0,\"sku\":\"sku-1\",\"quantity\":1,\"category\":\"grocery\"}],"
                + " \"currency\":\"CNY\", \"purchasedAt\":\"" + MID_MONTH + "\", \"memberId\":\"" + memberId + "\","
                + " \"orderId\":\"" + orderId + "\"}";
        assertThat(asCheckout().contentType(ContentType.JSON).header(IdempotencyKeys.HEADER, key).body(same)
                .post("/api/v1/earnings").then().statusCode(201).extract().asString()).isEqualTo(first);
        Map<String, Object> more = order(orderId, memberId, MID_MONTH, List.of(line("sku-1", "grocery", 2, "150.00",
                false)));
        post(key, "/api/v1/earnings", more).statusCode(409).body("code", equalTo("IDEMPOTENCY_KEY_REUSED"));
    }

    /**
     * A key is the caller's own: another shop (or member) using the same key is not refused nor
     * answered the first caller's response; its request runs as its own. Until 2026-12-06 keys were
     * per path only, so a member could meet another member's key as a 409 and learn it was used.
     */
    @Test
    void aKeyIsTheCallersOwn() {
        String key = UUID.randomUUID().toString();
        String first = id("m");
        post(key, "/api/v1/members", Map.of("memberId", first)).statusCode(201);
        String second = id("m");
        given().auth().oauth2(Tokens.of("checkout", "another-shop")).contentType(ContentType.JSON)
                .header(IdempotencyKeys.HEADER, key).body(Map.of("memberId", second)).post("/api/v1/members").then()
                .statusCode(201).header(IdempotencyKeys.REPLAYED_HEADER, nullValue()).body("memberId", equalTo(second));
        // Each caller's repeat is answered its own first response.
        post(key, "/api/v1/members", Map.of("memberId", first)).statusCode(201)
                .header(IdempotencyKeys.REPLAYED_HEADER, "true").body("memberId", equalTo(first));
    }

    @Test
    void keysArePerPathAndARefusalIsNotKept() {
        String key = UUID.randomUUID().toString();
        String memberId = id("m");
        Map<String, Object> checkin = Map.of("memberId", memberId, "kind", "CHECKIN");
        post(key, "/api/v1/activities", checkin).statusCode(422).body("code", equalTo("UNKNOWN_MEMBER"));
        // The same key on another path is another key.
        post(key, "/api/v1/members", Map.of("memberId", memberId)).statusCode(201);
        // The 422 changed nothing and was not kept: the same key now credits the check-in.
        post(key, "/api/v1/activities", checkin).statusCode(201).body("points", equalTo(5));
        post(key, "/api/v1/activities", checkin).statusCode(201).header(IdempotencyKeys.REPLAYED_HEADER, "true");
    }

    @Test
    void badKeysAreRefused() {
        Map<String, Object> member = Map.of("memberId", id("m"));
        post("x".repeat(256), "/api/v1/members", member).statusCode(400).contentType("application/problem+json")
                .body("code", equalTo("VALIDATION_FAILED")).body("errors[0].field", equalTo("Idempotency-Key"));
        post("a key", "/api/v1/members", member).statusCode(400).body("code", equalTo("VALIDATION_FAILED"));
        post("x".repeat(255), "/api/v1/members", member).statusCode(201);
    }

    @Test
    void concurrentRequestsWithOneKeyAllGetTheSameAnswer() throws Exception {
        String key = UUID.randomUUID().toString();
        Map<String, Object> member = Map.of("memberId", id("m"), "name", "Han Meimei");
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                answers.add(threads.submit(() -> {
                    ExtractableResponse<Response> answer = post(key, "/api/v1/members", member).extract();
                    return answer.statusCode() + " " + answer.asString();
                }));
            }
            List<String> seen = new ArrayList<>();
            for (Future<String> answer : answers) {
                seen.add(answer.get(60, TimeUnit.SECONDS));
            }
            assertThat(seen).hasSize(8).containsOnly(seen.get(0));
            assertThat(seen.get(0)).matches("20[01] .*");
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void twoDifferentRequestsRacingOnOneKeyAreEachAnsweredWhatWasDone() throws Exception {
        String key = UUID.randomUUID().toString();
        String scope = "POST /api/v1/race/" + key;
        CompletableFuture<Void> started = new CompletableFuture<>();
        CompletableFuture<Void> gate = new CompletableFuture<>();
        // The first request finds the key free and runs, slowly...
        CompletableFuture<RestResponse<String>> slow = keys.<String>once(key, scope, Map.of("n", 1), () -> {
            started.complete(null);
            return Uni.createFrom().completionStage(gate)
                    .replaceWith(RestResponse.status(RestResponse.Status.CREATED, "{\"made\":1}"));
        }).subscribeAsCompletionStage();
        started.get(10, TimeUnit.SECONDS);
        // ...while another request with the same key and another body runs and stores its answer first.
        RestResponse<String> fast = keys.<String>once(key, scope, Map.of("n", 2),
                () -> Uni.createFrom().item(RestResponse.status(RestResponse.Status.CREATED, "{\"made\":2}")))
                .await().atMost(Duration.ofSeconds(10));
        assertThat(fast.getStatus()).isEqualTo(201);
        gate.complete(null);

        // The slow one was carried out: its client is told so, not a 409 that says nothing was done.
        RestResponse<String> slowAnswer = slow.get(10, TimeUnit.SECONDS);
        assertThat(slowAnswer.getStatus()).isEqualTo(201);
        assertThat(slowAnswer.getEntity()).isEqualTo("{\"made\":1}");
        // The key is the stored request's: a repeat of the other is refused before anything runs.
        boolean[] ran = {false};
        assertThatThrownBy(() -> keys.<String>once(key, scope, Map.of("n", 1), () -> {
            ran[0] = true;
            return Uni.createFrom().item(RestResponse.ok("{}"));
        }).await().atMost(Duration.ofSeconds(10))).isInstanceOf(ApiException.class)
                .hasMessageContaining("was used for another request");
        assertThat(ran[0]).isFalse();
    }

    @Test
    void keysAreKeptForTheRetentionThenForgottenAndPurged() {
        String key = UUID.randomUUID().toString();
        String stale = "{\"memberId\":\"someone-else\"}";
        pool.preparedQuery("insert into idempotency_key (scope, key, request_hash, status, response_body, content_type,"
                        + " created_at) values ('POST /api/v1/members by checkout-test', $1, 'other', 201, $2, 'application/json',"
                        + " now() - interval '25 hours')")
                .execute(Tuple.of(key, stale)).await().atMost(Duration.ofSeconds(10));
        // Past the retention (24 h), the key is free again; the expired row is replaced.
        String memberId = id("m");
        post(key, "/api/v1/members", Map.of("memberId", memberId)).statusCode(201).body("memberId", equalTo(memberId));
        post(key, "/api/v1/members", Map.of("memberId", memberId)).statusCode(201)
                .header(IdempotencyKeys.REPLAYED_HEADER, "true");

        String old = UUID.randomUUID().toString();
        pool.preparedQuery("insert into idempotency_key (scope, key, request_hash, status, response_body, content_type,"
                        + " created_at) values ('POST /api/v1/members by checkout-test', $1, 'h', 201, '{}', 'application/json',"
                        + " now() - interval '25 hours')")
                .execute(Tuple.of(old)).await().atMost(Duration.ofSeconds(10));
        assertThat(keys.purgeExpired(1000).await().atMost(Duration.ofSeconds(10))).isGreaterThanOrEqualTo(1);
        assertThat(pool.preparedQuery("select count(*) as n from idempotency_key where key in ($1, $2)")
                .execute(Tuple.of(key, old)).await().atMost(Duration.ofSeconds(10)).iterator().next().getLong("n"))
                .isEqualTo(1);
    }

    private static void assertRepeatAnswersTheFirst(String path, Map<String, Object> body) {
        String key = UUID.randomUUID().toString();
        ExtractableResponse<Response> first = post(key, path, body).extract();
        assertThat(first.statusCode()).as(path).isBetween(200, 201);
        ExtractableResponse<Response> again = post(key, path, body).extract();
        assertThat(again.statusCode()).as(path).isEqualTo(first.statusCode());
        assertThat(again.asString()).as(path).isEqualTo(first.asString());
        assertThat(again.header(IdempotencyKeys.REPLAYED_HEADER)).as(path).isEqualTo("true");
    }

    /** A rule that changes no other test's orders: a multiplier for a category nobody orders. */
    private static Map<String, Object> unusedRule() {
        return Map.of("ruleId", id("rule"), "kind", "CATEGORY_MULTIPLIER", "category", id("cat"), "multiplier", "2");
    }

    private static String enrol() {
        String member = id("m");
        post(null, "/api/v1/members", Map.of("memberId", member)).statusCode(201);
        return member;
    }

    /** A POST as the role that may make it: admin for rules, campaigns and grants, checkout for the rest. */
    private static ValidatableResponse post(String key, String path, Object body) {
        var request = (path.startsWith("/api/v1/rules") || path.startsWith("/api/v1/campaigns") ? asAdmin()
                : asCheckout()).contentType(ContentType.JSON).body(body);
        if (key != null) {
            request = request.header(IdempotencyKeys.HEADER, key);
        }
        return request.post(path).then();
    }
}
