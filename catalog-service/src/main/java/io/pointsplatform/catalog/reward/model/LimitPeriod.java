package io.pointsplatform.catalog.reward.model;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.IsoFields;

/** The period a per-member limit counts in, each named by a key of the calendar in the platform's zone. */
public enum LimitPeriod {
    DAY, WEEK, MONTH, YEAR, LIFETIME;

    /** The period {@code at} falls in: 2026-12-03, 2026-W49, 2026-12, 2026, or LIFETIME. */
    public String key(Instant at, ZoneId zone) {
        ZonedDateTime local = at.atZone(zone);
        return switch (this) {
            case DAY -> local.toLocalDate().toString();
            case WEEK -> String.format("%d-W%02d", local.get(IsoFields.WEEK_BASED_YEAR),
                    local.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
            case MONTH -> String.format("%d-%02d", local.getYear(), local.getMonthValue());
            case YEAR -> Integer.toString(local.getYear());
            case LIFETIME -> "LIFETIME";
        };
    }
}
