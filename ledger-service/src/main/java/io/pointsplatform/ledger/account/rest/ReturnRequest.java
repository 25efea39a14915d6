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
 * {@code POST /api/v1/holds/{holdId}/return}: points of a captured hold given back, once per
 * {@code returnId}. {@code points} absent gives back all that is not yet returned;
 * {@code reference} absent takes the capture's.
 */
public record ReturnRequest(
        @NotNull @Pattern(regexp = Identifiers.ID_PATTERN, message = "must be 1-64 letters, digits or ._:-") String returnId,
        @Min(1) @Max(PointsValue.MAX_SPEND) Long points,
        @Pattern(regexp = Texts.NOT_BLANK, message = Texts.NOT_BLANK_MESSAGE) @Size(max = 200) String reference) {
}
