package io.pointsplatform.kit.problem;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A refusal a client can act on: an HTTP status, a machine code to switch on and a sentence a
 * person can read. Thrown by services, turned into problem+json at the edge, with any extension
 * members it was given ({@link #with}: catalog's {@code reasons} and {@code rewardName}, say).
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final String code;
    private final String title;
    private final List<Problem.FieldError> errors;
    private final String state;
    private final Long retryAfterSeconds;
    private final Map<String, Object> members;

    /** The problem document's own members, which an extension member may not take. */
    private static final Set<String> STANDARD = Set.of("type", "title", "status", "detail", "instance", "code",
            "errors", "state");

    public ApiException(int status, String code, String title, String detail) {
        this(status, code, title, detail, List.of());
    }

    public ApiException(int status, String code, String title, String detail, List<Problem.FieldError> errors) {
        this(status, code, title, detail, errors, null, null, Map.of());
    }

    /** A refusal to try again after {@code retryAfterSeconds} (the answer's {@code Retry-After}). */
    protected ApiException(int status, String code, String title, String detail, long retryAfterSeconds) {
        this(status, code, title, detail, List.of(), null, retryAfterSeconds, Map.of());
    }

    private ApiException(int status, String code, String title, String detail, List<Problem.FieldError> errors,
                         String state, Long retryAfterSeconds, Map<String, Object> members) {
        super(detail, null, false, false);
        this.status = status;
        this.code = code;
        this.title = title;
        this.errors = List.copyOf(errors);
        this.state = state;
        this.retryAfterSeconds = retryAfterSeconds;
        this.members = members;
    }

    /** The same refusal, telling the state the request found the thing in (the problem's {@code state}). */
    public ApiException withState(String found) {
        return new ApiException(status, code, title, getMessage(), errors, found, retryAfterSeconds, members);
    }

    /** The same refusal, to be tried again after {@code seconds} (the answer's {@code Retry-After}). */
    public ApiException withRetryAfter(long seconds) {
        return new ApiException(status, code, title, getMessage(), errors, state, seconds, members);
    }

    /**
     * The same refusal with an extension member of its problem document (RFC 9457, section 3.2),
     * after the standard ones; a null value adds nothing. A name the document has already is refused.
     */
    public ApiException with(String name, Object value) {
        if (STANDARD.contains(name) || members.containsKey(name)) {
            throw new IllegalArgumentException("problem member '" + name + "' is taken");
        }
        if (value == null) {
            return this;
        }
        Map<String, Object> more = new LinkedHashMap<>(members);
        more.put(name, value);
        return new ApiException(status, code, title, getMessage(), errors, state, retryAfterSeconds,
                Collections.unmodifiableMap(more));
    }

    /** The extension members, in the order given (empty: none). */
    public Map<String, Object> members() {
        return members;
    }

    /** When to try again, in seconds, if the refusal says; null otherwise. */
    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public static ApiException notFound(String what, String id) {
        return new ApiException(404, "NOT_FOUND", what + " not found", what + " '" + id + "' does not exist");
    }

    public static ApiException validation(String detail) {
        return new ApiException(400, "VALIDATION_FAILED", "The request is not valid", detail);
    }

    public static ApiException validation(String field, String message) {
        return new ApiException(400, "VALIDATION_FAILED", "The request is not valid", field + ": " + message,
                List.of(new Problem.FieldError(field, message)));
    }

    public static ApiException conflict(String code, String detail) {
        return new ApiException(409, code, "The request conflicts with the current state", detail);
    }

    public Problem toProblem() {
        return new Problem(Problem.typeUri(code), title, status, getMessage(), code, errors, state);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String state() {
        return state;
    }
}
