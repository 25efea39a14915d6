package io.pointsplatform.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pointsplatform.testing.Tokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile input on every operation of the five services, found from their own OpenAPI documents:
 * so an endpoint added later is covered without anyone adding it here. Each operation is called by
 * every role with odd path and query values, each body field replaced by values of the wrong type,
 * size or meaning, or left out, bodies that are not JSON, and the wrong content types. Every answer
 * must be a client error with a problem+json body or a success, never a 5xx (a 503 only as a
 * problem), and no answer may show a stack trace, a class or SQL. The per-service BadInputTests
 * check the exact status and code of each endpoint's bad inputs; this one looks for what they did
 * not think of.
 */
class EdgeFuzzTest {

    private static final String[] SERVICES = {"earning-service", "ledger-service", "catalog-service",
            "redemption-service", "notification-service"};
    private static final String MEMBER = "m-fuzz-1";
    private static final List<String> PATH_VALUES = List.of("x", "%00", "a".repeat(300), "..%2F..", "%E2%80%AE",
            "%FF", "-1", "99999999999999999999", "%20");
    private static final List<String> QUERY_VALUES = List.of("abc", "-1", "99999999999999999999", "%00", "", "1.5",
            "2026-99-99", "x".repeat(3000));
    /** JSON texts put in place of one field's value. */
    private static final List<String> FIELD_VALUES = List.of("null", "123", "-1", "0", "9223372036854775808",
            "-9223372036854775809", "1e308", "1e999", "1.5", "-0", "\"\"", "\"" + "x".repeat(20_000) + "\"",
            "\"\\u0000\"", "\"\\ud83d\\ude00\\ud83d\\ude00\"", "\"\\ud800\"", "\"abc\"", "[]", "{}", "true",
            "\"2026-13-45\"", "\"NaN\"", "\"../../etc\"", "\"<script>\"", "\"' or 1=1 --\"");
    private static final List<byte[]> RAW_BODIES = List.of(new byte[0], bytes("{"), bytes("[]"), bytes("\"x\""),
            bytes("null"), bytes("123"), bytes("{\"a\":" + "[".repeat(5_000)), new byte[] {(byte) 0xff, (byte) 0xfe, (byte) 0xfd},
            bytes("{\"memberId\":\"a\",\"memberId\":\"b\"}"), bytes("{\"x\":\"" + "a".repeat(200_000) + "\"}"));
    private static final List<String> CONTENT_TYPES = List.of("text/plain", "application/xml",
            "application/json; charset=latin1", "multipart/form-data");
    private static final List<String> LEAKS = List.of("Exception", "\tat ", "java.", "org.postgresql", "SQLSTATE",
            "io.vertx", "jakarta.", "org.hibernate");

