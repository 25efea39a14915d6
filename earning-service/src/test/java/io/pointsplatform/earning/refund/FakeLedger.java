package io.pointsplatform.earning.refund;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small HTTP server standing in for ledger-service's reversal endpoint, so earning's tests see
 * exactly what earning sends. It takes back everything asked, can fail the next requests with 503,
 * and answers 409 REVERSAL_CONFLICT for refund ids it is told to.
 */
public class FakeLedger implements QuarkusTestResourceLifecycleManager {

    public record Received(String memberId, JsonObject body) {
    }

    public static final Queue<Received> RECEIVED = new ConcurrentLinkedQueue<>();
    public static final AtomicInteger FAIL_NEXT = new AtomicInteger();
    public static final Set<String> CONFLICTS = ConcurrentHashMap.newKeySet();

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
            JsonObject body = buffer.toJsonObject();
            RECEIVED.add(new Received(path[4], body));
            if (FAIL_NEXT.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                request.response().setStatusCode(503).end();
                return;
            }
            if (CONFLICTS.contains(body.getString("refundId"))) {
                request.response().setStatusCode(409).putHeader("content-type", "application/problem+json")
                        .end(new JsonObject().put("status", 409).put("code", "REVERSAL_CONFLICT").encode());
                return;
            }
            long points = body.getLong("points");
            request.response().setStatusCode(201).putHeader("content-type", "application/json")
                    .end(new JsonObject().put("refundId", body.getString("refundId"))
                            .put("orderId", body.getString("orderId")).put("points", points).put("taken", points)
                            .put("debt", 0).put("allocations", new JsonArray().add(new JsonObject()
                                    .put("lotId", body.getString("lotId")).put("points", points))).encode());
        }));
        try {
            server = server.listen(0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("fake ledger did not start", e);
        }
        return Map.of("quarkus.rest-client.ledger.url", "http://localhost:" + server.actualPort(),
                "points.refunds.dispatch-every", "1s");
    }

    @Override
    public void stop() {
        if (vertx != null) {
            vertx.close();
        }
    }
}
