package io.pointsplatform.notification.email.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pointsplatform.notification.email.repository.DeliveryRepository.Due;
import io.pointsplatform.notification.email.repository.DeliveryRepository.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The lease bounds when a claimed delivery may still be sent (no server, no database needed to decide). */
class EmailSenderLeaseTest {

    private static final Duration LEASE = Duration.ofSeconds(60);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    private static EmailSender sender(Duration lease) {
        return new EmailSender(null, null, null, null, 100, 32, lease, SEND_TIMEOUT, 5, Duration.ofSeconds(10),
                Duration.ofHours(1));
    }

    @Test
    void aDeliveryWhoseLeaseCannotCoverASendAnyMoreIsGivenBackUnsentDueAtOnce() {
        Due due = new Due("n-1", 2, "m-1", "marketing", Map.of(), "en", "m-1@example.com", "Reader", true, false, Instant.now());
        Instant claimedAt = Instant.now().minus(LEASE).plus(SEND_TIMEOUT).plusSeconds(1);
        Outcome outcome = sender(LEASE).deliver(due, claimedAt).await().indefinitely();
        assertThat(outcome.released()).isTrue();
        assertThat(outcome.status()).isEqualTo("PENDING");
        assertThat(outcome.attempted()).isZero();
        assertThat(outcome.next()).isBeforeOrEqualTo(Instant.now());
    }

    @Test
    void aDeliveryStartedInTimeIsDecidedAsUsual() {
        Due optedOut = new Due("n-2", 0, "m-2", "marketing", Map.of(), "en", "m-2@example.com", "Reader", true, true, Instant.now());
        Outcome outcome = sender(LEASE).deliver(optedOut, Instant.now()).await().indefinitely();
        assertThat(outcome).isEqualTo(Outcome.skipped("n-2", "opted out"));
    }

    /**
     * A member whose enrolment was not read yet is waited for as long as its notice's text waits (a
     * day), without taking a send attempt, looking again after half the notice's age (5 s to 10 min);
     * after that, or for a member read without an address, the e-mail is skipped. Until 2026-12-07 it
     * was skipped for good after three looks 5 s apart, each counted as an attempt.
     */
    @Test
    void aMemberNotReadYetIsWaitedForADayWithoutTakingAnAttempt() {
        Instant now = Instant.now();
        for (Duration age : List.of(Duration.ZERO, Duration.ofMinutes(1), Duration.ofHours(3))) {
            Due unknown = new Due("n-3", 9, "m-3", "points.earned", Map.of(), null, null, null, false, false,
                    now.minus(age));
            Outcome outcome = sender(LEASE).deliver(unknown, Instant.now()).await().indefinitely();
            assertThat(outcome.status()).as("noticed %s ago", age).isEqualTo("PENDING");
            assertThat(outcome.attempted()).isZero();
            assertThat(outcome.released()).isFalse();
            Duration wait = Duration.between(now, outcome.next());
            assertThat(wait).isBetween(Duration.ofSeconds(5), Duration.ofMinutes(10).plusSeconds(1));
            if (age.equals(Duration.ofMinutes(1))) {
                assertThat(wait).isBetween(Duration.ofSeconds(29), Duration.ofSeconds(32));
            }
        }
        Due aDayOld = new Due("n-4", 0, "m-4", "points.earned", Map.of(), null, null, null, false, false,
                now.minus(Duration.ofHours(25)));
        assertThat(sender(LEASE).deliver(aDayOld, Instant.now()).await().indefinitely())
                .isEqualTo(Outcome.skipped("n-4", "no e-mail address"));
        Due readWithoutAddress = new Due("n-5", 0, "m-5", "points.earned", Map.of(), "en", null, "Reader", true, false,
                now);
        assertThat(sender(LEASE).deliver(readWithoutAddress, Instant.now()).await().indefinitely())
                .isEqualTo(Outcome.skipped("n-5", "no e-mail address"));
    }

    @Test
    void aLeaseTooShortToCoverASendIsRefusedAtStartUp() {
        assertThatThrownBy(() -> sender(SEND_TIMEOUT)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lease >= send-timeout + 15s = 45s");
    }
}
