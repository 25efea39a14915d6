package io.pointsplatform.events;

import java.time.LocalDate;

/** A member's profile as it now is (absent fields are unknown, not cleared); locale and email as in {@link MemberEnrolled}. */
public record MemberUpdated(String memberId, String name, LocalDate birthday, String locale, String email)
        implements MemberEvent {

    public static final String TYPE = "member.updated";

    public MemberUpdated {
        Checks.text(TYPE, "memberId", memberId);
        MemberContact.check(TYPE, locale, email);
    }

    /** Without locale and e-mail address, as the event was before they were added. */
    public MemberUpdated(String memberId, String name, LocalDate birthday) {
        this(memberId, name, birthday, null, null);
    }

    @Override
    public String type() {
        return TYPE;
    }
}
