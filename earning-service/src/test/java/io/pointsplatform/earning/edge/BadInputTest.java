package io.pointsplatform.earning.edge;

import static io.pointsplatform.earning.Callers.asAdmin;
import static io.pointsplatform.earning.Callers.asCheckout;
import static io.pointsplatform.earning.Orders.MID_MONTH;
import static io.pointsplatform.earning.Orders.earn;
import static io.pointsplatform.earning.Orders.id;
import static io.pointsplatform.earning.Orders.line;
import static io.pointsplatform.earning.Orders.member;
import static io.pointsplatform.earning.Orders.order;
import static org.assertj.core.api.Assertions.assertThat;

import io.pointsplatform.earning.refund.FakeLedger;
import io.pointsplatform.events.Topics;
import io.pointsplatform.kit.idempotency.IdempotencyKeys;
import io.pointsplatform.kit.outbox.OutboxRelay;
import io.pointsplatform.testing.BadInputs;
import io.pointsplatform.testing.PlatformTestResource;
import io.pointsplatform.testing.TopicReader;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.config.EncoderConfig;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * A table of bad input for every earning endpoint: what JSON parsers, content negotiation and the
 * body limit refuse for every body alike, then each endpoint's own mistakes and the three
 * decisions of docs/earning.md ("Bad input"): an order or activity for a member never enrolled,
 * a refund beyond what the order has left, a purchase or activity dated past the clock skew. Each
 * row must be the right 4xx as problem+json with its code (and the field at fault), say nothing of
 * the code behind it (no stack trace, Java class or SQL), and change nothing: every table of
 * earning's database holds what it held, and nothing was published for the ids the rows used.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "earning"))
@WithTestResource(FakeLedger.class)
class BadInputTest {

    /** More than quarkus.http.limits.max-body-size (1M). */
    private static final int OVER_THE_LIMIT_BYTES = 1024 * 1024 + 1024;

    /** Tables whose rows only requests change (the others: the relay, the ledger's consumer, the reversal dispatcher). */
    private static final Set<String> COUNTED_ONLY = Set.of("outbox", "refund", "processed_event", "member_tier");

    @Inject
    Pool pool;

    @Inject
    OutboxRelay relay;

    /** One bad request and the answer it must get. */
    record Bad(String what, String method, String path, String role, String contentType, byte[] body,
               Map<String, String> headers, int status, String code, String field) {

        Bad header(String name, String value) {
            return new Bad(what, method, path, role, contentType, body, Map.of(name, value), status, code, field);
        }

        @Override
        public String toString() {
            return method + " " + path + " with " + what;
        }
    }

    /** A body endpoint: a valid body to break, a required field, a field whose JSON type to get wrong. */
    record Endpoint(String method, String path, String role, JsonObject valid, String required, String textField,
                    String typedField, Object wrongValue) {
    }

    @Test
    void everyBadInputIsARefusalWithItsCodeAndChangesNothing() {
        // What the rows refer to: enrolled without events, so any record of them on a topic is a leak.
        String memberId = member();
        String orderId = id("o");
        earn(order(orderId, member(), MID_MONTH, List.of(line("a", "x", 1, "40.00", false)))).statusCode(201);
        String ruleId = id("rule");
        asAdmin().contentType(ContentType.JSON).body(rule(ruleId).encode()).post("/api/v1/rules").then().statusCode(201);
        String campaignId = id("c");
        asAdmin().contentType(ContentType.JSON).body(campaign(campaignId).encode()).post("/api/v1/campaigns").then()
                .statusCode(201);
        String ghost = id("ghost");
        String newMember = id("m");
        Set<String> ids = Set.of(memberId, ghost, newMember);

        List<Bad> table = table(memberId, orderId, ruleId, campaignId, ghost, newMember);
        relay.drained(Duration.ofSeconds(30)).await().indefinitely();
        Map<String, String> before = snapshot();

        List<String> wrong = new ArrayList<>();
        for (Bad bad : table) {
            check(bad, send(bad), wrong);
        }

        relay.drained(Duration.ofSeconds(30)).await().indefinitely();
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(wrong).as(wrong.size() + " of " + table.size() + " rows are wrong:\n  "
                + String.join("\n  ", wrong)).isEmpty();
        softly.assertThat(snapshot()).as("earning's tables after the bad requests").isEqualTo(before);
        // Published after every row was answered: once it is on both topics, anything a row
        // had written to the outbox before it would be there too.
        String marker = id("m");
        asCheckout().contentType(ContentType.JSON).body(Map.of("memberId", marker)).post("/api/v1/members").then()
                .statusCode(201);
        TopicReader.awaitKey(Topics.MEMBERS, marker, 1);
        TopicReader.awaitKey(Topics.POINTS_LEDGER, marker, 1);
        softly.assertThat(TopicReader.all(Topics.MEMBERS, r -> ids.contains(r.key()))).as("on members").isEmpty();
        softly.assertThat(TopicReader.all(Topics.POINTS_LEDGER, r -> ids.contains(r.key()))).as("on points.ledger")
                .isEmpty();
        softly.assertAll();
    }

