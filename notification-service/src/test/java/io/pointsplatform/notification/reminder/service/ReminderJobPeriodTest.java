package io.pointsplatform.notification.reminder.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A lot is reminded up to one period of the job ahead of its window, so never a period late. */
class ReminderJobPeriodTest {

    @Test
    void thePeriodIsReadAsTheSchedulerReadsItAndIsZeroWhenTheJobIsOff() {
        assertThat(ReminderJob.period("60s")).isEqualTo(Duration.ofSeconds(60));
        assertThat(ReminderJob.period("10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(ReminderJob.period("PT1M")).isEqualTo(Duration.ofMinutes(1));
        assertThat(ReminderJob.period("off")).isZero();
        assertThat(ReminderJob.period("disabled")).isZero();
        assertThat(ReminderJob.period(" ")).isZero();
    }
}
