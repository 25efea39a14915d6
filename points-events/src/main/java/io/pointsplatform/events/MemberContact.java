package io.pointsplatform.events;

import java.util.regex.Pattern;

/** The shapes of a member's locale and e-mail address on the members topic (the schemas say the same). */
public final class MemberContact {

    /** A language tag: a language, optionally a region ({@code zh-CN}, {@code en}). */
    public static final String LOCALE_PATTERN = "^[a-z]{2,3}(-[A-Z]{2})?$";
    /** One address, no spaces or angle brackets, one {@code @} with a dot after it; at most 254 characters. */
    public static final String EMAIL_PATTERN = "^[^\\s@<>]{1,64}@[^\\s@<>]+\\.[^\\s@<>]+$";
    public static final int EMAIL_MAX = 254;

    private static final Pattern LOCALE = Pattern.compile(LOCALE_PATTERN);
    private static final Pattern EMAIL = Pattern.compile(EMAIL_PATTERN);

    private MemberContact() {
    }

    static void check(String owner, String locale, String email) {
        if (locale != null && !LOCALE.matcher(locale).matches()) {
            throw new IllegalArgumentException(owner + ": locale must be a language tag such as zh-CN or en");
        }
        if (email != null && (email.length() > EMAIL_MAX || !EMAIL.matcher(email).matches())) {
            throw new IllegalArgumentException(owner + ": email is not an e-mail address");
        }
    }
}
