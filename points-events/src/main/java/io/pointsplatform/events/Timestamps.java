package io.pointsplatform.events;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/**
 * Reads the timestamps events carry. Every event has several ({@code time}, {@code availableAt},
 * {@code expiresAt}, …) and {@link Instant#parse} takes microseconds each, most of a replay's
 * decoding time. The form producers write, {@code yyyy-MM-ddTHH:mm:ss[.f…]Z} in UTC with 0 to 9
 * fraction digits, is read here directly; anything else (an offset, a leap second, a malformed
 * text) goes to {@link Instant#parse}, which accepts or refuses it exactly as before.
 */
public final class Timestamps {

    private Timestamps() {
    }

    /** 0000-01-01T00:00:00Z and 9999-12-31T23:59:59.999999999Z: RFC 3339's four-digit years. */
    private static final Instant FIRST = Instant.parse("0000-01-01T00:00:00Z");
    private static final Instant LAST = Instant.parse("9999-12-31T23:59:59.999999999Z");

    /**
     * As {@link Instant#parse}: the same instant for every text it accepts whose year has four digits
     * (RFC 3339's, as the events' schemas say), the same exception otherwise. Until 2026-12-06 a year
     * such as {@code +1000000000} was taken here though the schemas refuse it, and a consumer keeping
     * it in {@code timestamptz} could not store it.
     */
    public static Instant parse(CharSequence text) {
        Instant fast = parseCanonical(text);
        if (fast != null) {
            return fast;
        }
        Instant parsed = Instant.parse(text);
        if (parsed.isBefore(FIRST) || parsed.isAfter(LAST)) {
            throw new DateTimeParseException("Text '" + text + "' is outside the years 0000 to 9999", text, 0);
        }
        return parsed;
    }

    /** The instant of a canonical UTC text, or null when the text is not in that exact form. */
    static Instant parseCanonical(CharSequence text) {
        int length = text.length();
        if (length < 20 || length > 30 || text.charAt(length - 1) != 'Z' || text.charAt(4) != '-'
                || text.charAt(7) != '-' || text.charAt(10) != 'T' || text.charAt(13) != ':'
                || text.charAt(16) != ':') {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 2);
        int day = digits(text, 8, 2);
        int hour = digits(text, 11, 2);
        int minute = digits(text, 14, 2);
        int second = digits(text, 17, 2);
        if (year < 0 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59
                || second < 0 || second > 59) {
            return null;
        }
        int nanos = 0;
        if (length > 20) {
            // A fraction: '.' and 1 to 9 digits before the 'Z'.
            int fractionDigits = length - 21;
            if (text.charAt(19) != '.' || fractionDigits < 1) {
                return null;
            }
            int fraction = digits(text, 20, fractionDigits);
            if (fraction < 0) {
                return null;
            }
            nanos = fraction * POWERS_OF_TEN[9 - fractionDigits];
        } else if (text.charAt(19) != 'Z') {
            return null;
        }
        long epochDay;
        try {
            epochDay = LocalDate.of(year, month, day).toEpochDay();
        } catch (DateTimeException invalid) {
            return null;
        }
        return Instant.ofEpochSecond(epochDay * 86_400L + hour * 3_600L + minute * 60L + second, nanos);
    }

    /**
     * Appends the instant as {@link Instant#toString} writes it (ISO-8601 in UTC, with 0, 3, 6 or 9
     * fraction digits), without a formatter: snapshots carry two per lot. Years outside 0000-9999
     * are left to {@link Instant#toString}.
     */
    static void append(StringBuilder out, Instant instant) {
        long seconds = instant.getEpochSecond();
        if (seconds < YEAR_0 || seconds >= YEAR_10000) {
            out.append(instant);
            return;
        }
        int secondOfDay = (int) Math.floorMod(seconds, 86_400L);
        LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(seconds, 86_400L));
        pad(out, date.getYear(), 4).append('-');
        pad(out, date.getMonthValue(), 2).append('-');
        pad(out, date.getDayOfMonth(), 2).append('T');
        pad(out, secondOfDay / 3_600, 2).append(':');
        pad(out, secondOfDay / 60 % 60, 2).append(':');
        pad(out, secondOfDay % 60, 2);
        int nanos = instant.getNano();
        if (nanos != 0) {
            out.append('.');
            if (nanos % 1_000_000 == 0) {
                pad(out, nanos / 1_000_000, 3);
            } else if (nanos % 1_000 == 0) {
                pad(out, nanos / 1_000, 6);
            } else {
                pad(out, nanos, 9);
            }
        }
        out.append('Z');
    }

    /** The first second of year 0000 and of year 10000: between them Instant writes four-digit years. */
    private static final long YEAR_0 = LocalDate.of(0, 1, 1).toEpochDay() * 86_400L;
    private static final long YEAR_10000 = LocalDate.of(10_000, 1, 1).toEpochDay() * 86_400L;

    /** Appends {@code value} (non-negative) with leading zeros to {@code width} digits. */
    private static StringBuilder pad(StringBuilder out, int value, int width) {
        for (int power = POWERS_OF_TEN[width - 1]; power > 1 && value < power; power /= 10) {
            out.append('0');
        }
        return out.append(value);
    }

    private static final int[] POWERS_OF_TEN = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000,
            100_000_000};

    /** The non-negative number written by {@code count} ASCII digits from {@code from}, or -1. */
    private static int digits(CharSequence text, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