    private static List<Bad> table(String memberId, String orderId, String ruleId, String campaignId, String ghost,
                                   String newMember) {
        String later = Instant.now().plusSeconds(120).toString();
        JsonObject newOrder = new JsonObject().put("orderId", id("o")).put("memberId", memberId)
                .put("purchasedAt", MID_MONTH).put("lines", new JsonArray().add(new JsonObject().put("sku", "a")
                        .put("quantity", 1).put("unitPrice", "10.00")));
        List<Endpoint> endpoints = List.of(
                new Endpoint("POST", "/api/v1/members", "checkout", new JsonObject().put("memberId", newMember),
                        "memberId", "memberId", "name", 5),
                new Endpoint("POST", "/api/v1/earnings", "checkout", newOrder, "lines", "orderId", "lines",
                        new JsonArray().add(new JsonObject().put("sku", "a").put("quantity", "3").put("unitPrice", "1"))),
                new Endpoint("POST", "/api/v1/earnings/preview", "checkout", newOrder, "purchasedAt", "orderId",
                        "currency", 1),
                new Endpoint("POST", "/api/v1/earnings/" + orderId + "/refunds", "checkout",
                        new JsonObject().put("refundId", id("r")).put("amount", "1.00"), "refundId", "refundId",
                        "amount", true),
                new Endpoint("POST", "/api/v1/activities", "checkout",
                        new JsonObject().put("memberId", memberId).put("kind", "CHECKIN"), "memberId", "memberId",
                        "kind", 5),
                new Endpoint("POST", "/api/v1/rules", "admin", rule(id("rule")), "kind", "category", "points", "2"),
                new Endpoint("PUT", "/api/v1/rules/" + ruleId, "admin", rule(ruleId), "kind", "category", "multiplier",
                        true),
                new Endpoint("POST", "/api/v1/campaigns", "admin", campaign(id("c")), "campaignId", "campaignId",
                        "budget", 1.5),
                new Endpoint("PUT", "/api/v1/campaigns/" + campaignId, "admin", campaign(campaignId), "startsAt", "sku",
                        "active", "yes"),
                new Endpoint("POST", "/api/v1/campaigns/" + campaignId + "/grants", "admin",
                        new JsonObject().put("grantId", id("g")).put("points", 5)
                                .put("memberIds", new JsonArray().add(memberId)), "grantId", "grantId", "points", "5"),
                new Endpoint("PUT", "/api/v1/members/" + memberId + "/contact", "admin",
                        new JsonObject().put("locale", "en"), "locale", "locale", "locale", 5));

        List<Bad> table = new ArrayList<>();
        for (Endpoint e : endpoints) {
            byte[] valid = bytes(e.valid().encode());
            table.add(bad(e, "malformed JSON", bytes(e.valid().encode().substring(0, 12)), 400, "VALIDATION_FAILED", null));
            table.add(bad(e, "a JSON array", bytes("[" + e.valid().encode() + "]"), 400, "VALIDATION_FAILED", null));
            table.add(bad(e, "a JSON string", bytes("\"" + e.valid().getString(e.textField()) + "\""), 400,
                    "VALIDATION_FAILED", null));
            table.add(bad(e, "JSON null", bytes("null"), 400, "VALIDATION_FAILED", null));
            table.add(bad(e, "no body", new byte[0], 400, "VALIDATION_FAILED", null));
            table.add(new Bad("a text/plain body", e.method(), e.path(), e.role(), "text/plain", valid, Map.of(), 415,
                    "UNSUPPORTED_MEDIA_TYPE", null));
            table.add(new Bad("an XML body", e.method(), e.path(), e.role(), "application/xml",
                    bytes("<request/>"), Map.of(), 415, "UNSUPPORTED_MEDIA_TYPE", null));
            table.add(bad(e, "a body that is not UTF-8", notUtf8(e.valid(), e.textField()), 400, "VALIDATION_FAILED",
                    null));
            table.add(bad(e, "a body over the limit", overTheLimit(e.valid(), e.textField()), 413, "PAYLOAD_TOO_LARGE",
                    null));
            table.add(bad(e, "an unknown property", bytes(e.valid().copy().put("nope", 1).encode()), 400,
                    "VALIDATION_FAILED", "nope"));
            // Parsers disagree on which of two values counts: neither is taken.
            table.add(bad(e, e.textField() + " given twice",
                    bytes("{\"" + e.textField() + "\":\"other\"," + e.valid().encode().substring(1)), 400,
                    "VALIDATION_FAILED", e.textField()));
            JsonObject withoutTyped = e.valid().copy();
            withoutTyped.remove(e.typedField());
            table.add(bad(e, "a number of 1 001 digits", bytes("{\"" + e.typedField() + "\":" + "9".repeat(1001)
                    + (withoutTyped.isEmpty() ? "}" : "," + withoutTyped.encode().substring(1))), 400,
                    "VALIDATION_FAILED", null));
            String typedField = e.typedField().equals("lines") ? "lines[0].quantity" : e.typedField();
            table.add(bad(e, "a wrong JSON type for " + e.typedField(),
                    bytes(e.valid().copy().put(e.typedField(), e.wrongValue()).encode()), 400, "VALIDATION_FAILED",
                    typedField));
            JsonObject missing = e.valid().copy();
            missing.remove(e.required());
            // Named as CONTRACT.md names it (until 2026-12-05 a missing purchasedAt was reported as paidAt).
            table.add(bad(e, "no " + e.required(), bytes(missing.encode()), 400, "VALIDATION_FAILED", e.required()));
            table.add(bad(e, "a U+0000 in " + e.textField(),
                    bytes(e.valid().copy().put(e.textField(), "a\u0000b").encode()), 400, "VALIDATION_FAILED",
                    e.textField()));
        }

        String badId = "has space";
        String longId = "x".repeat(65);
        Endpoint members = endpoints.get(0);
        Endpoint earnings = endpoints.get(1);
        Endpoint preview = endpoints.get(2);
        Endpoint refunds = endpoints.get(3);
        Endpoint activities = endpoints.get(4);
        Endpoint grants = endpoints.get(9);

        // Enrolment.
        table.add(bad(members, "an id with a space", json(members.valid().copy().put("memberId", badId)), 400,
                "VALIDATION_FAILED", "memberId"));
        table.add(bad(members, "a member referring itself",
                json(members.valid().copy().put("referredBy", newMember)), 400, "VALIDATION_FAILED", "referredBy"));
        table.add(bad(members, "a referrer never enrolled", json(members.valid().copy().put("referredBy", ghost)), 422,
                "UNKNOWN_REFERRER", null));
        table.add(bad(members, "a bad Idempotency-Key", json(members.valid()), 400, "VALIDATION_FAILED",
                "Idempotency-Key").header(IdempotencyKeys.HEADER, "k".repeat(256)));

        table.add(bad(members, "a locale other than zh-CN or en", json(members.valid().copy().put("locale", "fr")), 400,
                "VALIDATION_FAILED", "locale"));
        table.add(bad(members, "an e-mail address without @", json(members.valid().copy().put("email", "li.example.com")),
                400, "VALIDATION_FAILED", "email"));
        table.add(bad(members, "an e-mail address of 255 characters",
                json(members.valid().copy().put("email", "a".repeat(64) + "@" + "b".repeat(186) + ".com")), 400,
                "VALIDATION_FAILED", "email"));

        // A member's locale and address.
        Endpoint contact = endpoints.get(10);
        table.add(bad(contact, "a locale other than zh-CN or en", json(new JsonObject().put("locale", "zh-TW")), 400,
                "VALIDATION_FAILED", "locale"));
        table.add(bad(contact, "an address that is not one", json(new JsonObject().put("email", "li lei@example")), 400,
                "VALIDATION_FAILED", "email"));
        table.add(bad(contact, "nothing to change", json(new JsonObject()), 400, "VALIDATION_FAILED", "locale"));
        table.add(new Bad("a member never enrolled", "PUT", "/api/v1/members/" + ghost + "/contact", "admin",
                "application/json", bytes(contact.valid().encode()), Map.of(), 404, "NOT_FOUND", null));
        table.add(new Bad("a memberId with a space", "PUT", "/api/v1/members/has%20space/contact", "admin",
                "application/json", bytes(contact.valid().encode()), Map.of(), 400, "VALIDATION_FAILED", "memberId"));

        // Orders and previews: the decisions, then the order's own limits.
        for (Endpoint e : List.of(earnings, preview)) {
            table.add(bad(e, "a member never enrolled", json(e.valid().copy().put("memberId", ghost)), 422,
                    "UNKNOWN_MEMBER", null));
            table.add(bad(e, "purchasedAt two minutes ahead", json(e.valid().copy().put("purchasedAt", later)), 400,
                    "VALIDATION_FAILED", "purchasedAt"));
            JsonObject paidAt = e.valid().copy();
            paidAt.remove("purchasedAt");
            table.add(bad(e, "paidAt two minutes ahead", json(paidAt.put("paidAt", later)), 400, "VALIDATION_FAILED",
                    "purchasedAt"));
            table.add(bad(e, "no lines", json(e.valid().copy().put("lines", new JsonArray())), 400, "VALIDATION_FAILED",
                    "lines"));
            table.add(bad(e, "a price of three decimals", json(e.valid().copy().put("lines", new JsonArray().add(
                    new JsonObject().put("sku", "a").put("quantity", 1).put("unitPrice", "1.005")))), 400,
                    "VALIDATION_FAILED", "lines[0].unitPrice"));
            // Past the parser's limit on a number's length: its message names a Java method, which must not show.
            table.add(bad(e, "a price of 2 001 digits", bytes(e.valid().copy().put("lines", new JsonArray().add(
                    new JsonObject().put("sku", "a").put("quantity", 1).put("unitPrice", 0))).encode()
                    .replace("\"unitPrice\":0", "\"unitPrice\":1" + "0".repeat(2000))), 400, "VALIDATION_FAILED", null));
            table.add(bad(e, "USD", json(e.valid().copy().put("currency", "USD")), 400, "VALIDATION_FAILED",
                    "currency"));
        }

        // Refunds: the decision, the lines, the path.
        table.add(bad(refunds, "more than the order has left", json(refunds.valid().copy().put("amount", "40.01")),
                422, "REFUND_EXCEEDS_ORDER", "amount"));
        JsonObject twoOfA = refunds.valid().copy();
        twoOfA.remove("amount");
        twoOfA.put("lines", new JsonArray().add(new JsonObject().put("sku", "a").put("quantity", 2)));
        table.add(bad(refunds, "more of a line than was bought", json(twoOfA), 422, "REFUND_EXCEEDS_LINE",
                "lines[0]"));
        JsonObject unknownSku = twoOfA.copy().put("lines", new JsonArray().add(new JsonObject().put("sku", "zz")
                .put("quantity", 1)));
        table.add(bad(refunds, "a SKU the order does not have", json(unknownSku), 422, "UNKNOWN_SKU", "lines[0]"));
        table.add(bad(refunds, "both lines and amount", json(twoOfA.copy().put("amount", "1.00")), 400,
                "VALIDATION_FAILED", "amount"));
        table.add(bad(refunds, "neither lines nor amount", json(new JsonObject().put("refundId", id("r"))), 400,
                "VALIDATION_FAILED", "amount"));
        table.add(new Bad("an order without an earning", "POST", "/api/v1/earnings/" + id("o") + "/refunds", "checkout",
                "application/json", json(refunds.valid()), Map.of(), 404, "NOT_FOUND", null));
        for (String id : List.of(badId, longId)) {
            table.add(new Bad("a bad order id", "POST", "/api/v1/earnings/" + id + "/refunds", "checkout",
                    "application/json", json(refunds.valid()), Map.of(), 400, "VALIDATION_FAILED", "orderId"));
            table.add(new Bad("a bad order id", "GET", "/api/v1/earnings/" + id + "/refunds/r-1", "checkout", null,
                    null, Map.of(), 400, "VALIDATION_FAILED", "orderId"));
            table.add(new Bad("a bad refund id", "GET", "/api/v1/earnings/" + orderId + "/refunds/" + id, "checkout",
                    null, null, Map.of(), 400, "VALIDATION_FAILED", "refundId"));
        }
        table.add(new Bad("a refund id never used", "GET", "/api/v1/earnings/" + orderId + "/refunds/" + id("r"),
                "checkout", null, null, Map.of(), 404, "NOT_FOUND", null));

        // Activities: the decisions and the day.
        table.add(bad(activities, "a member never enrolled", json(activities.valid().copy().put("memberId", ghost)),
                422, "UNKNOWN_MEMBER", null));
        table.add(bad(activities, "occurredAt two minutes ahead",
                json(activities.valid().copy().put("occurredAt", later)), 400, "VALIDATION_FAILED", "occurredAt"));
        table.add(bad(activities, "a day in the future", json(activities.valid().copy().put("date", "2999-01-01")),
                400, "VALIDATION_FAILED", "date"));
        table.add(bad(activities, "a kind not rewarded", json(activities.valid().copy().put("kind", "DANCING")), 400,
                "VALIDATION_FAILED", "kind"));

        // Rules and campaigns.
        table.add(new Bad("an unknown kind", "POST", "/api/v1/rules", "admin", "application/json",
                json(rule(id("rule")).put("kind", "NOPE")), Map.of(), 400, "VALIDATION_FAILED", "kind"));
        table.add(new Bad("a multiplier of 1", "POST", "/api/v1/rules", "admin", "application/json",
                json(rule(id("rule")).put("multiplier", "1")), Map.of(), 400, "VALIDATION_FAILED", "multiplier"));
        // Beyond the column (numeric(14, 2)): a 500 from the database until 2026-12-06.
        table.add(new Bad("a threshold of a trillion yuan", "POST", "/api/v1/rules", "admin", "application/json",
                json(new JsonObject().put("ruleId", id("rule")).put("kind", "THRESHOLD_BONUS")
                        .put("thresholdYuan", "1000000000000").put("points", 10)), Map.of(), 400, "VALIDATION_FAILED",
                "thresholdYuan"));
        table.add(new Bad("an existing id", "POST", "/api/v1/rules", "admin", "application/json", json(rule(ruleId)),
                Map.of(), 409, "RULE_EXISTS", null));
        table.add(new Bad("an empty window", "POST", "/api/v1/campaigns", "admin", "application/json",
                json(campaign(id("c")).put("endsAt", "2020-01-01T00:00:00Z")), Map.of(), 400, "VALIDATION_FAILED",
                "endsAt"));
        // Apart by less than the microsecond PostgreSQL keeps: an empty window as stored (was a 500).
        table.add(new Bad("a window within one microsecond", "POST", "/api/v1/campaigns", "admin", "application/json",
                json(campaign(id("c")).put("startsAt", "2020-01-01T00:00:00.0000001Z")
                        .put("endsAt", "2020-01-01T00:00:00.0000009Z")), Map.of(), 400, "VALIDATION_FAILED", "endsAt"));
        table.add(new Bad("an existing id", "POST", "/api/v1/campaigns", "admin", "application/json",
                json(campaign(campaignId)), Map.of(), 409, "CAMPAIGN_EXISTS", null));
        for (String resource : List.of("rules", "campaigns")) {
            String field = resource.equals("rules") ? "ruleId" : "campaignId";
            JsonObject body = resource.equals("rules") ? rule(id("rule")) : campaign(id("c"));
            for (String id : List.of(badId, longId)) {
                table.add(new Bad("a bad id", "GET", "/api/v1/" + resource + "/" + id, "admin", null, null, Map.of(),
                        400, "VALIDATION_FAILED", field));
                table.add(new Bad("a bad id", "PUT", "/api/v1/" + resource + "/" + id, "admin", "application/json",
                        json(body), Map.of(), 400, "VALIDATION_FAILED", field));
                table.add(new Bad("a bad id", "DELETE", "/api/v1/" + resource + "/" + id, "admin", null, null,
                        Map.of(), 400, "VALIDATION_FAILED", field));
            }
            String unknown = id("nope");
            table.add(new Bad("an unknown id", "GET", "/api/v1/" + resource + "/" + unknown, "admin", null, null,
                    Map.of(), 404, "NOT_FOUND", null));
            table.add(new Bad("an unknown id", "PUT", "/api/v1/" + resource + "/" + unknown, "admin",
                    "application/json", json(body), Map.of(), 404, "NOT_FOUND", null));
            table.add(new Bad("an unknown id", "DELETE", "/api/v1/" + resource + "/" + unknown, "admin", null, null,
                    Map.of(), 404, "NOT_FOUND", null));
        }

        // Grants.
        table.add(bad(grants, "a requestedBy in the body (it is the token's subject)",
                json(grants.valid().copy().put("requestedBy", "admin-2")), 400, "VALIDATION_FAILED", "requestedBy"));
        table.add(bad(grants, "a member named twice",
                json(grants.valid().copy().put("memberIds", new JsonArray().add(memberId).add(memberId))), 400,
                "VALIDATION_FAILED", "memberIds"));
        table.add(bad(grants, "a member never enrolled",
                json(grants.valid().copy().put("memberIds", new JsonArray().add(memberId).add(ghost))), 422,
                "UNKNOWN_MEMBERS", null));
        table.add(new Bad("an unknown campaign", "POST", "/api/v1/campaigns/" + id("c") + "/grants", "admin",
                "application/json", json(grants.valid()), Map.of(), 404, "NOT_FOUND", null));
        for (String id : List.of(badId, longId)) {
            table.add(new Bad("a bad campaign id", "POST", "/api/v1/campaigns/" + id + "/grants", "admin",
                    "application/json", json(grants.valid()), Map.of(), 400, "VALIDATION_FAILED", "campaignId"));
        }
        return table;
    }

