package io.pointsplatform.ledger;

import static io.pointsplatform.ledger.Callers.asAdmin;
import static io.pointsplatform.ledger.Callers.asService;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pointsplatform.events.Topics;
import io.pointsplatform.testing.BadInputs;
import io.pointsplatform.testing.LocalPostgres;
import io.pointsplatform.testing.PlatformTestResource;
import io.pointsplatform.testing.TopicReader;
import io.pointsplatform.testing.Tokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Bad input on every ledger endpoint, as a table: each row is answered with its 4xx as
 * problem+json, with its code and the field by its JSON (or parameter) name, with nothing of the
 * implementation in the answer (no stack trace, Java class or SQL), and nothing changes: the row
 * counts of every ledger table and the members' records on {@code points.ledger} are the same
 * after the whole table as before it. Failures are gathered, so one run shows every wrong row.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "ledger"))
class BadInputTest {

    /** Every table of the ledger's database that a request could write. */
    private static final List<String> TABLES = List.of("entry", "member_points", "hold", "adjustment", "outbox",
            "processed_event", "qualifying_month");

    /** The body limit is 64 KB (quarkus.http.limits.max-body-size); this is over it, and valid JSON. */
    private static final int OVER_LIMIT_BYTES = 70 * 1024;

    @ConfigProperty(name = "points.test.database")
    String database;

    /** One bad request and what it must be answered with ({@code field} null: no field to name). */
    record Row(String what, String method, String path, String token, String contentType, byte[] body,
               int status, String code, String field) {

        @Override
        public String toString() {
            return method + " " + path + " — " + what;
        }
    }

