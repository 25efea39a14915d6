package io.pointsplatform.events;

import java.time.LocalDate;

/** A member joined; name, birthday and referrer are optional. */
public record MemberEnrolled(String memberId, String name, LocalDate birthday, String referredBy)
        implements MemberEvent {

    public static final String TYPE = "member.enrolled";

    public MemberEnrolled {
        Checks.text(TYPE, "memberId", memberId);
        Checks.optionalText(TYPE, "referredBy", referredBy);
        if (memberId.equals(referredBy)) {
            throw new IllegalArgumentException(TYPE + ": a member cannot refer itself");
        }
    }

    @Override
    public String type() {
        return TYPE;
    }
}
