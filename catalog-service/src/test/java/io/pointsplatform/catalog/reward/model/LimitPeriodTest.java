package io.pointsplatform.catalog.reward.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** A limit's period is the calendar's in the platform's zone: Shanghai's day starts at 16:00 UTC. */
class LimitPeriodTest {

    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

    @Test
    void eachPeriodIsNamedByItsCalendarKeyInTheZone() {
        Instant lateEvening = Instant.parse("2026-12-31T15:59:59Z");
        Instant newYear = Instant.parse("2026-12-31T16:00:00Z");
        assertThat(LimitPeriod.DAY.key(lateEvening, SHANGHAI)).isEqualTo("2026-12-31");
        assertThat(LimitPeriod.DAY.key(newYear, SHANGHAI)).isEqualTo("2027-01-01");
        assertThat(LimitPeriod.MONTH.key(newYear, SHANGHAI)).isEqualTo("2027-01");
        assertThat(LimitPeriod.YEAR.key(lateEvening, SHANGHAI)).isEqualTo("2026");
        // 2027-01-01 is a Friday: ISO week 53 of 2026.
        assertThat(LimitPeriod.WEEK.key(newYear, SHANGHAI)).isEqualTo("2026-W53");
        assertThat(LimitPeriod.WEEK.key(Instant.parse("2027-01-04T00:00:00Z"), SHANGHAI)).isEqualTo("2027-W01");
        assertThat(LimitPeriod.LIFETIME.key(newYear, SHANGHAI)).isEqualTo(LimitPeriod.LIFETIME.key(lateEvening, SHANGHAI));
    }
}
