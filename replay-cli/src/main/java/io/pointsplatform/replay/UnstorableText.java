package io.pointsplatform.replay;

import io.pointsplatform.events.EventData;
import io.pointsplatform.events.ExpiryDeferred;
import io.pointsplatform.events.PointsAdjusted;
import io.pointsplatform.events.PointsEarned;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * Text in a record that PostgreSQL cannot store: U+0000 ({@code text} refuses it with 22021,
 * {@code jsonb} with 22P05) or a lone surrogate ({@code jsonb}: 22P02). In a document the codec has
 * read, both can only be JSON escapes (a backslash, {@code u} and four hex digits: 0000, or D800 to
 * DFFF not in a high-low pair): a raw control character in a string is not JSON, and the codec
 * refuses it. One pass over the bytes, looking only at backslashes, so a record without escapes
 * costs a scan and nothing more. Besides, times it cannot store ({@link #findTime}).
 */
final class UnstorableText {

    private UnstorableText() {
    }

    /** What in {@code document} PostgreSQL cannot store, in words; null when it can store all of it. */
    static String find(byte[] document) {
        int n = document.length;
        for (int i = 0; i < n; i++) {
            if (document[i] != '\\' || i + 1 >= n) {
                continue;
            }
            if (document[i + 1] != 'u' || i + 6 > n) {
                i++;        // a two-character escape (\" \\ \n …): its second character is no escape's start
                continue;
            }
            int unit = hex4(document, i + 2);
            if (unit == 0) {
                return "U+0000 in a text";
            }
            if (Character.isHighSurrogate((char) unit) && i + 12 <= n && document[i + 6] == '\\'
                    && document[i + 7] == 'u' && Character.isLowSurrogate((char) hex4(document, i + 8))) {
                i += 11;    // a pair: one character
            } else if (Character.isSurrogate((char) unit)) {
                return String.format("a lone surrogate (\\u%04x) in a text", unit);
            } else {
                i += 5;
            }
        }
        return null;
    }

    /**
     * A time of the event that PostgreSQL cannot store as the replay writes it, in words; null when
     * it can store them all: its time and its day in {@code zone} (analytics.events' occurred_at and
     * day), and the expiry of the lot it credits or defers (analytics.lots). The codec reads years
     * 0000 to 9999 (RFC 3339); PostgreSQL reads no year 0 nor one of five digits in the replay's text
     * (ISO-8601), and a time late on 31 December 9999 falls on a day of year 10000 east of UTC.
     */
    static String findTime(Instant time, EventData data, ZoneId zone) {
        if (!storable(time) || !storable(LocalDate.ofInstant(time, zone))) {
            return "a time PostgreSQL cannot store (" + time + ", in " + zone + ")";
        }
        Instant lotExpiresAt = switch (data) {
            case PointsEarned e -> e.expiresAt();
            case PointsAdjusted e -> e.expiresAt();
            case ExpiryDeferred e -> e.expiresAt();
            default -> null;
        };
        if (lotExpiresAt != null && !storable(lotExpiresAt)) {
            return "a lot's expiry PostgreSQL cannot store (" + lotExpiresAt + ")";
        }
        return null;
    }

    private static boolean storable(Instant time) {
        return storable(LocalDate.ofInstant(time, ZoneOffset.UTC));
    }

    private static boolean storable(LocalDate day) {
        return day.getYear() >= 1 && day.getYear() <= 9999;
    }

    /** The four hex digits at {@code from}, or -1 when they are not four hex digits. */
    private static int hex4(byte[] document, int from) {
        int value = 0;
        for (int i = from; i < from + 4; i++) {
            int digit = Character.digit(document[i], 16);
            if (digit < 0) {
                return -1;
            }
            value = value * 16 + digit;
        }
        return value;
    }
}
