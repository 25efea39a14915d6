package io.pointsplatform.notification.email.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pointsplatform.notification.RawSmtpServer;
import io.quarkus.mailer.Mail;
import io.vertx.mutiny.core.Vertx;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The job's SMTP client is built from the quarkus.mailer settings (seen without a Quarkus application). */
class SmtpClientTest {

    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(4);
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.closeAndAwait();
    }

    private SmtpClient client(int port, String startTls, Duration idleTimeout) {
        return new SmtpClient(vertx, null, Optional.of(false), Optional.of("Points <noreply@points.local>"),
                "127.0.0.1", Optional.of(port), startTls, Optional.empty(), Optional.empty(), 2, true,
                Duration.ofSeconds(60), idleTimeout, SEND_TIMEOUT);
    }

    @Test
    void anIdleTimeoutNotShorterThanTheSendTimeoutIsRefusedAtStartUp() {
        assertThatThrownBy(() -> client(25, "DISABLED", SEND_TIMEOUT)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("points.notices.email.idle-timeout: more than 0 and less than");
        assertThatThrownBy(() -> client(25, "DISABLED", Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * start-tls is applied as Quarkus' mailer applies it (in any case): REQUIRED against a server that
     * offers no STARTTLS sends nothing; DISABLED sends in the clear, from the configured sender.
     */
    @Test
    void startTlsAndTheSenderAreTakenFromTheSettings() throws IOException {
        try (RawSmtpServer smtp = new RawSmtpServer(0)) {
            Mail mail = Mail.withText("reader@example.com", "Hello", "text").setHtml("<p>html</p>");
            assertThatThrownBy(() -> client(smtp.port(), "required", Duration.ofSeconds(1)).send(mail)
                    .await().atMost(SEND_TIMEOUT)).hasMessageContaining("STARTTLS");
            assertThat(smtp.taken("reader@example.com")).isZero();

            client(smtp.port(), "disabled", Duration.ofSeconds(1)).send(mail).await().atMost(SEND_TIMEOUT);
            assertThat(smtp.taken("reader@example.com")).isEqualTo(1);
            assertThat(smtp.senders()).isEqualTo(List.of("noreply@points.local"));
        }
    }
}