    @Test
    void everyBadInputIsRefusedWithItsCodeAndChangesNothing() throws Exception {
        String member = HoldTest.credited(100);
        asService().contentType(ContentType.JSON).body(Map.of("holdId", "bad-open", "points", 10))
                .post("/api/v1/accounts/{m}/holds", member).then().statusCode(201);
        String captured = "bad-captured-" + UUID.randomUUID().toString().substring(0, 8);
        asService().contentType(ContentType.JSON).body(Map.of("holdId", captured, "points", 5))
                .post("/api/v1/accounts/{m}/holds", member).then().statusCode(201);
        asService().post("/api/v1/holds/{h}/capture", captured).then().statusCode(201);
        String adjustment = "bad-adj-" + UUID.randomUUID().toString().substring(0, 8);
        asAdmin("alice").contentType(ContentType.JSON).body(Map.of("adjustmentId", adjustment, "memberId", member,
                "points", 5, "reason", "bad input table")).post("/api/v1/adjustments").then().statusCode(201);
        Set<String> members = Set.of(member);

        List<Row> rows = rows(member, adjustment, captured);
        Map<String, Long> before = quietCounts();
        int recordsBefore = records(members);

        List<String> wrong = new ArrayList<>();
        for (Row row : rows) {
            String fault = fault(row, send(row));
            if (fault != null) {
                wrong.add(fault);
            }
        }
        assertThat(wrong).as("%d of %d rows answered wrongly", wrong.size(), rows.size()).isEmpty();

        // Nothing written: not in any table, and nothing for the members on the log.
        Thread.sleep(1_000);
        assertThat(quietCounts()).as("row counts of the ledger's tables").isEqualTo(before);
        assertThat(records(members)).as("records on points.ledger for the members used").isEqualTo(recordsBefore);
        asService().get("/api/v1/accounts/{m}", member).then().statusCode(200)
                .body("available", org.hamcrest.Matchers.equalTo(85)).body("reserved", org.hamcrest.Matchers.equalTo(10))
                .body("spent", org.hamcrest.Matchers.equalTo(5));
        asAdmin().get("/api/v1/adjustments/{id}", adjustment).then().statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("PENDING"));
    }

    /** What is wrong with the answer to ROW, or null when it is answered as the row says. */
    private static String fault(Row row, Response answer) {
        String body = answer.asString();
        String type = answer.contentType() == null ? "" : answer.contentType();
        String problem = row + ": expected " + row.status() + " " + row.code()
                + (row.field() == null ? "" : " naming " + row.field()) + ", got " + answer.statusCode() + " "
                + type + " " + abbreviated(body);
        if (answer.statusCode() != row.status() || !type.startsWith("application/problem+json")
                || !row.code().equals(answer.jsonPath().getString("code"))) {
            return problem;
        }
        if (row.field() != null) {
            List<String> fields = answer.jsonPath().getList("errors.field", String.class);
            if (fields == null || !fields.contains(row.field())) {
                return problem;
            }
        }
        if (BadInputs.LEAK.matcher(body).find()) {
            return row + ": the answer shows the implementation: " + abbreviated(body);
        }
        return null;
    }

    /** The table: the generic faults of a body on every endpoint that reads one, then each endpoint's own. */
    private static List<Row> rows(String member, String adjustment, String captured) {
        String service = Tokens.service();
        String alice = Tokens.admin("alice");
        String bob = Tokens.admin("bob");
        String holds = "/api/v1/accounts/" + member + "/holds";
        String reversals = "/api/v1/accounts/" + member + "/reversals";
        String approve = "/api/v1/adjustments/" + adjustment + "/approve";
        String reject = "/api/v1/adjustments/" + adjustment + "/reject";
        List<Row> rows = new ArrayList<>();

        Map<String, String> bodies = new LinkedHashMap<>();
        bodies.put(holds, "{\"points\":1}");
        bodies.put(reversals, "{\"refundId\":\"bad-r\",\"orderId\":\"bad-o\",\"points\":1}");
        String giveBack = "/api/v1/holds/" + captured + "/return";
        bodies.put(giveBack, "{\"returnId\":\"bad-rt\",\"points\":1}");
        bodies.put("/api/v1/adjustments", "{\"adjustmentId\":\"bad-new\",\"memberId\":\"" + member
                + "\",\"points\":1,\"reason\":\"r\"}");
        bodies.put(approve, "{\"note\":\"n\"}");
        bodies.put(reject, "{\"note\":\"n\"}");
        bodies.forEach((path, good) -> {
            String token = path.startsWith("/api/v1/adjustments/") ? bob : path.startsWith("/api/v1/adjustments") ? alice
                    : service;
            rows.add(json("malformed JSON", "POST", path, token, good.substring(0, good.length() - 1), 400,
                    "VALIDATION_FAILED", null));
            rows.add(json("not JSON at all", "POST", path, token, "points=1", 400, "VALIDATION_FAILED", null));
            rows.add(json("a JSON array where an object is expected", "POST", path, token, "[" + good + "]", 400,
                    "VALIDATION_FAILED", null));
            rows.add(json("a JSON string where an object is expected", "POST", path, token, "\"x\"", 400,
                    "VALIDATION_FAILED", null));
            rows.add(new Row("wrong content type (text/plain)", "POST", path, token, "text/plain",
                    utf8(good), 415, "UNSUPPORTED_MEDIA_TYPE", null));
            rows.add(new Row("wrong content type (form)", "POST", path, token, "application/x-www-form-urlencoded",
                    utf8("points=1"), 415, "UNSUPPORTED_MEDIA_TYPE", null));
            // The first bad byte is in the first property name, so it is read before anything else is decided.
            rows.add(new Row("a body that is not UTF-8 (Latin-1 é)", "POST", path, token, "application/json",
                    latin1("{\"caf\u00e9\":1}"), 400, "VALIDATION_FAILED", null));
            rows.add(new Row("a body over the limit", "POST", path, token, "application/json",
                    utf8(good.substring(0, good.length() - 1) + ",\"pad\":\"" + "x".repeat(OVER_LIMIT_BYTES) + "\"}"),
                    413, "PAYLOAD_TOO_LARGE", null));
            rows.add(json("an unknown property", "POST", path, token,
                    good.substring(0, good.length() - 1) + ",\"ttlSecond\":60}", 400, "VALIDATION_FAILED", "ttlSecond"));
            String first = good.substring(2, good.indexOf('"', 2));
            rows.add(json(first + " given twice", "POST", path, token, "{\"" + first + "\":\"other\"," + good.substring(1),
                    400, "VALIDATION_FAILED", first));
            rows.add(json("a number of 1 001 digits", "POST", path, token,
                    "{\"points\":" + "9".repeat(1001) + "," + good.substring(1), 400, "VALIDATION_FAILED", null));
        });

        // POST /accounts/{memberId}/holds
        rows.add(json("no body fields", "POST", holds, service, "{}", 400, "VALIDATION_FAILED", "points"));
        rows.add(json("points missing", "POST", holds, service, "{\"reference\":\"r\"}", 400, "VALIDATION_FAILED", "points"));
        rows.add(json("points null", "POST", holds, service, "{\"points\":null}", 400, "VALIDATION_FAILED", "points"));
        rows.add(json("points negative", "POST", holds, service, "{\"points\":-5}", 400, "VALIDATION_FAILED", "points"));
        rows.add(json("points zero", "POST", holds, service, "{\"points\":0}", 400, "VALIDATION_FAILED", "points"));
        rows.add(json("points huge", "POST", holds, service, "{\"points\":1000000001}", 400, "VALIDATION_FAILED", "points"));
        rows.add(json("points beyond a long", "POST", holds, service, "{\"points\":99999999999999999999}", 400,
                "VALIDATION_FAILED", "points"));
        rows.add(json("points a fraction", "POST", holds, service, "{\"points\":1.5}", 400, "VALIDATION_FAILED", "points"));
        rows.add(json("points a string", "POST", holds, service, "{\"points\":\"1\"}", 400, "VALIDATION_FAILED", "points"));
        rows.add(json("points a boolean", "POST", holds, service, "{\"points\":true}", 400, "VALIDATION_FAILED", "points"));
        rows.add(json("points an object", "POST", holds, service, "{\"points\":{}}", 400, "VALIDATION_FAILED", "points"));
        rows.add(json("ttlSeconds zero", "POST", holds, service, "{\"points\":1,\"ttlSeconds\":0}", 400,
                "VALIDATION_FAILED", "ttlSeconds"));
        rows.add(json("ttlSeconds negative", "POST", holds, service, "{\"points\":1,\"ttlSeconds\":-1}", 400,
                "VALIDATION_FAILED", "ttlSeconds"));
        rows.add(json("ttlSeconds over a day", "POST", holds, service, "{\"points\":1,\"ttlSeconds\":86401}", 400,
                "VALIDATION_FAILED", "ttlSeconds"));
        rows.add(json("ttlSeconds a string", "POST", holds, service, "{\"points\":1,\"ttlSeconds\":\"60\"}", 400,
                "VALIDATION_FAILED", "ttlSeconds"));
        rows.add(json("reference a number", "POST", holds, service, "{\"points\":1,\"reference\":5}", 400,
                "VALIDATION_FAILED", "reference"));
        rows.add(json("reference blank", "POST", holds, service, "{\"points\":1,\"reference\":\" \"}", 400,
                "VALIDATION_FAILED", "reference"));
        // Blank as the events count it (String.isBlank): an ideographic space, an em space, U+001C.
        rows.add(json("reference of Unicode spaces", "POST", holds, service,
                "{\"points\":1,\"reference\":\"\u3000\u2003\\u001c\"}", 400, "VALIDATION_FAILED", "reference"));
        rows.add(json("reference too long", "POST", holds, service, "{\"points\":1,\"reference\":\"" + "r".repeat(201)
                + "\"}", 400, "VALIDATION_FAILED", "reference"));
        rows.add(json("reference with U+0000", "POST", holds, service, "{\"points\":1,\"reference\":\"a\\u0000\"}", 400,
                "VALIDATION_FAILED", "reference"));
        rows.add(json("holdId malformed", "POST", holds, service, "{\"holdId\":\"no spaces\",\"points\":1}", 400,
                "VALIDATION_FAILED", "holdId"));
        rows.add(json("holdId too long", "POST", holds, service, "{\"holdId\":\"" + "h".repeat(65) + "\",\"points\":1}",
                400, "VALIDATION_FAILED", "holdId"));
        rows.add(json("a member id that is not an id", "POST", "/api/v1/accounts/not%20an%20id/holds", service,
                "{\"points\":1}", 400, "VALIDATION_FAILED", "memberId"));
        rows.add(json("a member id too long", "POST", "/api/v1/accounts/" + "m".repeat(65) + "/holds", service,
                "{\"points\":1}", 400, "VALIDATION_FAILED", "memberId"));

        // Capture and release, by member and hold, and by hold alone.
        for (String action : List.of("capture", "release")) {
            rows.add(none("a hold id that is not an id", "POST", holds + "/not%20an%20id/" + action, service, 400,
                    "VALIDATION_FAILED", "holdId"));
            rows.add(none("a hold id too long", "POST", holds + "/" + "h".repeat(65) + "/" + action, service, 400,
                    "VALIDATION_FAILED", "holdId"));
            rows.add(none("a member id that is not an id", "POST", "/api/v1/accounts/bad%21/holds/bad-open/" + action,
                    service, 400, "VALIDATION_FAILED", "memberId"));
            rows.add(none("a hold id that is not an id", "POST", "/api/v1/holds/not%20an%20id/" + action, service, 400,
                    "VALIDATION_FAILED", "holdId"));
            rows.add(none("a hold id too long", "POST", "/api/v1/holds/" + "h".repeat(65) + "/" + action, service, 400,
                    "VALIDATION_FAILED", "holdId"));
        }

        // POST /holds/{holdId}/return
        String[][] badReturns = {
            {"returnId missing", "{\"points\":1}", "returnId"},
            {"returnId null", "{\"returnId\":null}", "returnId"},
            {"returnId not an id", "{\"returnId\":\"r 1\"}", "returnId"},
            {"returnId too long", "{\"returnId\":\"" + "r".repeat(65) + "\"}", "returnId"},
            {"returnId a number", "{\"returnId\":5}", "returnId"},
            {"points zero", "{\"returnId\":\"r\",\"points\":0}", "points"},
            {"points negative", "{\"returnId\":\"r\",\"points\":-1}", "points"},
            {"points huge", "{\"returnId\":\"r\",\"points\":1000000001}", "points"},
            {"points a fraction", "{\"returnId\":\"r\",\"points\":1.5}", "points"},
            {"points a string", "{\"returnId\":\"r\",\"points\":\"1\"}", "points"},
            {"reference blank", "{\"returnId\":\"r\",\"reference\":\" \"}", "reference"},
            {"reference of Unicode spaces", "{\"returnId\":\"r\",\"reference\":\"\u3000\"}", "reference"},
            {"reference too long", "{\"returnId\":\"r\",\"reference\":\"" + "r".repeat(201) + "\"}", "reference"},
        };
        for (String[] bad : badReturns) {
            rows.add(json(bad[0], "POST", giveBack, service, bad[1], 400, "VALIDATION_FAILED", bad[2]));
        }
        for (String path : List.of(holds, giveBack)) {
            rows.add(json("a JSON null body", "POST", path, service, "null", 400, "VALIDATION_FAILED", null));
            rows.add(new Row("an empty body", "POST", path, service, "application/json", new byte[0], 400,
                    "VALIDATION_FAILED", null));
        }
        rows.add(json("a hold id that is not an id", "POST", "/api/v1/holds/not%20an%20id/return", service,
                "{\"returnId\":\"r\"}", 400, "VALIDATION_FAILED", "holdId"));
        rows.add(json("a hold id too long", "POST", "/api/v1/holds/" + "h".repeat(65) + "/return", service,
                "{\"returnId\":\"r\"}", 400, "VALIDATION_FAILED", "holdId"));

        // POST /accounts/{memberId}/reversals
        rows.add(json("refundId missing", "POST", reversals, service, "{\"orderId\":\"o\",\"points\":1}", 400,
                "VALIDATION_FAILED", "refundId"));
        rows.add(json("orderId missing", "POST", reversals, service, "{\"refundId\":\"r\",\"points\":1}", 400,
                "VALIDATION_FAILED", "orderId"));
        rows.add(json("points missing", "POST", reversals, service, "{\"refundId\":\"r\",\"orderId\":\"o\"}", 400,
                "VALIDATION_FAILED", "points"));
        rows.add(json("points zero", "POST", reversals, service, "{\"refundId\":\"r\",\"orderId\":\"o\",\"points\":0}",
                400, "VALIDATION_FAILED", "points"));
        rows.add(json("points negative", "POST", reversals, service,
                "{\"refundId\":\"r\",\"orderId\":\"o\",\"points\":-1}", 400, "VALIDATION_FAILED", "points"));
        rows.add(json("points huge", "POST", reversals, service,
                "{\"refundId\":\"r\",\"orderId\":\"o\",\"points\":1000000000000001}", 400, "VALIDATION_FAILED", "points"));
        rows.add(json("points a string", "POST", reversals, service,
                "{\"refundId\":\"r\",\"orderId\":\"o\",\"points\":\"5\"}", 400, "VALIDATION_FAILED", "points"));
        rows.add(json("refundId a number", "POST", reversals, service, "{\"refundId\":5,\"orderId\":\"o\",\"points\":1}",
                400, "VALIDATION_FAILED", "refundId"));
        rows.add(json("refundId not an id", "POST", reversals, service,
                "{\"refundId\":\"r 1\",\"orderId\":\"o\",\"points\":1}", 400, "VALIDATION_FAILED", "refundId"));
        rows.add(json("lotId not a lot id", "POST", reversals, service,
                "{\"refundId\":\"r\",\"orderId\":\"o\",\"lotId\":\"a b\",\"points\":1}", 400, "VALIDATION_FAILED",
                "lotId"));
        rows.add(json("a member id that is not an id", "POST", "/api/v1/accounts/bad%21/reversals", service,
                "{\"refundId\":\"r\",\"orderId\":\"o\",\"points\":1}", 400, "VALIDATION_FAILED", "memberId"));

        // GET /accounts/{memberId} and its entries
        rows.add(none("a member id that is not an id", "GET", "/api/v1/accounts/not%20an%20id", service, 400,
                "VALIDATION_FAILED", "memberId"));
        rows.add(none("a member id too long", "GET", "/api/v1/accounts/" + "m".repeat(65), service, 400,
                "VALIDATION_FAILED", "memberId"));
        String entries = "/api/v1/accounts/" + member + "/entries";
        rows.add(none("?limit=abc", "GET", entries + "?limit=abc", service, 400, "VALIDATION_FAILED", "limit"));
        rows.add(none("limit given twice", "GET", entries + "?limit=1&limit=2", service, 400, "VALIDATION_FAILED",
                "limit"));
        rows.add(none("?limit=1.5", "GET", entries + "?limit=1.5", service, 400, "VALIDATION_FAILED", "limit"));
        rows.add(none("?limit=0", "GET", entries + "?limit=0", service, 400, "VALIDATION_FAILED", "limit"));
        rows.add(none("?limit=-1", "GET", entries + "?limit=-1", service, 400, "VALIDATION_FAILED", "limit"));
        rows.add(none("?limit=201", "GET", entries + "?limit=201", service, 400, "VALIDATION_FAILED", "limit"));
        rows.add(none("?cursor=abc", "GET", entries + "?cursor=abc", service, 400, "VALIDATION_FAILED", "cursor"));
        rows.add(none("?cursor=-1", "GET", entries + "?cursor=-1", service, 400, "VALIDATION_FAILED", "cursor"));
        rows.add(none("a cursor of 20 digits", "GET", entries + "?cursor=" + "9".repeat(20), service, 400,
                "VALIDATION_FAILED", "cursor"));
        rows.add(none("a cursor of 19 digits beyond a long", "GET", entries + "?cursor=" + "9".repeat(19), service, 400,
                "VALIDATION_FAILED", "cursor"));
        rows.add(none("a member id that is not an id", "GET", "/api/v1/accounts/bad%21/entries", service, 400,
                "VALIDATION_FAILED", "memberId"));

        // POST /adjustments
        String adjustments = "/api/v1/adjustments";
        String valid = "\"adjustmentId\":\"bad-new\",\"memberId\":\"" + member + "\"";
        rows.add(json("requestedBy in the body", "POST", adjustments, alice,
                "{" + valid + ",\"points\":1,\"reason\":\"r\",\"requestedBy\":\"mallory\"}", 400, "VALIDATION_FAILED",
                "requestedBy"));
        rows.add(json("points zero", "POST", adjustments, alice, "{" + valid + ",\"points\":0,\"reason\":\"r\"}", 400,
                "VALIDATION_FAILED", "points"));
        rows.add(json("points huge", "POST", adjustments, alice, "{" + valid + ",\"points\":1000000001,\"reason\":\"r\"}",
                400, "VALIDATION_FAILED", "points"));
        rows.add(json("points hugely negative", "POST", adjustments, alice,
                "{" + valid + ",\"points\":-1000000001,\"reason\":\"r\"}", 400, "VALIDATION_FAILED", "points"));
        rows.add(json("points a fraction", "POST", adjustments, alice, "{" + valid + ",\"points\":2.5,\"reason\":\"r\"}",
                400, "VALIDATION_FAILED", "points"));
        rows.add(json("points missing", "POST", adjustments, alice, "{" + valid + ",\"reason\":\"r\"}", 400,
                "VALIDATION_FAILED", "points"));
        rows.add(json("reason missing", "POST", adjustments, alice, "{" + valid + ",\"points\":1}", 400,
                "VALIDATION_FAILED", "reason"));
        rows.add(json("reason blank", "POST", adjustments, alice, "{" + valid + ",\"points\":1,\"reason\":\" \"}", 400,
                "VALIDATION_FAILED", "reason"));
        rows.add(json("reason too long", "POST", adjustments, alice,
                "{" + valid + ",\"points\":1,\"reason\":\"" + "r".repeat(501) + "\"}", 400, "VALIDATION_FAILED", "reason"));
        rows.add(json("memberId missing", "POST", adjustments, alice,
                "{\"adjustmentId\":\"bad-new\",\"points\":1,\"reason\":\"r\"}", 400, "VALIDATION_FAILED", "memberId"));
        rows.add(json("adjustmentId not an id", "POST", adjustments, alice,
                "{\"adjustmentId\":\"a b\",\"memberId\":\"" + member + "\",\"points\":1,\"reason\":\"r\"}", 400,
                "VALIDATION_FAILED", "adjustmentId"));

        // Approve and reject
        for (String path : List.of(approve, reject)) {
            for (String name : List.of("by", "approvedBy", "rejectedBy")) {
                rows.add(json("the decider named in the body (" + name + ")", "POST", path, bob,
                        "{\"" + name + "\":\"bob\"}", 400, "VALIDATION_FAILED", name));
            }
            rows.add(json("note blank", "POST", path, bob, "{\"note\":\" \"}", 400, "VALIDATION_FAILED", "note"));
            rows.add(json("note too long", "POST", path, bob, "{\"note\":\"" + "n".repeat(501) + "\"}", 400,
                    "VALIDATION_FAILED", "note"));
            rows.add(json("note a number", "POST", path, bob, "{\"note\":5}", 400, "VALIDATION_FAILED", "note"));
        }
        rows.add(json("an adjustment id that is not an id", "POST", "/api/v1/adjustments/a%20b/approve", bob, "{}", 400,
                "VALIDATION_FAILED", "adjustmentId"));
        rows.add(json("an adjustment id that is not an id", "POST", "/api/v1/adjustments/a%20b/reject", bob, "{}", 400,
                "VALIDATION_FAILED", "adjustmentId"));
        rows.add(none("no body and no content type", "POST", approve, bob, 415, "UNSUPPORTED_MEDIA_TYPE", null));
        rows.add(none("an adjustment id that is not an id", "GET", "/api/v1/adjustments/a%20b", bob, 400,
                "VALIDATION_FAILED", "adjustmentId"));
        rows.add(none("an adjustment id too long", "GET", "/api/v1/adjustments/" + "a".repeat(65), bob, 400,
                "VALIDATION_FAILED", "adjustmentId"));
        // The requester deciding its own request is refused, with nothing changed either.
        rows.add(json("the requester approving its own request", "POST", approve, alice, "{}", 403,
                "SELF_APPROVAL", null));
        rows.add(json("the requester rejecting its own request", "POST", reject, alice, "{}", 403,
                "SELF_APPROVAL", null));
        return rows;
    }

    private static Row json(String what, String method, String path, String token, String body, int status, String code,
                            String field) {
        return new Row(what, method, path, token, "application/json", utf8(body), status, code, field);
    }

    private static Row none(String what, String method, String path, String token, int status, String code,
                            String field) {
        return new Row(what, method, path, token, null, null, status, code, field);
    }

    private static Response send(Row row) {
        RequestSpecification request = given().urlEncodingEnabled(false).auth().oauth2(row.token());
        if (row.body() != null && row.contentType().startsWith("application/x-www-form-urlencoded")) {
            // RestAssured encodes a form body itself, from text.
            request = request.contentType(row.contentType()).body(new String(row.body(), StandardCharsets.UTF_8));
        } else if (row.body() != null) {
            request = request.contentType(row.contentType()).body(row.body());
        }
        return request.request(row.method(), row.path()).andReturn();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] latin1(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String abbreviated(String body) {
        return body.length() > 400 ? body.substring(0, 400) + "…" : body;
    }

    /** The row count of each table, once the relay has published what was decided and it stays so. */
    private Map<String, Long> quietCounts() throws Exception {
        AtomicReference<Map<String, Long>> last = new AtomicReference<>(counts());
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
            Map<String, Long> now = counts();
            return now.equals(last.getAndSet(now)) && now.get("outbox") == 0;
        });
        return last.get();
    }

    private Map<String, Long> counts() throws Exception {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (var c = DriverManager.getConnection(LocalPostgres.jdbcUrl(database), LocalPostgres.USER, LocalPostgres.PASSWORD);
             var s = c.createStatement()) {
            for (String table : TABLES) {
                try (var rows = s.executeQuery("select count(*) from " + table)) {
                    rows.next();
                    counts.put(table, rows.getLong(1));
                }
            }
        }
        return counts;
    }

    private static int records(Set<String> members) {
        return TopicReader.all(Topics.POINTS_LEDGER, r -> members.contains(r.key())).size();
    }
}
