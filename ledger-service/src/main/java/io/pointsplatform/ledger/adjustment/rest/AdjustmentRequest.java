package io.pointsplatform.ledger.adjustment.rest;

import io.pointsplatform.events.PointsValue;
import io.pointsplatform.kit.Identifiers;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * {@code POST /api/v1/adjustments}: points signed (a credit or a debit), never 0; idempotent by
 * {@code adjustmentId}, or by the {@code Idempotency-Key} header in its place. The requester is
 * the token's subject, not a name in the body ({@code requestedBy} is refused as an unknown property).
 */
@Schema(name = "AdjustmentRequest")
public record AdjustmentRequest(
        @Schema(description = "The adjustment's id; may be left out when the Idempotency-Key header gives it (both"
                + " given must be equal)")
        @Pattern(regexp = Identifiers.ID_PATTERN, message = "must be 1-64 letters, digits or ._:-") String adjustmentId,
        @NotNull @Pattern(regexp = Identifiers.ID_PATTERN, message = "must be 1-64 letters, digits or ._:-") String memberId,
        @Schema(description = "signed: a credit (> 0) or a debit (< 0), never 0")
        @NotNull @Min(-PointsValue.MAX_SPEND) @Max(PointsValue.MAX_SPEND) Long points,
        @NotBlank @Size(max = 500) String reason) {
}
