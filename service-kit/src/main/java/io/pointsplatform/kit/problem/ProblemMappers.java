package io.pointsplatform.kit.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.pointsplatform.kit.json.StrictJson;
import io.quarkus.logging.Log;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.DatabaseException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.core.Response;
import java.math.BigDecimal;
import java.net.SocketException;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Every error leaves a service as problem+json with a machine code. A client's mistake is a 4xx
 * with a reason; only our own faults are 500, and those carry an id to find in the log.
 */
public class ProblemMappers {

    private static final Map<Integer, String> CODES_BY_STATUS = Map.of(
            400, "BAD_REQUEST", 401, "UNAUTHORIZED", 403, "FORBIDDEN", 404, "NOT_FOUND",
            405, "METHOD_NOT_ALLOWED", 406, "NOT_ACCEPTABLE", 409, "CONFLICT",
            413, "PAYLOAD_TOO_LARGE", 415, "UNSUPPORTED_MEDIA_TYPE", 503, "UNAVAILABLE");

    /** How long a client waits before repeating a request refused with 503 UNAVAILABLE, in seconds. */
    public static final String RETRY_AFTER_SECONDS = "1";
    /** The detail of a 503 UNAVAILABLE, and the OpenAPI description of it (ProblemResponses). */
    public static final String UNAVAILABLE_DETAIL = "Something this request needs (the service's database or another "
            + "service) cannot be reached just now, so it may not have been applied. Repeat it after Retry-After: "
            + "a repeat with the same id or Idempotency-Key is applied once";

    /** Quarkus's own sentences name Java annotations ("@Consumes"); a client gets the rule instead. */
    private static final Map<Integer, String> DETAILS_BY_STATUS = Map.of(
            404, "There is no such resource",
            405, "This resource does not take this HTTP method",
            406, "This endpoint answers application/json (or application/problem+json); set Accept accordingly",
            415, "This endpoint takes a JSON body: send Content-Type: application/json");

    /**
     * A service's own refusal, with {@code Retry-After} when it says when to try again (429
     * RATE_LIMITED, 503 STREAMS_FULL). Any other 503 (BUSY, LEDGER_UNAVAILABLE, …: nothing was done,
     * the same request may be sent again) says {@value #RETRY_AFTER_SECONDS}, as the 503s of this
     * class do, so that a client's retry policy need not guess.
     */
    @ServerExceptionMapper
    public Response api(ApiException e) {
        Response response = e.members().isEmpty() ? respond(e.toProblem()) : respond(e.toProblem(), e.members());
        String retryAfter = e.retryAfterSeconds() != null ? Long.toString(e.retryAfterSeconds())
                : e.status() == 503 ? RETRY_AFTER_SECONDS : null;
        return retryAfter == null ? response : Response.fromResponse(response).header("Retry-After", retryAfter).build();
    }

    /** No token, or one that fails verification (signature, issuer, audience, expiry). */
    @ServerExceptionMapper({AuthenticationFailedException.class, UnauthorizedException.class})
    public Response unauthenticated(RuntimeException e) {
        Problem problem = Problem.of(401, "UNAUTHENTICATED", "Authentication required",
                "This request needs a valid bearer token (RS256, from the platform's issuer, for its audience, not expired)");
        return Response.fromResponse(respond(problem)).header("WWW-Authenticate", "Bearer").build();
    }

