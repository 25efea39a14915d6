package io.pointsplatform.earning.member.rest;

import io.pointsplatform.kit.Identifiers;
import io.pointsplatform.kit.validation.Texts;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Past;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.LocalDate;

/** {@code POST /api/v1/members}. */
public record EnrolmentRequest(
        @NotNull @Pattern(regexp = Identifiers.ID_PATTERN, message = "must be 1-64 letters, digits or ._:-") String memberId,
        @Pattern(regexp = Texts.NOT_BLANK, message = Texts.NOT_BLANK_MESSAGE) @Size(max = 100) String name,
        @Past LocalDate birthday,
        @Pattern(regexp = Identifiers.ID_PATTERN, message = "must be 1-64 letters, digits or ._:-") String referredBy) {
}
