package io.pointsplatform.redemption;

import io.pointsplatform.testing.ServiceCallers;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One small HTTP server standing in for catalog-service's reservations and ledger-service's holds
 * and returns, as the interfaces agreed for issue #20 say: stateful (stock, per-member limits,
 * balances, holds), idempotent by the caller's ids, with the agreed refusal codes; it admits only
 * a valid {@code service} token. Either side can be taken "down" (503, as a proxy in front of a
 * restarting service answers). State is static: tests set it up per member and reward.
 */
public class FakeServices implements QuarkusTestResourceLifecycleManager {

    /** A reward at the fake catalog. */
    public static final class Reward {
        public final String kind;
        public final long pointsCost;
        public Integer stock;
        public Integer perMemberLimit;
        public boolean eligible = true;
        public String prizeId;
        public final Deque<String> couponCodes = new ArrayDeque<>();
        /** Confirms of this reward's reservations are answered 409 RESERVATION_EXPIRED (the reservation lapsed). */
        public boolean confirmExpires;

        Reward(String kind, long pointsCost, Integer stock) {
            this.kind = kind;
            this.pointsCost = pointsCost;
            this.stock = stock;
        }
    }

    /** A reservation at the fake catalog. */
    public static final class Reservation {
        public final String reservationId;
        public final String rewardId;
        public final String memberId;
        public final int quantity;
        public String status = "RESERVED";
        public String couponCode;
        /** Returned with {@code undelivered=true}: the redemption failed after the confirm. */
        public boolean returnedUndelivered;
        /** The ttlSeconds it was asked with: a repeat asking another is RESERVATION_CONFLICT, as at catalog. */
        public long ttlSeconds = SETTINGS_TTL;

        Reservation(String reservationId, String rewardId, String memberId, int quantity) {
            this.reservationId = reservationId;
            this.rewardId = rewardId;
            this.memberId = memberId;
            this.quantity = quantity;
        }
    }

    /** A hold at the fake ledger. */
    public static final class Hold {
        public final String holdId;
        public final String memberId;
        public final long points;
        public final String reference;
        public String status = "OPEN";
        public long returned;
        public final Map<String, Long> returns = new HashMap<>();
        /** The ttlSeconds it was asked with: a repeat asking another is HOLD_CONFLICT, as at the ledger. */
        public long ttlSeconds = SETTINGS_TTL;

        Hold(String holdId, String memberId, long points, String reference) {
            this.holdId = holdId;
            this.memberId = memberId;
            this.points = points;
            this.reference = reference;
        }
    }

    /** points.redemption.reservation-ttl-seconds and hold-ttl-seconds as the tests run. */
    public static final long SETTINGS_TTL = 900;
    public static final Map<String, Reward> REWARDS = new HashMap<>();
    public static final Map<String, Reservation> RESERVATIONS = new HashMap<>();
    public static final Map<String, Long> BALANCES = new HashMap<>();
    /** Calls to reserve a reward, by reward id: what redemption-service asked of catalog. */
    public static final Map<String, Integer> RESERVE_CALLS = new java.util.concurrent.ConcurrentHashMap<>();
    public static final Map<String, Hold> HOLDS = new HashMap<>();
    /** Members whose holds lapse just before their capture (the ledger answers 409 HOLD_NOT_OPEN). */
    public static final java.util.Set<String> HOLDS_LAPSE = java.util.concurrent.ConcurrentHashMap.newKeySet();
    public static volatile boolean catalogDown;
    public static volatile boolean ledgerDown;
    /** Run once, before the down ledger answers a call (what another driver of the saga did meanwhile). */
    public static volatile Runnable whileLedgerDown;
    /** Run once, before the ledger places the next new hold (what another request did while it was on its way). */
    public static volatile Runnable beforeHold;
    /** Requests refused for their token, with why. */
    public static final Queue<String> UNAUTHENTICATED = new ConcurrentLinkedQueue<>();

    private static final Pattern RESERVE = Pattern.compile("/api/v1/rewards/([^/]+)/reservations");
    private static final Pattern RESERVATION = Pattern.compile("/api/v1/rewards/([^/]+)/reservations/([^/]+)(/[a-z]+)?");
    private static final Pattern HOLD = Pattern.compile("/api/v1/accounts/([^/]+)/holds");
    private static final Pattern HOLD_ACTION = Pattern.compile("/api/v1/holds/([^/]+)/(capture|release|return)");
    private static final Pattern MEMBER_HOLD_ACTION = Pattern.compile("/api/v1/accounts/([^/]+)/holds/([^/]+)/(capture|release)");