    private static Platform platform;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, String> tokens = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        // Many creating calls by one member in a minute: the rate limit would answer them all 429.
        platform = Platform.start(Map.of("redemption-service/points.rate-limit.permits", "1000000"), SERVICES);
    }

    @AfterAll
    static void stop() throws Exception {
        if (platform != null) {
            platform.close();
        }
    }

    private record Call(String service, String method, String path, String contentType, byte[] body, String token,
                        String what) {
    }

    @Test
    void everyOperationAnswersHostileInputWithAProblemAndNeverAServerError() throws Exception {
        tokens.put("admin", Tokens.admin());
        tokens.put("member", Tokens.member(MEMBER));
        tokens.put("checkout", Tokens.checkout());
        tokens.put("service", Tokens.service());
        tokens.put("analyst", Tokens.analyst());
        List<Call> calls = new ArrayList<>();
        int operations = 0;
        for (String service : SERVICES) {
            HttpResponse<String> document = http.send(HttpRequest.newBuilder(URI.create(platform.url(service)
                    + "/q/openapi?format=json")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(document.statusCode()).as(service + " /q/openapi").isEqualTo(200);
            JsonNode spec = json.readTree(document.body());
            for (Iterator<Map.Entry<String, JsonNode>> paths = spec.path("paths").fields(); paths.hasNext(); ) {
                Map.Entry<String, JsonNode> path = paths.next();
                for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                    Map.Entry<String, JsonNode> op = ops.next();
                    if (!List.of("get", "post", "put", "delete", "patch").contains(op.getKey())
                            || op.getValue().path("responses").toString().contains("text/event-stream")) {
                        continue; // a stream never ends: its bad inputs are in notification's tests
                    }
                    operations++;
                    calls.addAll(callsFor(service, spec, path.getKey(), op.getKey().toUpperCase(), op.getValue()));
                }
            }
        }
        Queue<String> findings = new ConcurrentLinkedQueue<>();
        AtomicInteger refused = new AtomicInteger();
        Semaphore inFlight = new Semaphore(8);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Call call : calls) {
                inFlight.acquire();
                threads.submit(() -> {
                    try {
                        String finding = judge(call, refused);
                        if (finding != null) {
                            findings.add(finding);
                        }
                    } finally {
                        inFlight.release();
                    }
                });
            }
        }
        assertThat(operations).as("operations found in the five OpenAPI documents").isGreaterThanOrEqualTo(70);
        assertThat(refused.get()).as("calls answered with a client error").isGreaterThan(calls.size() / 2);
        assertThat(findings).as("of %d calls", calls.size()).isEmpty();
    }

    private List<Call> callsFor(String service, JsonNode spec, String template, String method, JsonNode op) {
        List<String> pathParams = new ArrayList<>();
        List<String> queryParams = new ArrayList<>();
        for (JsonNode p : op.path("parameters")) {
            JsonNode param = resolve(spec, p);
            if ("path".equals(param.path("in").asText())) {
                pathParams.add(param.path("name").asText());
            } else if ("query".equals(param.path("in").asText())) {
                queryParams.add(param.path("name").asText());
            }
        }
        Map<String, String> fields = null;
        String contentType = null;
        JsonNode content = op.path("requestBody").path("content");
        if (content.fields().hasNext()) {
            Map.Entry<String, JsonNode> first = content.fields().next();
            contentType = first.getKey();
            JsonNode schema = resolve(spec, first.getValue().path("schema"));
            if (contentType.contains("json") && schema.has("properties")) {
                fields = new LinkedHashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = schema.path("properties").fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = it.next();
                    fields.put(field.getKey(), write(sample(spec, field.getValue(), 0)));
                }
            }
        }
        String plain = fill(template, pathParams, null, null);
        byte[] sampleBody = fields == null ? (contentType == null ? null : bytes("{}")) : bytes(object(fields));
        List<Call> calls = new ArrayList<>();
        for (Map.Entry<String, String> role : tokens.entrySet()) {
            String token = role.getValue();
            String as = " as " + role.getKey();
            for (String name : pathParams) {
                for (String value : PATH_VALUES) {
                    calls.add(new Call(service, method, fill(template, pathParams, name, value), contentType, sampleBody,
                            token, "path " + name + "=" + cut(value) + as));
                }
            }
            for (String name : queryParams) {
                for (String value : QUERY_VALUES) {
                    calls.add(new Call(service, method, plain + "?" + name + "=" + value, contentType, sampleBody, token,
                            "query " + name + "=" + cut(value) + as));
                }
                calls.add(new Call(service, method, plain + "?" + name + "=1&" + name + "=2", contentType, sampleBody,
                        token, "query " + name + " twice" + as));
            }
            if (fields != null) {
                for (String name : fields.keySet()) {
                    for (String value : FIELD_VALUES) {
                        Map<String, String> changed = new LinkedHashMap<>(fields);
                        changed.put(name, value);
                        calls.add(new Call(service, method, plain, contentType, bytes(object(changed)), token,
                                "body " + name + "=" + cut(value) + as));
                    }
                    Map<String, String> without = new LinkedHashMap<>(fields);
                    without.remove(name);
                    calls.add(new Call(service, method, plain, contentType, bytes(object(without)), token,
                            "body without " + name + as));
                }
                Map<String, String> extra = new LinkedHashMap<>(fields);
                extra.put("unexpectedField", "1");
                calls.add(new Call(service, method, plain, contentType, bytes(object(extra)), token, "extra field" + as));
            }
            if (!method.equals("GET") && !method.equals("DELETE")) {
                for (byte[] raw : RAW_BODIES) {
                    calls.add(new Call(service, method, plain, "application/json", raw, token,
                            "body " + cut(new String(raw, StandardCharsets.ISO_8859_1)) + as));
                }
                for (String type : CONTENT_TYPES) {
                    calls.add(new Call(service, method, plain, type, sampleBody == null ? bytes("x") : sampleBody, token,
                            "content type " + type + as));
                }
            }
        }
        return calls;
    }

    /** The call's finding, or null when its answer is as it should be. */
    private String judge(Call call, AtomicInteger refused) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(platform.url(call.service()) + call.path()))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + call.token())
                .header("Idempotency-Key", "fz-" + System.nanoTime());
        if (call.body() != null) {
            request.header("Content-Type", call.contentType() == null ? "application/json" : call.contentType());
        }
        request.method(call.method(), call.body() == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(call.body()));
        String where = call.service() + " " + call.method() + " " + call.path().replaceAll("[?].*", "") + " " + call.what();
        HttpResponse<String> answer;
        try {
            answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            return where + ": no answer (" + e + ")";
        }
        int status = answer.statusCode();
        String type = answer.headers().firstValue("Content-Type").orElse("");
        String body = answer.body();
        for (String leak : LEAKS) {
            if (body.contains(leak)) {
                return where + ": " + status + " shows '" + leak + "': " + cut(body);
            }
        }
        if (status >= 400 && status < 500) {
            refused.incrementAndGet();
        }
        if ((status >= 400 && !type.contains("application/problem+json")) || (status >= 500 && status != 503)) {
            return where + ": " + status + " " + type + " " + cut(body);
        }
        return null;
    }

    private static String fill(String template, List<String> names, String odd, String oddValue) {
        String path = template;
        for (String name : names) {
            path = path.replace("{" + name + "}", name.equals(odd) ? oddValue : MEMBER);
        }
        return path;
    }

    private JsonNode resolve(JsonNode spec, JsonNode node) {
        JsonNode at = node;
        while (at.has("$ref")) {
            String ref = at.path("$ref").asText();
            at = spec.path("components").path("schemas").path(ref.substring(ref.lastIndexOf('/') + 1));
        }
        return at;
    }

    /** A plausible value of {@code schema}, so that one field at a time may be the odd one. */
    private Object sample(JsonNode spec, JsonNode node, int depth) {
        JsonNode schema = resolve(spec, node);
        if (schema.has("enum")) {
            return json.convertValue(schema.path("enum").get(0), Object.class);
        }
        String type = schema.path("type").asText("");
        String format = schema.path("format").asText("");
        if ((type.equals("object") || schema.has("properties")) && depth < 4) {
            Map<String, Object> object = new LinkedHashMap<>();
            schema.path("properties").fields().forEachRemaining(f -> object.put(f.getKey(), sample(spec, f.getValue(), depth + 1)));
            return object;
        }
        return switch (type) {
            case "array" -> depth < 4 ? List.of(sample(spec, schema.path("items"), depth + 1)) : List.of();
            case "integer" -> Math.max(1, schema.path("minimum").asLong(1));
            case "number" -> 10;
            case "boolean" -> true;
            default -> format.equals("date-time") ? LocalDate.now() + "T00:00:00Z"
                    : format.equals("date") ? LocalDate.now().toString() : MEMBER;
        };
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String object(Map<String, String> fields) {
        StringBuilder text = new StringBuilder("{");
        fields.forEach((name, value) -> text.append(text.length() > 1 ? "," : "").append(write(name)).append(':').append(value));
        return text.append('}').toString();
    }

    private static String cut(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "…" : text;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
