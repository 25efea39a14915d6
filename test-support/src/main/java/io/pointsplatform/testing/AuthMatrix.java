package io.pointsplatform.testing;

import static io.restassured.RestAssured.given;

import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The authorisation matrix of one service, as a test runs it: every endpoint called with no token,
 * an expired token, one signed by another key, one for another audience and one from another
 * issuer (each 401 problem+json), then with every role (403 FORBIDDEN where the role may not call
 * it, anything but 401/403/5xx where it may), and with another member's token where a member may
 * call it for its own account (403 NOT_OWN_ACCOUNT). Failures are collected and reported as one
 * table, so one run shows every cell that is wrong.
 */
public final class AuthMatrix {

    public static final List<String> ROLES = List.of("checkout", "member", "admin", "analyst", "service");

    /**
     * One endpoint: METHOD and a concrete PATH, a JSON BODY (or null), the ROLES that may call it,
     * and the member whose account it reaches (null where none: then a member token, if admitted,
     * is sent with the subject "m-matrix").
     */
    public record Call(String method, String path, String body, Set<String> roles, String ownerMemberId, boolean open) {

        public Call {
            roles = Set.copyOf(roles);
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    private final List<Call> calls = new ArrayList<>();

    public AuthMatrix call(String method, String path, String body, Set<String> roles) {
        calls.add(new Call(method, path, body, roles, null, false));
        return this;
    }

    /**
     * An endpoint that needs no token (its own proof travels in the request, as an unsubscribe link's
     * signature): every caller, with any token or none, is let through to it.
     */
    public AuthMatrix open(String method, String path, String body) {
        calls.add(new Call(method, path, body, Set.copyOf(ROLES), null, true));
        return this;
    }

    /** An endpoint on MEMBER's account: a member's token reaches it only when its sub is MEMBER. */
    public AuthMatrix memberCall(String method, String path, String body, Set<String> roles, String member) {
        calls.add(new Call(method, path, body, roles, member, false));
        return this;
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    /** Runs every cell; fails once with every wrong cell listed. */
    public void check() {
        List<String> wrong = new ArrayList<>();
        for (Call call : calls) {
            if (call.open()) {
                checkOpen(call, wrong);
                continue;
            }
            String someRole = call.roles().isEmpty() ? "admin" : call.roles().iterator().next();
            String subject = "member".equals(someRole) ? owner(call) : someRole + "-matrix";
            expectUnauthenticated(call, null, "no token", wrong);
            expectUnauthenticated(call, Tokens.expired(someRole, subject), "expired token", wrong);
            expectUnauthenticated(call, Tokens.otherKey(someRole, subject), "token signed by another key", wrong);
            expectUnauthenticated(call, Tokens.otherAudience(someRole, subject), "token for another audience", wrong);
            expectUnauthenticated(call, Tokens.otherIssuer(someRole, subject), "token from another issuer", wrong);
            expectUnauthenticated(call, "not.a.jwt", "a junk token", wrong);
            for (String role : ROLES) {
                String token = "member".equals(role) ? Tokens.member(owner(call)) : Tokens.of(role, role + "-matrix");
                Response answer = send(call, token);
                int status = answer.statusCode();
                if (call.roles().contains(role)) {
                    if (status == 401 || status == 403 || status >= 500) {
                        wrong.add(call + " as " + role + ": expected to be let through, got " + status + " "
                                + answer.asString());
                    }
                } else if (status != 403 || !"FORBIDDEN".equals(code(answer))) {
                    wrong.add(call + " as " + role + ": expected 403 FORBIDDEN, got " + status + " " + answer.asString());
                }
            }
            if (call.roles().contains("member") && call.ownerMemberId() != null) {
                Response answer = send(call, Tokens.member(call.ownerMemberId() + "-other"));
                if (answer.statusCode() != 403 || !"NOT_OWN_ACCOUNT".equals(code(answer))) {
                    wrong.add(call + " as another member: expected 403 NOT_OWN_ACCOUNT, got " + answer.statusCode()
                            + " " + answer.asString());
                }
            }
        }
        if (!wrong.isEmpty()) {
            throw new AssertionError(wrong.size() + " cells of the authorisation matrix are wrong:\n  "
                    + String.join("\n  ", wrong));
        }
    }

    private static void checkOpen(Call call, List<String> wrong) {
        Map<String, String> tokens = new java.util.LinkedHashMap<>();
        tokens.put("no token", null);
        tokens.put("an expired token", Tokens.expired("member", "m-matrix"));
        tokens.put("a token signed by another key", Tokens.otherKey("member", "m-matrix"));
        tokens.put("a junk token", "not.a.jwt");
        for (String role : ROLES) {
            tokens.put("a " + role + " token", "member".equals(role) ? Tokens.member("m-matrix") : Tokens.of(role, role + "-matrix"));
        }
        tokens.forEach((what, token) -> {
            int status = send(call, token).statusCode();
            if (status == 401 || status == 403 || status >= 500) {
                wrong.add(call + " (open) with " + what + ": expected to be let through, got " + status);
            }
        });
    }

    /** The roles of a row, for readable tables: {@code roles("admin", "analyst")}. */
    public static Set<String> roles(String... roles) {
        Set<String> set = new LinkedHashSet<>(List.of(roles));
        for (String role : set) {
            if (!ROLES.contains(role)) {
                throw new IllegalArgumentException("no such role: " + role);
            }
        }
        return set;
    }

    private static String owner(Call call) {
        return call.ownerMemberId() != null ? call.ownerMemberId() : "m-matrix";
    }

    private static void expectUnauthenticated(Call call, String token, String what, List<String> wrong) {
        Response answer = send(call, token);
        String type = answer.contentType() == null ? "" : answer.contentType();
        if (answer.statusCode() != 401 || !type.startsWith("application/problem+json")
                || !"UNAUTHENTICATED".equals(code(answer))) {
            wrong.add(call + " with " + what + ": expected 401 UNAUTHENTICATED problem+json, got "
                    + answer.statusCode() + " " + type + " " + answer.asString());
        }
    }

    private static String code(Response answer) {
        try {
            Object code = answer.jsonPath().get("code");
            return code == null ? null : code.toString();
        } catch (RuntimeException notJson) {
            return null;
        }
    }

    private static Response send(Call call, String token) {
        RequestSpecification request = given().redirects().follow(false);
        if (token != null) {
            request = request.auth().oauth2(token);
        }
        if (call.body() != null) {
            request = request.contentType("application/json").body(call.body());
        }
        return request.headers(Map.of()).request(call.method(), call.path()).andReturn();
    }

    /** The operations the service's /q/openapi documents, as "METHOD /path/{template}". */
    public static Set<String> documentedOperations() {
        Map<String, Map<String, Object>> paths = given().queryParam("format", "json").get("/q/openapi")
                .then().statusCode(200).extract().path("paths");
        Set<String> operations = new TreeSet<>();
        paths.forEach((path, item) -> item.keySet().stream()
                .filter(Set.of("get", "put", "post", "delete", "patch")::contains)
                .forEach(method -> operations.add(method.toUpperCase() + " " + path)));
        return operations;
    }

    /**
     * The documented operations this matrix's rows call, each row's path (without its query)
     * matched to its template: a test asserts it equals {@link #documentedOperations()}, so an
     * endpoint added without a row fails.
     */
    public Set<String> coveredOperations() {
        Set<String> documented = documentedOperations();
        Set<String> covered = new TreeSet<>();
        for (Call call : calls) {
            String path = call.path().replaceFirst("\\?.*", "");
            documented.stream()
                    .filter(op -> op.startsWith(call.method() + " "))
                    .filter(op -> path.matches(op.substring(op.indexOf(' ') + 1).replaceAll("\\{[^}]+}", "[^/]+")))
                    .forEach(covered::add);
        }
        return covered;
    }
}
