package io.pointsplatform.ledger.adjustment.rest;

import com.fasterxml.jackson.annotation.JsonAlias;
import io.pointsplatform.kit.Identifiers;
import io.pointsplatform.kit.validation.Texts;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * The body of {@code /approve} and {@code /reject}: who decides (until the security issue, named
 * here), as {@code by} or, in the event's own words, {@code approvedBy} / {@code rejectedBy}.
 */
public record AdjustmentDecision(
        @JsonAlias({"approvedBy", "rejectedBy"}) @NotNull @Pattern(regexp = Identifiers.ID_PATTERN, message = "must be 1-64 letters, digits or ._:-") String by,
        @Pattern(regexp = Texts.NOT_BLANK, message = Texts.NOT_BLANK_MESSAGE) @Size(max = 500) String note) {
}