    public static synchronized Reward reward(String rewardId, String kind, long pointsCost, Integer stock) {
        Reward reward = new Reward(kind, pointsCost, stock);
        REWARDS.put(rewardId, reward);
        return reward;
    }

    public static synchronized void balance(String memberId, long points) {
        BALANCES.put(memberId, points);
    }

    public static synchronized long available(String memberId) {
        return BALANCES.getOrDefault(memberId, 0L);
    }

    public static synchronized void restock(String rewardId, int stock) {
        REWARDS.get(rewardId).stock = stock;
    }

    public static synchronized Integer stock(String rewardId) {
        return REWARDS.get(rewardId).stock;
    }

    public static synchronized Hold hold(String holdId) {
        return HOLDS.get(holdId);
    }

    public static synchronized Reservation reservation(String reservationId) {
        return RESERVATIONS.get(reservationId);
    }

    /** A reservation as catalog would have made it (a saga that crashed after reserving). */
    public static synchronized Reservation reservationOf(String reservationId, String rewardId, String memberId,
                                                         int quantity) {
        Reward reward = REWARDS.get(rewardId);
        if (reward.stock != null) {
            reward.stock -= quantity;
        }
        Reservation reservation = new Reservation(reservationId, rewardId, memberId, quantity);
        RESERVATIONS.put(reservationId, reservation);
        return reservation;
    }

    /** A hold as the ledger would have made it (a saga that crashed after holding). */
    public static synchronized Hold holdOf(String holdId, String memberId, long points) {
        BALANCES.merge(memberId, -points, Long::sum);
        Hold hold = new Hold(holdId, memberId, points, "redemption:" + holdId);
        HOLDS.put(holdId, hold);
        return hold;
    }

    /** The ledger lets a hold lapse (its TTL): points back, status RELEASED_EXPIRED. */
    public static synchronized void expire(String holdId) {
        Hold hold = HOLDS.get(holdId);
        if (hold != null && "OPEN".equals(hold.status)) {
            hold.status = "RELEASED_EXPIRED";
            BALANCES.merge(hold.memberId, hold.points, Long::sum);
        }
    }

    private Vertx vertx;

    @Override
    public Map<String, String> start() {
        vertx = Vertx.vertx();
        HttpServer server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(buffer -> {
            try {
                ServiceCallers.subject(request.getHeader("Authorization"));
            } catch (IllegalArgumentException refused) {
                UNAUTHENTICATED.add(refused.getMessage());
                problem(request, 401, "UNAUTHENTICATED", refused.getMessage());
                return;
            }
            JsonObject body = buffer.length() == 0 ? new JsonObject() : buffer.toJsonObject();
            synchronized (FakeServices.class) {
                route(request, body);
            }
        }));
        try {
            server = server.listen(0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("fake services did not start", e);
        }
        String url = "http://localhost:" + server.actualPort();
        Map<String, String> config = new HashMap<>();
        config.put("quarkus.rest-client.catalog.url", url);
        config.put("quarkus.rest-client.ledger.url", url);
        config.put("points.redemption.recovery-every", "1s");
        config.put("points.redemption.recovery-stale-after", "1s");
        config.put("points.redemption.max-backoff", "1s");
        config.put("points.redemption.unavailable-deadline", "4s");
        config.put("points.rate-limit.permits", "5");
        config.put("points.rate-limit.period", "1m");
        return config;
    }

    private static void route(HttpServerRequest request, JsonObject body) {
        String path = request.path();
        Matcher m;
        if ((m = RESERVE.matcher(path)).matches() && post(request)) {
            if (!catalogUp(request)) {
                return;
            }
            reserve(request, m.group(1), body);
        } else if ((m = RESERVATION.matcher(path)).matches()) {
            if (!catalogUp(request)) {
                return;
            }
            reservationAction(request, m.group(1), m.group(2), m.group(3) == null ? "" : m.group(3).substring(1));
        } else if ((m = HOLD.matcher(path)).matches() && post(request)) {
            if (!ledgerUp(request)) {
                return;
            }
            hold(request, m.group(1), body);
        } else if ((m = HOLD_ACTION.matcher(path)).matches() && post(request)) {
            if (!ledgerUp(request)) {
                return;
            }
            holdAction(request, m.group(1), m.group(2), body);
        } else if ((m = MEMBER_HOLD_ACTION.matcher(path)).matches() && post(request)) {
            if (!ledgerUp(request)) {
                return;
            }
            Hold hold = HOLDS.get(m.group(2));
            if (hold != null && !hold.memberId.equals(m.group(1))) {
                // The ledger's answer for a hold id this member never used: not an open hold of the account.
                problem(request, 409, "HOLD_NOT_OPEN", "member " + m.group(1) + " has no open hold " + m.group(2));
                return;
            }
            holdAction(request, m.group(2), m.group(3), body);
        } else {
            problem(request, 404, "NOT_FOUND", "no route " + request.method() + " " + path);
        }
    }

