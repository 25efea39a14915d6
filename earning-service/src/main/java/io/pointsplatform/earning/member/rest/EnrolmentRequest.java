package io.pointsplatform.earning.member.rest;

import io.pointsplatform.kit.Identifiers;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Past;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.LocalDate;

/** {@code POST /api/v1/members}. */
public record EnrolmentRequest(
        @NotNull @Pattern(regexp = Identifiers.ID_PATTERN, message = "must be 1-64 letters, digits or ._:-") String memberId,
        @Size(max = 100) String name,
        @Past LocalDate birthday,
        @Pattern(regexp = Identifiers.ID_PATTERN, message = "must be 1-64 letters, digits or ._:-") String referredBy) {
}
