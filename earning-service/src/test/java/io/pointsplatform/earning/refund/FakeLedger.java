package io.pointsplatform.earning.refund;

import io.pointsplatform.testing.ServiceCallers;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small HTTP server standing in for ledger-service's reversal endpoint, so earning's tests see
 * exactly what earning sends. It takes back everything asked (less what a test says had already
 * expired, {@link #ALREADY_EXPIRED}), can fail the next requests with 503,
 * and answers the statuses it is told to for a refund id: some times first ({@link #answer}), or
 * every time ({@link #ALWAYS}), with a problem document like the ledger's (503 with plain text, as
 * a proxy would). Like the ledger, it admits only a valid bearer token with the role
 * {@code service} (signed by the test key, from the platform's issuer, for its audience, not
 * expired) and answers 401 to anything else, so a reversal sent without earning's service token
 * fails the tests.
 */
public class FakeLedger implements QuarkusTestResourceLifecycleManager {

    /** A reversal as received: the member in its path, its body, and the subject of its service token. */
    public record Received(String memberId, JsonObject body, String caller) {
    }

    /** points.refunds.max-attempts in these tests, with a backoff of at most a second. */
    public static final int MAX_ATTEMPTS = 4;

    public static final Queue<Received> RECEIVED = new ConcurrentLinkedQueue<>();
    public static final AtomicInteger FAIL_NEXT = new AtomicInteger();
    public static final Map<String, Integer> ALWAYS = new ConcurrentHashMap<>();
    /** Points of a refund id's reversal answered as already expired from the order's lot (the rest taken). */
    public static final Map<String, Long> ALREADY_EXPIRED = new ConcurrentHashMap<>();
    /** Requests refused for their token, with why. */
    public static final Queue<String> UNAUTHENTICATED = new ConcurrentLinkedQueue<>();
    private static final Map<String, Queue<Integer>> NEXT = new ConcurrentHashMap<>();
    private static final Map<Integer, String> CODES = Map.of(400, "VALIDATION_FAILED", 404, "NOT_FOUND",
            409, "REVERSAL_CONFLICT", 422, "NOT_REVERSIBLE");

    /** The next requests for this refund id are answered with these statuses, in order; then as usual. */
    public static void answer(String refundId, Integer... statuses) {
        NEXT.computeIfAbsent(refundId, id -> new ConcurrentLinkedQueue<>()).addAll(List.of(statuses));
    }

    private Vertx vertx;

    @Override
    public Map<String, String> start() {
        vertx = Vertx.vertx();
        HttpServer server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(buffer -> {
            String[] path = request.path().split("/");
            // /api/v1/accounts/{memberId}/reversals
            if (!request.path().matches("/api/v1/accounts/[^/]+/reversals") || !"POST".equals(request.method().name())) {
                request.response().setStatusCode(404).end();
                return;
            }
            String caller;
            try {
                caller = ServiceCallers.subject(request.getHeader("Authorization"));
            } catch (IllegalArgumentException refused) {
                UNAUTHENTICATED.add(refused.getMessage());
                request.response().setStatusCode(401).putHeader("WWW-Authenticate", "Bearer")
                        .putHeader("content-type", "application/problem+json")
                        .end(new JsonObject().put("type", "urn:points:problem:unauthenticated").put("status", 401)
                                .put("code", "UNAUTHENTICATED").put("detail", refused.getMessage()).encode());
                return;
            }
            JsonObject body = buffer.toJsonObject();
            RECEIVED.add(new Received(path[4], body, caller));
            if (FAIL_NEXT.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                request.response().setStatusCode(503).end();
                return;
            }
            String refundId = body.getString("refundId");
            Queue<Integer> next = NEXT.get(refundId);
            Integer status = next != null && !next.isEmpty() ? next.poll() : ALWAYS.get(refundId);
            if (status != null && status == 503) {
                request.response().setStatusCode(503).putHeader("content-type", "text/plain")
                        .end("ledger is restarting");
                return;
            }
            if (status != null) {
                request.response().setStatusCode(status).putHeader("content-type", "application/problem+json")
                        .end(new JsonObject().put("type", "urn:points:problem:test").put("status", status)
                                .put("code", CODES.get(status)).put("detail", "fake ledger says " + status + " for "
                                        + refundId).encode());
                return;
            }
            long points = body.getLong("points");
            long expired = Math.min(points, ALREADY_EXPIRED.getOrDefault(refundId, 0L));
            long taken = points - expired;
            JsonArray allocations = new JsonArray();
            if (taken > 0) {
                allocations.add(new JsonObject().put("lotId", body.getString("lotId")).put("points", taken));
            }
            request.response().setStatusCode(201).putHeader("content-type", "application/json")
                    .end(new JsonObject().put("refundId", refundId)
                            .put("orderId", body.getString("orderId")).put("points", points).put("taken", taken)
                            .put("debt", 0).put("alreadyExpired", expired).put("allocations", allocations).encode());
        }));
        try {
            server = server.listen(0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("fake ledger did not start", e);
        }
        return Map.of("quarkus.rest-client.ledger.url", "http://localhost:" + server.actualPort(),
                "points.refunds.dispatch-every", "1s", "points.refunds.max-backoff-seconds", "1",
                "points.refunds.max-attempts", String.valueOf(MAX_ATTEMPTS));
    }

    @Override
    public void stop() {
        if (vertx != null) {
            vertx.close();
        }
    }
}