    private static Bad bad(Endpoint e, String what, byte[] body, int status, String code, String field) {
        return new Bad(what, e.method(), e.path(), e.role(), "application/json", body, Map.of(), status, code, field);
    }

    private static Response send(Bad bad) {
        RequestSpecification request = ("admin".equals(bad.role()) ? asAdmin() : asCheckout())
                .config(RestAssured.config().encoderConfig(EncoderConfig.encoderConfig()
                        .appendDefaultContentCharsetToContentTypeIfUndefined(false)))
                .redirects().follow(false).headers(bad.headers());
        if (bad.contentType() != null) {
            request = request.contentType(bad.contentType());
        }
        if (bad.body() != null) {
            request = request.body(bad.body());
        }
        return request.request(bad.method(), bad.path()).andReturn();
    }

    private static void check(Bad bad, Response answer, List<String> wrong) {
        String body = answer.asString();
        String type = answer.contentType() == null ? "" : answer.contentType();
        Consumer<String> fail = why -> wrong.add(bad + ": " + why + "; got " + answer.statusCode() + " " + type + " "
                + (body.length() > 300 ? body.substring(0, 300) + "…" : body));
        if (answer.statusCode() != bad.status()) {
            fail.accept("expected " + bad.status());
            return;
        }
        if (!type.startsWith("application/problem+json")) {
            fail.accept("expected application/problem+json");
            return;
        }
        JsonObject problem;
        try {
            problem = new JsonObject(body);
        } catch (RuntimeException notJson) {
            fail.accept("expected a problem document");
            return;
        }
        if (!bad.code().equals(problem.getString("code")) || problem.getInteger("status", 0) != bad.status()) {
            fail.accept("expected code " + bad.code());
        } else if (bad.field() != null && (problem.getJsonArray("errors") == null
                || problem.getJsonArray("errors").stream().noneMatch(error -> error instanceof JsonObject o
                && bad.field().equals(o.getString("field"))))) {
            fail.accept("expected field " + bad.field() + " in errors");
        } else if (BadInputs.LEAK.matcher(body).find()) {
            fail.accept("the answer shows code behind it (" + BadInputs.LEAK.matcher(body).results().findFirst()
                    .map(m -> m.group()).orElse("") + ")");
        }
    }

