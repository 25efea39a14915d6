package io.pointsplatform.notification.email.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pointsplatform.notification.email.repository.DeliveryRepository.Due;
import io.pointsplatform.notification.email.repository.DeliveryRepository.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The lease bounds when a claimed delivery may still be sent (no server, no database needed to decide). */
class EmailSenderLeaseTest {

    private static final Duration LEASE = Duration.ofSeconds(60);

    private static EmailSender sender(Duration lease) {
        return new EmailSender(null, null, null, null, 100, 32, lease, 5, Duration.ofSeconds(10), Duration.ofHours(1));
    }

    @Test
    void aDeliveryWhoseLeaseCannotCoverASendAnyMoreIsGivenBackUnsentDueAtOnce() {
        Due due = new Due("n-1", 2, "m-1", "marketing", Map.of(), "en", "m-1@example.com", "Reader", true, false);
        Instant claimedAt = Instant.now().minus(LEASE).plus(EmailSender.SEND_TIMEOUT).plusSeconds(1);
        Outcome outcome = sender(LEASE).deliver(due, claimedAt).await().indefinitely();
        assertThat(outcome.released()).isTrue();
        assertThat(outcome.status()).isEqualTo("PENDING");
        assertThat(outcome.attempted()).isZero();
        assertThat(outcome.next()).isBeforeOrEqualTo(Instant.now());
    }

    @Test
    void aDeliveryStartedInTimeIsDecidedAsUsual() {
        Due optedOut = new Due("n-2", 0, "m-2", "marketing", Map.of(), "en", "m-2@example.com", "Reader", true, true);
        Outcome outcome = sender(LEASE).deliver(optedOut, Instant.now()).await().indefinitely();
        assertThat(outcome).isEqualTo(Outcome.skipped("n-2", "opted out"));
    }

    @Test
    void aLeaseTooShortToCoverASendIsRefusedAtStartUp() {
        assertThatThrownBy(() -> sender(EmailSender.SEND_TIMEOUT)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lease >= 45s");
    }
}
