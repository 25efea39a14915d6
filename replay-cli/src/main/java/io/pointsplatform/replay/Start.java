package io.pointsplatform.replay;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;

/** Where a replay starts ({@code --from}). */
sealed interface Start {

    /** Each partition's first record still in the log. */
    record Beginning() implements Start {
    }

    /** The first record appended at or after this time (the Kafka record timestamps' index). */
    record At(Instant time) implements Start {
    }

    /** Where the replay of the same {@code --name} stopped, saved with its rows; the beginning where nothing is saved. */
    record Saved() implements Start {
    }

    /**
     * {@code beginning}, {@code saved}, an ISO-8601 date-time (with its offset, or else in {@code zone}),
     * or a date (its midnight in {@code zone}).
     */
    static Start parse(String text, ZoneId zone) {
        Start start = parseText(text, zone);
        if (start instanceof At at && at.time().toEpochMilli() < 0) {
            // Kafka's record timestamps count from 1970 and refuse a negative one to look for.
            throw new IllegalArgumentException("--from: " + text + " is before 1970-01-01T00:00:00Z, where Kafka's"
                    + " timestamps begin (use beginning)");
        }
        return start;
    }

    private static Start parseText(String text, ZoneId zone) {
        switch (text) {
            case "beginning" -> {
                return new Beginning();
            }
            case "saved" -> {
                return new Saved();
            }
            default -> {
                try {
                    return new At(OffsetDateTime.parse(text).toInstant());
                } catch (DateTimeParseException notADateTime) {
                    try {
                        return new At(LocalDateTime.parse(text).atZone(zone).toInstant());
                    } catch (DateTimeParseException notALocalTime) {
                        // A date, or neither.
                    }
                    try {
                        return new At(LocalDate.parse(text).atStartOfDay(zone).toInstant());
                    } catch (DateTimeParseException notADate) {
                        throw new IllegalArgumentException("--from takes beginning, saved, an ISO-8601 time such as "
                                + "2026-11-01T00:00:00+08:00 or a date such as 2026-11-01 (was '" + text + "')");
                    }
                }
            }
        }
    }
}