    /** Every table's row count, and for tables only requests change, a digest of their rows. */
    private Map<String, String> snapshot() {
        Map<String, String> state = new TreeMap<>();
        List<String> tables = new ArrayList<>();
        pool.query("select table_name from information_schema.tables where table_schema = 'public'"
                        + " and table_type = 'BASE TABLE' and table_name <> 'flyway_schema_history'")
                .execute().await().atMost(Duration.ofSeconds(10)).forEach(row -> tables.add(row.getString(0)));
        assertThat(tables).contains("member", "earning", "refund", "refund_line", "activity", "grant_batch",
                "grant_credit", "earning_rule", "campaign", "rule_set", "outbox", "idempotency_key", "first_purchase");
        for (String table : tables) {
            String digest = COUNTED_ONLY.contains(table) ? "''"
                    : "coalesce(md5(string_agg(t::text, ',' order by t::text)), '')";
            Row row = pool.query("select count(*) as n, " + digest + " as digest from " + table + " t").execute()
                    .await().atMost(Duration.ofSeconds(10)).iterator().next();
            state.put(table, row.getLong("n") + " rows " + row.getString("digest"));
        }
        return state;
    }

    private static JsonObject rule(String ruleId) {
        return new JsonObject().put("ruleId", ruleId).put("kind", "CATEGORY_MULTIPLIER").put("category", id("cat"))
                .put("multiplier", "2");
    }

    /** A campaign nobody's orders reach: a SKU of its own, a window in 2020. */
    private static JsonObject campaign(String campaignId) {
        return new JsonObject().put("campaignId", campaignId).put("multiplier", "2").put("sku", id("sku"))
                .put("startsAt", "2020-01-01T00:00:00Z").put("endsAt", "2020-01-02T00:00:00Z");
    }

    private static byte[] json(JsonObject body) {
        return bytes(body.encode());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The valid body with bytes that are not UTF-8 (0xFF 0xFE, as Latin-1 "ÿþ" would be sent) in a text field. */
    private static byte[] notUtf8(JsonObject valid, String field) {
        String marker = "NOT-UTF-8";
        String text = valid.copy().put(field, marker).encode();
        int at = text.indexOf(marker);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(bytes(text.substring(0, at)));
        out.writeBytes(new byte[] {'m', (byte) 0xFF, (byte) 0xFE});
        out.writeBytes(bytes(text.substring(at + marker.length())));
        return out.toByteArray();
    }

    /** The valid body with a text field long enough to take it past the body limit. */
    private static byte[] overTheLimit(JsonObject valid, String field) {
        return bytes(valid.copy().put(field, "a".repeat(OVER_THE_LIMIT_BYTES)).encode());
    }
}