    /** A valid token whose role may not call this endpoint. */
    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return respond(Problem.of(403, "FORBIDDEN", "Not allowed", "The token's role may not call this endpoint"));
    }

    @ServerExceptionMapper
    public Response constraint(ConstraintViolationException e) {
        List<Problem.FieldError> errors = e.getConstraintViolations().stream()
                .map(v -> new Problem.FieldError(fieldOf(v), v.getMessage()))
                .sorted(Comparator.comparing(Problem.FieldError::field))
                .toList();
        String detail = errors.stream().map(f -> f.field() + ": " + f.message()).collect(Collectors.joining("; "));
        return respond(new Problem(Problem.typeUri("VALIDATION_FAILED"), "The request is not valid", 400,
                detail, "VALIDATION_FAILED", errors));
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e) {
        String field = e instanceof JsonMappingException m ? pathOf(m) : currentField(e);
        String why = why(e);
        String detail = "The body is not valid JSON for this request" + (field.isEmpty() ? "" : " at '" + field + "'")
                + ": " + why;
        List<Problem.FieldError> errors = field.isEmpty() ? List.of() : List.of(new Problem.FieldError(field, why));
        return respond(new Problem(Problem.typeUri("VALIDATION_FAILED"), "The request is not valid", 400, detail,
                "VALIDATION_FAILED", errors));
    }

    /** Quarkus maps this subtype itself, with a body of its own; ours wins by being as specific. */
    @ServerExceptionMapper
    public Response mismatched(MismatchedInputException e) {
        return json(e);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse().getStatus();
        if (e.getCause() instanceof JsonProcessingException json) {
            return json(json);
        }
        if (e instanceof NotFoundException && e.getCause() != null && !(e.getCause() instanceof WebApplicationException)) {
            // JAX-RS answers 404 when a query or path parameter cannot be converted ("?limit=abc"):
            // the resource exists, the request is wrong.
            return respond(parameterProblem(e.getCause(), uri));
        }
        String code = CODES_BY_STATUS.getOrDefault(status, status >= 500 ? "INTERNAL_ERROR" : "BAD_REQUEST");
        String title = Response.Status.fromStatusCode(status) != null
                ? Response.Status.fromStatusCode(status).getReasonPhrase() : "Error";
        return respond(Problem.of(status, code, title, DETAILS_BY_STATUS.getOrDefault(status, e.getMessage())));
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e) {
        Throwable outage = unreachable(e);
        if (outage != null) {
            Log.warnf("Answered 503 UNAVAILABLE: %s", outage);
            return Response.status(503).type(Problem.MEDIA_TYPE).header("Retry-After", RETRY_AFTER_SECONDS)
                    .entity(Problem.of(503, "UNAVAILABLE", "Service unavailable", UNAVAILABLE_DETAIL)).build();
        }
        String errorId = UUID.randomUUID().toString();
        Log.errorf(e, "Unexpected error %s", errorId);
        return respond(Problem.of(500, "INTERNAL_ERROR", "Internal error",
                "Something went wrong on our side; quote error id " + errorId));
    }

    /**
     * What says that something the request needs cannot be reached just now, rather than that the
     * service is wrong: a connection refused (PostgreSQL restarting, a service down), reset or
     * closed under the request (SocketException, ClosedConnectionException), or PostgreSQL's refusal to take a connection (SQLSTATE class 08; 57P01–03,
     * shutting down or starting; 53300, too many connections). Null for anything else, searched
     * through the causes.
     */
    static Throwable unreachable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String state = t instanceof DatabaseException db ? db.getSqlState()
                    : t instanceof SQLException sql ? sql.getSQLState() : null;
            if (t instanceof SocketException || t instanceof ClosedConnectionException
                    || (state != null && (state.startsWith("08") || state.startsWith("57P") || state.equals("53300")))) {
                return t;
            }
        }
        return null;
    }

    /** The parameter whose value failed conversion, named where it can be found among the query's. */
    private static Problem parameterProblem(Throwable cause, UriInfo uri) {
        String message = cause.getMessage() == null ? "" : cause.getMessage();
        String field = null;
        String value = null;
        MultivaluedMap<String, String> query = uri.getQueryParameters();
        for (var entry : query.entrySet()) {
            for (String candidate : entry.getValue()) {
                if (field == null && !candidate.isEmpty() && message.contains("\"" + candidate + "\"")) {
                    field = entry.getKey();
                    value = candidate;
                }
            }
        }
        String why = cause instanceof NumberFormatException ? "must be a whole number" : "has the wrong form";
        if (field == null) {
            return Problem.of(400, "VALIDATION_FAILED", "The request is not valid",
                    "A query or path parameter " + why);
        }
        String shown = value.length() > 40 ? value.substring(0, 40) + "…" : value;
        return new Problem(Problem.typeUri("VALIDATION_FAILED"), "The request is not valid", 400,
                field + ": got \"" + shown + "\", " + why, "VALIDATION_FAILED",
                List.of(new Problem.FieldError(field, why)));
    }

    private static Response respond(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }

    /** The problem's members as the record writes them (none empty), then the extension members. */
    private static Response respond(Problem problem, Map<String, Object> members) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", problem.type());
        body.put("title", problem.title());
        body.put("status", problem.status());
        body.put("detail", problem.detail());
        body.put("code", problem.code());
        if (problem.errors() != null && !problem.errors().isEmpty()) {
            body.put("errors", problem.errors());
        }
        if (problem.state() != null) {
            body.put("state", problem.state());
        }
        body.putAll(members);
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(body).build();
    }

    /**
     * The name a client knows the field by: a body's property path ("lines[0].quantity") or a
     * query/path parameter's name ("limit"), never the Java method before it ("entries.limit").
     */
    private static String fieldOf(ConstraintViolation<?> v) {
        StringBuilder field = new StringBuilder();
        String parameter = null;
        for (Path.Node node : v.getPropertyPath()) {
            if (node.getKind() == ElementKind.METHOD || node.getKind() == ElementKind.CONSTRUCTOR) {
                continue;
            }
            if (node.getKind() == ElementKind.PARAMETER) {
                parameter = node.getName();
                continue;
            }
            if (node.getKind() == ElementKind.CONTAINER_ELEMENT || node.getName() == null) {
                if (node.getIndex() != null) {
                    field.append('[').append(node.getIndex()).append(']');
                }
                continue;
            }
            if (node.getIndex() != null && field.length() > 0) {
                field.append('[').append(node.getIndex()).append(']');
            }
            if (field.length() > 0) {
                field.append('.');
            }
            field.append(node.getName());
        }
        if (field.length() > 0) {
            return field.toString();
        }
        return parameter != null ? parameter : v.getPropertyPath().toString();
    }

    /** What is wrong with the value, in the request's terms (JSON types), not Jackson's or Java's. */
    private static String why(JsonProcessingException e) {
        if (e instanceof StrictJson.Refused) {
            return e.getOriginalMessage();
        }
        if (e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate field")) {
            return "is given more than once in its object";
        }
        if (!(e instanceof MismatchedInputException m)) {
            return withoutJavaNames(e.getOriginalMessage());
        }
        if (m.getPath().isEmpty() && !(m instanceof InvalidFormatException)) {
            return "the body must be a JSON object with this request's properties";
        }
        if (m instanceof UnrecognizedPropertyException) {
            return "is not a property of this request";
        }
        String expected = expected(m.getTargetType());
        if (expected == null) {
            return m.getTargetType() != null && (java.util.Collection.class.isAssignableFrom(m.getTargetType())
                    || m.getTargetType().isArray()) ? "must be a JSON array"
                    : "has the wrong JSON type for this property";
        }
        if (m instanceof InvalidFormatException f && f.getValue() != null) {
            String value = String.valueOf(f.getValue());
            value = value.length() > 40 ? value.substring(0, 40) + "…" : value;
            return "got " + (f.getValue() instanceof String ? "\"" + value + "\"" : value) + ", " + expected;
        }
        return expected;
    }

    /** Jackson's messages name Java types ("`java.lang.Long`", "JsonToken.START_ARRAY"): a client needs none. */
    private static String withoutJavaNames(String message) {
        if (message == null) {
            return "malformed JSON";
        }
        // The parser's limits name the setting behind them: "(1000, from `StreamReadConstraints.getMax…()`)".
        return message.replaceAll(", from `[^`]*`", "")
                .replaceAll("`[A-Za-z_$][\\w$]*(\\.[\\w$]+)+`", "a value")
                .replaceAll("\\(token `?JsonToken\\.[A-Z_]+`?\\)", "")
                .replaceAll("[a-z][\\w]*(\\.[a-z][\\w]*)+\\.[A-Z][\\w$]*", "a value");
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return null;
        }
        if (type == Long.class || type == long.class || type == Integer.class || type == int.class
                || type == Short.class || type == short.class) {
            return "must be a whole number (a JSON number without a fraction)";
        }
        if (type == BigDecimal.class || type == Double.class || type == double.class) {
            return "must be a number, or a string holding one";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "must be true or false";
        }
        if (type == String.class) {
            return "must be a string";
        }
        if (type.isEnum()) {
            return "must be one of " + Arrays.toString(type.getEnumConstants());
        }
        if (type == Instant.class || type == OffsetDateTime.class) {
            return "must be a date and time with an offset, e.g. 2026-11-20T10:00:00Z";
        }
        if (type == LocalDate.class) {
            return "must be a date, e.g. 1990-05-17";
        }
        return null;
    }

    /**
     * Where the parser stood when it failed and nothing had mapped a path yet: a number too large
     * for its type, a property given twice, a byte that is not UTF-8, JSON that breaks off.
     */
    private static String currentField(JsonProcessingException e) {
        return e instanceof StreamReadException read && read.getProcessor() != null
                ? pathAt(read.getProcessor().getParsingContext()) : "";
    }

    /** A parser's position as the client names it ({@code lines[0].sku}), as {@link #pathOf} writes a mapper's. */
    private static String pathAt(JsonStreamContext context) {
        ArrayDeque<String> parts = new ArrayDeque<>();
        for (JsonStreamContext at = context; at != null && !at.inRoot(); at = at.getParent()) {
            if (at.inArray()) {
                parts.addFirst("[" + Math.max(at.getCurrentIndex(), 0) + "]");
            } else if (at.getCurrentName() != null) {
                parts.addFirst(at.getCurrentName());
            }
        }
        return String.join(".", parts).replace(".[", "[");
    }

    private static String pathOf(JsonMappingException e) {
        return e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }
}
