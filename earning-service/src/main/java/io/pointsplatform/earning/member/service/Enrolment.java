package io.pointsplatform.earning.member.service;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.pointsplatform.events.BreakdownLine;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/** A member as enrolled, with the bonuses the enrolment credited. */
public record Enrolment(String memberId, String name, LocalDate birthday, String referredBy, String locale,
                        String email, Instant enrolledAt, List<BreakdownLine> bonuses, @JsonIgnore boolean created) {
}