    private static void reserve(HttpServerRequest request, String rewardId, JsonObject body) {
        RESERVE_CALLS.merge(rewardId, 1, Integer::sum);
        Reward reward = REWARDS.get(rewardId);
        String id = body.getString("reservationId");
        String memberId = body.getString("memberId");
        int quantity = body.getInteger("quantity", 1);
        if (reward == null) {
            problem(request, 404, "NOT_FOUND", "Reward '" + rewardId + "' does not exist");
            return;
        }
        Reservation existing = RESERVATIONS.get(id);
        if (existing != null) {
            if (!existing.memberId.equals(memberId) || existing.quantity != quantity || !existing.rewardId.equals(rewardId)
                    || existing.ttlSeconds != body.getLong("ttlSeconds", SETTINGS_TTL)) {
                problem(request, 409, "RESERVATION_CONFLICT", "another body for " + id);
            } else {
                json(request, 200, view(existing));
            }
            return;
        }
        if (("LOTTERY".equals(reward.kind) || "COUPON".equals(reward.kind)) && quantity != 1) {
            // As catalog's: the refusal of a reward it has names it.
            request.response().setStatusCode(400).putHeader("content-type", "application/problem+json")
                    .end(new JsonObject().put("status", 400).put("code", "VALIDATION_FAILED")
                            .put("detail", "quantity: must be 1 for a lottery or a coupon")
                            .put("rewardName", name(rewardId)).encode());
            return;
        }
        if (!reward.eligible) {
            request.response().setStatusCode(422).putHeader("content-type", "application/problem+json")
                    .end(new JsonObject().put("status", 422).put("code", "NOT_ELIGIBLE").put("detail", "tier too low")
                            .put("reasons", new io.vertx.core.json.JsonArray().add("TIER_TOO_LOW"))
                            .put("rewardName", name(rewardId)).encode());
            return;
        }
        if (reward.perMemberLimit != null) {
            int taken = RESERVATIONS.values().stream().filter(r -> r.rewardId.equals(rewardId)
                            && r.memberId.equals(memberId) && ("RESERVED".equals(r.status) || "CONFIRMED".equals(r.status)))
                    .mapToInt(r -> r.quantity).sum();
            if (taken + quantity > reward.perMemberLimit) {
                refused(request, "LIMIT_REACHED", "at most " + reward.perMemberLimit + " per member", rewardId);
                return;
            }
        }
        if (reward.stock != null && reward.stock < quantity) {
            refused(request, "OUT_OF_STOCK", "only " + reward.stock + " left", rewardId);
            return;
        }
        if ("COUPON".equals(reward.kind) && reward.couponCodes.isEmpty()) {
            refused(request, "OUT_OF_STOCK", "no coupon codes left", rewardId);
            return;
        }
        if (reward.stock != null) {
            reward.stock -= quantity;
        }
        Reservation reservation = new Reservation(id, rewardId, memberId, quantity);
        reservation.ttlSeconds = body.getLong("ttlSeconds", SETTINGS_TTL);
        if ("COUPON".equals(reward.kind)) {
            reservation.couponCode = reward.couponCodes.poll();
        }
        RESERVATIONS.put(id, reservation);
        json(request, 201, view(reservation));
    }

