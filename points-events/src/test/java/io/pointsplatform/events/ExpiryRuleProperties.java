package io.pointsplatform.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

class ExpiryRuleProperties {

    private static final Instant T0 = Samples.T0;
    private static final Duration WEEK = Duration.ofDays(7);

    /** A lot expires only once it is due and its last reminder is a lead old, never before. */
    @Property(tries = 2000)
    void aLotNeverExpiresBeforeALeadAfterItsLastReminder(@ForAll @LongRange(min = -60, max = 60) long remindedDay,
            @ForAll @LongRange(min = 0, max = 60) long nowDay, @ForAll boolean reminded) {
        Instant expiresAt = T0;
        Instant remindedAt = reminded ? T0.plus(Duration.ofDays(remindedDay)) : null;
        Instant now = T0.plus(Duration.ofDays(nowDay));
        Instant deferTo = ExpiryRule.deferTo(expiresAt, remindedAt, WEEK, now);
        if (deferTo == null) {
            assertThat(remindedAt).isNotNull();
            assertThat(remindedAt.plus(WEEK)).isBeforeOrEqualTo(now);
        } else {
            assertThat(deferTo).isAfter(now).isAfter(expiresAt);
            if (remindedAt != null) {
                assertThat(deferTo).isEqualTo(remindedAt.plus(WEEK));
            } else {
                assertThat(deferTo).isEqualTo(now.plus(WEEK));
            }
        }
    }

    @Property(tries = 200)
    void remindedInTimeExpiresOnTime(@ForAll @LongRange(min = 7, max = 60) long daysBefore) {
        assertThat(ExpiryRule.deferTo(T0, T0.minus(Duration.ofDays(daysBefore)), WEEK, T0)).isNull();
    }
}
