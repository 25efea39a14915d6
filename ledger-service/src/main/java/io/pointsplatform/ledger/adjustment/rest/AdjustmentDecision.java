package io.pointsplatform.ledger.adjustment.rest;

import io.pointsplatform.kit.validation.Texts;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The optional body of {@code /approve} and {@code /reject}. Who decides is the token's subject,
 * never a name in the body: a body naming one ({@code by}, {@code approvedBy}) is refused as a
 * property this request does not have.
 */
@Schema(name = "AdjustmentDecision", description = "The decider is the token's subject; the body only adds a note")
public record AdjustmentDecision(
        @Pattern(regexp = Texts.NOT_BLANK, message = Texts.NOT_BLANK_MESSAGE) @Size(max = 500) String note) {
}