    private static void reservationAction(HttpServerRequest request, String rewardId, String id, String action) {
        Reservation r = RESERVATIONS.get(id);
        if (r == null || !r.rewardId.equals(rewardId)) {
            problem(request, 404, "NOT_FOUND", "Reservation '" + id + "' does not exist");
            return;
        }
        Reward reward = REWARDS.get(rewardId);
        switch (action) {
            case "" -> json(request, 200, view(r));
            case "confirm" -> {
                if ("RESERVED".equals(r.status) && reward.confirmExpires) {
                    r.status = "EXPIRED";
                    giveStockBack(reward, r);
                }
                switch (r.status) {
                    case "RESERVED", "CONFIRMED" -> {
                        r.status = "CONFIRMED";
                        json(request, 200, view(r));
                    }
                    case "EXPIRED" -> problem(request, 409, "RESERVATION_EXPIRED", "reservation " + id + " expired");
                    default -> problem(request, 409, "RESERVATION_RELEASED", "reservation " + id + " is " + r.status);
                }
            }
            case "release" -> {
                switch (r.status) {
                    case "RESERVED" -> {
                        r.status = "RELEASED";
                        giveStockBack(reward, r);
                        json(request, 200, view(r));
                    }
                    case "CONFIRMED", "RETURNED" -> problem(request, 409, "RESERVATION_CONFIRMED", "confirmed");
                    default -> json(request, 200, view(r));
                }
            }
            case "return" -> {
                switch (r.status) {
                    case "CONFIRMED" -> {
                        r.status = "RETURNED";
                        r.returnedUndelivered = "true".equals(request.getParam("undelivered"));
                        if (r.couponCode == null || r.returnedUndelivered) {
                            // As catalog: a coupon's code seen by its member (a cancel) is void, not stock.
                            giveStockBack(reward, r);
                        }
                        json(request, 200, view(r));
                    }
                    case "RETURNED" -> json(request, 200, view(r));
                    default -> problem(request, 409, "RESERVATION_NOT_CONFIRMED", "reservation " + id + " is " + r.status);
                }
            }
            default -> problem(request, 404, "NOT_FOUND", "no action " + action);
        }
    }

    private static void giveStockBack(Reward reward, Reservation r) {
        if (reward.stock != null) {
            reward.stock += r.quantity;
        }
        if (r.couponCode != null) {
            reward.couponCodes.addFirst(r.couponCode);
        }
    }

    private static JsonObject view(Reservation r) {
        Reward reward = REWARDS.get(r.rewardId);
        JsonObject view = new JsonObject().put("reservationId", r.reservationId).put("rewardId", r.rewardId)
                .put("rewardName", name(r.rewardId)).put("memberId", r.memberId).put("quantity", r.quantity).put("kind", reward.kind)
                .put("pointsCost", reward.pointsCost * r.quantity).put("status", r.status)
                .put("expiresAt", Instant.now().plusSeconds(900).toString());
        if ("VOUCHER".equals(reward.kind)) {
            // As catalog prices it by default: 100 points a yuan.
            view.put("voucherValue", java.math.BigDecimal.valueOf(reward.pointsCost * r.quantity, 2));
        }
        if ("LOTTERY".equals(reward.kind)) {
            view.put("lottery", new JsonObject().put("seed", "9f86d081884c7d65").put("prizeId", reward.prizeId)
                    .put("prizeName", reward.prizeId == null ? null : "Prize " + reward.prizeId));
        }
        if ("CONFIRMED".equals(r.status) && r.couponCode != null) {
            view.put("couponCode", r.couponCode);
        }
        if ("CONFIRMED".equals(r.status) && "DONATION".equals(reward.kind)) {
            view.put("donation", new JsonObject().put("cause", "trees").put("totalPoints", reward.pointsCost * r.quantity));
        }
        return view;
    }

    private static void hold(HttpServerRequest request, String memberId, JsonObject body) {
        String holdId = body.getString("holdId");
        long points = body.getLong("points");
        Hold existing = HOLDS.get(holdId);
        if (existing != null) {
            if (existing.points != points || existing.ttlSeconds != body.getLong("ttlSeconds", SETTINGS_TTL)) {
                problem(request, 409, "HOLD_CONFLICT", "hold " + holdId + " was made before with other content");
            } else {
                json(request, 200, view(existing));
            }
            return;
        }
        Runnable meanwhile = beforeHold;
        if (meanwhile != null) {
            beforeHold = null;
            meanwhile.run();
        }
        if (!BALANCES.containsKey(memberId)) {
            problem(request, 404, "NOT_FOUND", "the ledger has no account for this member");
            return;
        }
        long available = BALANCES.get(memberId);
        if (available < points) {
            problem(request, 409, "INSUFFICIENT_POINTS", "available " + available + " < " + points);
            return;
        }
        BALANCES.put(memberId, available - points);
        Hold hold = new Hold(holdId, memberId, points, body.getString("reference"));
        hold.ttlSeconds = body.getLong("ttlSeconds", SETTINGS_TTL);
        HOLDS.put(holdId, hold);
        json(request, 201, view(hold));
    }

