package io.pointsplatform.earning.activity.rest;

import com.fasterxml.jackson.annotation.JsonAlias;
import io.pointsplatform.kit.Identifiers;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Instant;
import java.time.LocalDate;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * {@code POST /api/v1/activities}: {@code kind} (or {@code type}) CHECKIN, BIRTHDAY or a configured
 * kind; the day is {@code date}, else {@code occurredAt} in the programme's zone, else today.
 */
public record ActivityRequest(
        @NotNull @Pattern(regexp = Identifiers.ID_PATTERN, message = "must be 1-64 letters, digits or ._:-") String memberId,
        @NotNull @JsonAlias("type") @Pattern(regexp = "[A-Z][A-Z_]{0,31}", message = "must be an activity kind such as CHECKIN or BIRTHDAY") String kind,
        LocalDate date,
        @Schema(description = "When it happened, at most now plus 60 s of clock skew; its day (in the programme's"
                + " zone) is the activity's day when date is absent")
        Instant occurredAt) {
}
