package io.pointsplatform.earning.rule.service;

import io.pointsplatform.kit.problem.ApiException;
import io.pointsplatform.kit.problem.Problem;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Collects every field at fault, then refuses once with all of them (400 VALIDATION_FAILED). */
public final class Validation {

    private static final BigDecimal MAX_MULTIPLIER = BigDecimal.valueOf(100);

    private final List<Problem.FieldError> errors = new ArrayList<>();

    public Validation require(boolean ok, String field, String message) {
        if (!ok) {
            errors.add(new Problem.FieldError(field, message));
        }
        return this;
    }

    public Validation present(Object value, String field) {
        return require(value != null, field, "is required");
    }

    /** A multiplier adds points: more than 1, at most 100, at most two decimals. */
    public Validation multiplier(BigDecimal multiplier, String field) {
        if (multiplier == null) {
            return present(null, field);
        }
        return require(multiplier.compareTo(BigDecimal.ONE) > 0 && multiplier.compareTo(MAX_MULTIPLIER) <= 0
                && multiplier.stripTrailingZeros().scale() <= 2, field,
                "must be greater than 1 and at most 100, with at most two decimals (was " + multiplier.toPlainString() + ")");
    }

    public Validation positivePoints(Long points, String field) {
        if (points == null) {
            return present(null, field);
        }
        return require(points > 0 && points <= 1_000_000_000L, field, "must be within 1..1000000000 (was " + points + ")");
    }

    public void orRefuse() {
        if (!errors.isEmpty()) {
            String detail = errors.stream().map(e -> e.field() + ": " + e.message()).collect(Collectors.joining("; "));
            throw new ApiException(400, "VALIDATION_FAILED", "The request is not valid", detail, errors);
        }
    }
}
