package io.pointsplatform.ledger.rest;

import io.pointsplatform.kit.problem.ApiException;
import io.pointsplatform.kit.Identifiers;

/**
 * The id a write is idempotent by: the one in its body, else its {@code Idempotency-Key} header
 * (CONTRACT.md: the same key with another body is a conflict, which the id's own conflict check
 * then answers). Both given must be equal, so that neither is silently ignored.
 */
public final class RequestIds {

    private RequestIds() {
    }

    /** The body's id, else the key; null when neither is given. */
    public static String fromBodyOrKey(String field, String bodyId, String idempotencyKey) {
        if (idempotencyKey != null && !idempotencyKey.matches(Identifiers.ID_PATTERN)) {
            throw ApiException.validation("Idempotency-Key", "must be 1-64 letters, digits or ._:-");
        }
        if (bodyId != null && idempotencyKey != null && !bodyId.equals(idempotencyKey)) {
            throw ApiException.validation(field, "differs from the Idempotency-Key header; give one, or both alike");
        }
        return bodyId != null ? bodyId : idempotencyKey;
    }
}
