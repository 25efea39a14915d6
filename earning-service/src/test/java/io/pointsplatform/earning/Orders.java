package io.pointsplatform.earning;

import static io.pointsplatform.earning.Callers.asCheckout;

import io.quarkus.arc.Arc;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Orders as checkout sends them, for tests. */
public final class Orders {

    /** A mid-month instant (not member day in Asia/Shanghai). */
    public static final String MID_MONTH = "2026-11-15T04:00:00Z";

    private Orders() {
    }

    public static String id(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    /**
     * A new member id, enrolled: orders are only for enrolled members (422 UNKNOWN_MEMBER otherwise).
     * The member row is written straight to the database, without the enrolment's events and
     * sign-up bonus (EnrolmentTest covers those), so the member's only credits on points.ledger
     * are the ones a test makes.
     */
    public static String member() {
        String memberId = id("m");
        enrol(memberId);
        return memberId;
    }

    /** Enrols these member ids as {@link #member()} does; ids already enrolled are left as they are. */
    public static void enrol(String... memberIds) {
        Arc.container().instance(Pool.class).get()
                .preparedQuery("insert into member (member_id, enrolled_at) select m, now() from unnest($1::text[]) m"
                        + " on conflict (member_id) do nothing")
                .execute(Tuple.of((Object) memberIds)).await().atMost(Duration.ofSeconds(30));
    }

    public static Map<String, Object> line(String sku, String category, int quantity, String unitPrice, boolean promotional) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("sku", sku);
        line.put("category", category);
        line.put("quantity", quantity);
        line.put("unitPrice", unitPrice);
        line.put("promotional", promotional);
        return line;
    }

    public static Map<String, Object> line(String unitPrice) {
        return line("sku-1", "grocery", 1, unitPrice, false);
    }

    public static Map<String, Object> order(String orderId, String memberId, String paidAt, List<Map<String, Object>> lines) {
        Map<String, Object> order = new LinkedHashMap<>();
        order.put("orderId", orderId);
        order.put("memberId", memberId);
        order.put("paidAt", paidAt);
        order.put("currency", "CNY");
        order.put("lines", lines);
        return order;
    }

    public static ValidatableResponse earn(Map<String, Object> order) {
        return asCheckout().contentType(ContentType.JSON).body(order).post("/api/v1/earnings").then();
    }

    public static ValidatableResponse preview(Map<String, Object> order) {
        return asCheckout().contentType(ContentType.JSON).body(order).post("/api/v1/earnings/preview").then();
    }
}
