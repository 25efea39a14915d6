package io.pointsplatform.kit.validation;

/** Free text in requests (names, reasons, references), checked at every edge the same way. */
public final class Texts {

    /**
     * For {@code @Pattern} on optional text: absent, or with something besides white space in it.
     * Events refuse blank text (a reference of "" says nothing), so the edge refuses it first. White
     * space is what {@link String#isBlank()} (the events' check) counts as such, {@link
     * Character#isWhitespace}: the ideographic space U+3000 and the other Unicode spaces and separators
     * too, not only {@code \s}'s ASCII ones (until 2026-12-07 a reference of U+3000 passed the edge
     * and the event refused it: a 500), but not the no-break spaces. Spelt out, not
     * {@code \P{javaWhitespace}}, so that the OpenAPI document's pattern reads the same in ECMA-262
     * (any character as {@code [\s\S]}: ECMA-262 has no inline {@code (?s)}, which until 2026-12-08
     * made the documents' pattern one a JavaScript client could not compile).
     */
    public static final String NOT_BLANK = "[\\s\\S]*[^\\t\\n\\u000B\\f\\r\\u001C-\\u001F \\u1680\\u2000-\\u2006"
            + "\\u2008-\\u200A\\u2028\\u2029\\u205F\\u3000][\\s\\S]*";
    public static final String NOT_BLANK_MESSAGE = "must not be blank";

    /**
     * For {@code @Pattern} on text that must stay one line (a title that becomes an e-mail's
     * subject): no control character (line breaks and tab included) and no Unicode line or paragraph
     * separator. A header written from it cannot be ended early: vertx-mail writes a subject as given,
     * so "Sale\nX-Injected: 1" would add a header of the sender's choosing. Anchored, since a JSON
     * Schema's pattern (the OpenAPI document's) is searched for, not matched whole.
     */
    public static final String ONE_LINE = "^[^\\p{Cc}\\u2028\\u2029]*$";
    public static final String ONE_LINE_MESSAGE = "must be one line, without control characters";

    private Texts() {
    }

    /**
     * {@code text} as PostgreSQL can store it and a person can read it, in at most {@code maxChars}
     * characters (null stays null): a line break becomes a space, U+0000 and every other control
     * character but tab is dropped, a lone surrogate becomes U+FFFD, and a surrogate pair is never
     * cut in two. For text stored as something else wrote it (a receiver's status line in an error,
     * an SMTP server's reply, an unreadable record's own words in its reason): {@code text} cannot
     * hold U+0000 (SQLSTATE 22021), and one such text fails the whole statement that stores it,
     * with every other row of that statement.
     */
    public static String forStorage(String text, int maxChars) {
        if (text == null) {
            return null;
        }
        StringBuilder kept = new StringBuilder(Math.min(text.length(), maxChars));
        for (int i = 0, n = text.length(); i < n && kept.length() < maxChars; i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r') {
                if (!kept.isEmpty() && kept.charAt(kept.length() - 1) != ' ') {
                    kept.append(' ');
                }
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                if (kept.length() + 2 > maxChars) {
                    break;
                }
                kept.append(c).append(text.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                kept.append('\uFFFD');
            } else if (c == '\t' || !Character.isISOControl(c)) {
                kept.append(c);
            }
        }
        return kept.toString();
    }
}
