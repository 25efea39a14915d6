package io.pointsplatform.events;

import java.time.LocalDate;

/** A member's profile as it now is (absent fields are unknown, not cleared). */
public record MemberUpdated(String memberId, String name, LocalDate birthday) implements MemberEvent {

    public static final String TYPE = "member.updated";

    public MemberUpdated {
        Checks.text(TYPE, "memberId", memberId);
    }

    @Override
    public String type() {
        return TYPE;
    }
}
