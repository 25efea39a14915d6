package io.pointsplatform.ledger.account.rest;

import io.pointsplatform.events.PointsValue;
import io.pointsplatform.kit.Identifiers;
import io.pointsplatform.kit.validation.Texts;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * {@code POST /api/v1/accounts/{memberId}/holds}. {@code holdId} (or else the
 * {@code Idempotency-Key} header) makes the call idempotent: the same hold again answers with the
 * first result; a repeat asking other points, another reference or another {@code ttlSeconds} (an
 * absent one is the default, compared as such) is {@code 409 HOLD_CONFLICT}. Without either the
 * ledger names the hold, and a repeat makes a second hold.
 * {@code ttlSeconds} defaults to 900 and is at most a day: a hold nobody captures or releases is
 * released by the ledger then.
 */
public record HoldRequest(
        @Pattern(regexp = Identifiers.ID_PATTERN, message = "must be 1-64 letters, digits or ._:-") String holdId,
        @NotNull @Min(1) @Max(PointsValue.MAX_SPEND) Long points,
        @Min(1) @Max(86_400) Long ttlSeconds,
        @Pattern(regexp = Texts.NOT_BLANK, message = Texts.NOT_BLANK_MESSAGE) @Size(max = 200) String reference) {

    static final long DEFAULT_TTL_SECONDS = 900;

    long ttlOrDefault() {
        return ttlSeconds == null ? DEFAULT_TTL_SECONDS : ttlSeconds;
    }
}
