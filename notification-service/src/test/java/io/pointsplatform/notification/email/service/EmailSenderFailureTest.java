package io.pointsplatform.notification.email.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.pointsplatform.notification.email.repository.DeliveryRepository.Due;
import io.pointsplatform.notification.email.repository.DeliveryRepository.Outcome;
import io.vertx.ext.mail.SMTPException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** What a failed send becomes: failed at once when the server refused for good, else tried again later. */
class EmailSenderFailureTest {

    private static final Duration BACKOFF = Duration.ofSeconds(10);
    private final EmailSender sender = new EmailSender(null, null, null, null, 100, 32, Duration.ofSeconds(60),
            Duration.ofSeconds(30), 5, BACKOFF, Duration.ofHours(1));

    private static Due due(int attempts) {
        return new Due("n-1", attempts, "m-1", "points.earned", Map.of(), "en", "m-1@example.com", "Reader", true, false, Instant.now());
    }

    @Test
    void aMailboxTheServerRefusesForGoodFailsAtOnceWithTheReply() {
        SMTPException refused = new SMTPException("RCPT TO command failed", 550, List.of("5.1.1 no such user"), false);
        assertThat(refused.isPermanent()).isTrue();
        // as the mailer may hand it over, wrapped
        Outcome outcome = sender.failedAttempt(due(0), new CompletionException(refused));
        assertThat(outcome.status()).isEqualTo("FAILED");
        assertThat(outcome.attempted()).isEqualTo(1);
        assertThat(outcome.next()).isNull();
        assertThat(outcome.reason()).isEqualTo("SMTP 550: RCPT TO command failed: 5.1.1 no such user");
    }

    @Test
    void aPassingRefusalOrNoAnswerIsTriedAgainWithinTheBackoffUntilTheLastAttempt() {
        SMTPException busy = new SMTPException("MAIL FROM command failed", 451, List.of("4.3.0 try again later"), false);
        assertThat(busy.isPermanent()).isFalse();
        // a 5xx that blames the server's configuration, not the recipient: tried again
        SMTPException badLogin = new SMTPException("AUTH PLAIN failed", 535, List.of("5.7.8 bad credentials"), false);
        assertThat(badLogin.isPermanent()).isTrue();
        for (Throwable failure : List.of(busy, badLogin, new TimeoutException("no answer"))) {
            Instant before = Instant.now();
            Outcome retry = sender.failedAttempt(due(2), failure);          // the third attempt failed
            assertThat(retry.status()).isEqualTo("PENDING");
            assertThat(retry.next()).isBetween(before, Instant.now().plus(BACKOFF.multipliedBy(4)));
            assertThat(sender.failedAttempt(due(4), failure).status()).isEqualTo("FAILED");   // the fifth, the last
        }
    }
}
