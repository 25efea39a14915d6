package io.pointsplatform.kit.problem;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * An RFC 9457 problem document with the platform's machine {@code code}. {@code errors} lists the
 * fields that failed validation, so a client can point at them. {@code state}, on a conflict that
 * depends on it, is the state the request found the thing in (a hold's {@code CAPTURED}, say), so a
 * caller can act on it without parsing {@code detail}.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, String code,
                      List<FieldError> errors, String state) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public record FieldError(String field, String message) {
    }

    public Problem(String type, String title, int status, String detail, String code, List<FieldError> errors) {
        this(type, title, status, detail, code, errors, null);
    }

    public static Problem of(int status, String code, String title, String detail) {
        return new Problem(typeUri(code), title, status, detail, code, List.of(), null);
    }

    static String typeUri(String code) {
        return "urn:points:problem:" + code.toLowerCase().replace('_', '-');
    }
}