    private static void holdAction(HttpServerRequest request, String holdId, String action, JsonObject body) {
        Hold hold = HOLDS.get(holdId);
        if (hold == null) {
            problem(request, 404, "NOT_FOUND", "no member made a hold with this id");
            return;
        }
        switch (action) {
            case "capture" -> {
                if (HOLDS_LAPSE.contains(hold.memberId)) {
                    expire(holdId);
                }
                if ("OPEN".equals(hold.status)) {
                    hold.status = "CAPTURED";
                    json(request, 201, view(hold));
                } else if ("CAPTURED".equals(hold.status)) {
                    json(request, 200, view(hold));
                } else {
                    // As the ledger: the state says how the hold closed (RELEASED or EXPIRED here).
                    problem(request, 409, "HOLD_NOT_OPEN", "hold " + holdId + " is " + hold.status,
                            "RELEASED_EXPIRED".equals(hold.status) ? "EXPIRED" : "RELEASED");
                }
            }
            case "release" -> {
                if ("OPEN".equals(hold.status)) {
                    hold.status = "RELEASED_CANCELLED";
                    BALANCES.merge(hold.memberId, hold.points, Long::sum);
                    json(request, 201, view(hold));
                } else if (hold.status.startsWith("RELEASED")) {
                    json(request, 200, view(hold));
                } else {
                    problem(request, 409, "HOLD_NOT_OPEN", "hold " + holdId + " is " + hold.status, "CAPTURED");
                }
            }
            default -> {
                String returnId = body.getString("returnId");
                if (!"CAPTURED".equals(hold.status)) {
                    problem(request, 409, "HOLD_NOT_CAPTURED", "hold " + holdId + " is " + hold.status);
                    return;
                }
                Long seen = hold.returns.get(returnId);
                if (seen == null) {
                    long points = body.getLong("points", hold.points - hold.returned);
                    if (points > hold.points - hold.returned) {
                        problem(request, 409, "RETURN_EXCEEDS_SPENT", "only " + (hold.points - hold.returned) + " left");
                        return;
                    }
                    hold.returns.put(returnId, points);
                    hold.returned += points;
                    BALANCES.merge(hold.memberId, points, Long::sum);
                    seen = points;
                }
                json(request, 200, new JsonObject().put("holdId", holdId).put("returnId", returnId)
                        .put("memberId", hold.memberId).put("points", seen).put("eventId", "points.returned:" + returnId));
            }
        }
    }

    private static JsonObject view(Hold hold) {
        return new JsonObject().put("holdId", hold.holdId).put("memberId", hold.memberId).put("points", hold.points)
                .put("status", hold.status).put("reference", hold.reference)
                .put("expiresAt", Instant.now().plusSeconds(900).toString());
    }

    private static boolean post(HttpServerRequest request) {
        return "POST".equals(request.method().name());
    }

    private static boolean catalogUp(HttpServerRequest request) {
        if (catalogDown) {
            request.response().setStatusCode(503).putHeader("content-type", "text/plain").end("catalog is restarting");
        }
        return !catalogDown;
    }

    private static boolean ledgerUp(HttpServerRequest request) {
        Runnable meanwhile = whileLedgerDown;
        if (ledgerDown && meanwhile != null) {
            whileLedgerDown = null;
            meanwhile.run();
        }
        if (ledgerDown) {
            request.response().setStatusCode(503).putHeader("content-type", "text/plain").end("ledger is restarting");
        }
        return !ledgerDown;
    }

    private static void json(HttpServerRequest request, int status, JsonObject body) {
        request.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
    }

    private static void problem(HttpServerRequest request, int status, String code, String detail) {
        problem(request, status, code, detail, null);
    }

    /** The reward's name, as catalog reads it: its reservations and refusals answer it. */
    static String name(String rewardId) {
        return "奖品 " + rewardId;
    }

    /** A 409 refusal of a reservation, naming the reward as catalog's do. */
    private static void refused(HttpServerRequest request, String code, String detail, String rewardId) {
        request.response().setStatusCode(409).putHeader("content-type", "application/problem+json")
                .end(new JsonObject().put("type", "urn:points:problem:" + code.toLowerCase()).put("status", 409)
                        .put("code", code).put("detail", detail).put("rewardName", name(rewardId)).encode());
    }

    private static void problem(HttpServerRequest request, int status, String code, String detail, String state) {
        JsonObject problem = new JsonObject().put("type", "urn:points:problem:" + code.toLowerCase()).put("status", status)
                .put("code", code).put("detail", detail);
        if (state != null) {
            problem.put("state", state);
        }
        request.response().setStatusCode(status).putHeader("content-type", "application/problem+json")
                .end(problem.encode());
    }

    @Override
    public void stop() {
        if (vertx != null) {
            vertx.close();
        }
    }
}
