package io.pointsplatform.earning.activity.service;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;
import java.time.LocalDate;

/** An activity's credit: its deterministic lot id, the points, and whether this call credited it. */
public record ActivityCredit(String lotId, String memberId, String kind, LocalDate date, long points,
                             Instant availableAt, Instant expiresAt, @JsonIgnore boolean created) {
}
