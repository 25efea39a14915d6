package io.pointsplatform.events;

import java.time.LocalDate;

/**
 * A member joined; name, birthday, referrer, locale (a language tag such as {@code zh-CN} or
 * {@code en}: what the member is told in) and e-mail address are optional.
 */
public record MemberEnrolled(String memberId, String name, LocalDate birthday, String referredBy, String locale,
                             String email) implements MemberEvent {

    public static final String TYPE = "member.enrolled";

    public MemberEnrolled {
        Checks.text(TYPE, "memberId", memberId);
        Checks.optionalText(TYPE, "referredBy", referredBy);
        MemberContact.check(TYPE, locale, email);
        if (memberId.equals(referredBy)) {
            throw new IllegalArgumentException(TYPE + ": a member cannot refer itself");
        }
    }

    /** Without locale and e-mail address, as the event was before they were added. */
    public MemberEnrolled(String memberId, String name, LocalDate birthday, String referredBy) {
        this(memberId, name, birthday, referredBy, null, null);
    }

    @Override
    public String type() {
        return TYPE;
    }
}
