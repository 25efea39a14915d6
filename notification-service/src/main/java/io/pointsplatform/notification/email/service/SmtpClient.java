package io.pointsplatform.notification.email.service;

import io.quarkus.mailer.Mail;
import io.quarkus.mailer.reactive.ReactiveMailer;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import io.vertx.core.MultiMap;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.StartTLSOptions;
import io.vertx.ext.mail.mailencoder.EmailAddress;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.mail.MailClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The SMTP client the e-mail job sends through: Vert.x's mail client (the one Quarkus' mailer wraps),
 * with a connection pool of its own built from the same {@code quarkus.mailer.*} settings (host, port,
 * start-tls, username, password, from, max-pool-size, keep-alive, keep-alive-timeout), and with what
 * Quarkus' mailer has no setting for: {@code points.notices.email.idle-timeout}.
 *
 * <p>A send the job gives up on must end with its connection. Until 2026-12-07 the job sent through
 * Quarkus' {@code ReactiveMailer} and gave up after the send timeout by leaving its Uni, but vertx-mail
 * went on with the exchange on its pooled connection, and sets no time limit on a reply: a server that
 * answered the end of DATA late got the mail again at each retry, and one that never answered kept the
 * connection for ever, until {@code max-pool-size} such connections left every later send waiting for
 * one. The idle timeout is Vert.x's TCP one ({@link MailConfig} is Vert.x's {@code NetClientOptions}):
 * a connection on which nothing was read or written for that long is closed, in the middle of a
 * transaction too; vertx-mail then fails the send ({@code IOException: socket was closed unexpected.})
 * and drops the connection from its pool. It is shorter than the send timeout, so a server that stops
 * answering loses the connection before the job gives up, and a late reply finds it closed. It closes
 * an unused pooled connection after as long too, and bounds the connect. It does not bound a server
 * slow at every step yet never silent that long, nor the wait for a pooled connection when all are in
 * use (vertx-mail's pool waits without limit): such a send may still go on after the job gave up.
 *
 * <p>With {@code quarkus.mailer.mock} true (Quarkus' default in dev and test when it is not set; this
 * service sets it false in every profile) mails go to Quarkus' mailer instead, which only logs them.
 */
@ApplicationScoped
@Startup       // made at start, so that settings it refuses stop the service there
public class SmtpClient {

    private final MailClient client;
    private final ReactiveMailer mock;
    private final String from;

    public SmtpClient(Vertx vertx, Instance<ReactiveMailer> quarkusMailer,
                      @ConfigProperty(name = "quarkus.mailer.mock") Optional<Boolean> mock,
                      @ConfigProperty(name = "quarkus.mailer.from") Optional<String> from,
                      @ConfigProperty(name = "quarkus.mailer.host", defaultValue = "localhost") String host,
                      @ConfigProperty(name = "quarkus.mailer.port") Optional<Integer> port,
                      @ConfigProperty(name = "quarkus.mailer.start-tls", defaultValue = "OPTIONAL") String startTls,
                      @ConfigProperty(name = "quarkus.mailer.username") Optional<String> username,
                      @ConfigProperty(name = "quarkus.mailer.password") Optional<String> password,
                      @ConfigProperty(name = "quarkus.mailer.max-pool-size", defaultValue = "10") int maxPoolSize,
                      @ConfigProperty(name = "quarkus.mailer.keep-alive", defaultValue = "true") boolean keepAlive,
                      @ConfigProperty(name = "quarkus.mailer.keep-alive-timeout", defaultValue = "300s") Duration keepAliveTimeout,
                      @ConfigProperty(name = "points.notices.email.idle-timeout") Duration idleTimeout,
                      @ConfigProperty(name = "points.notices.email.send-timeout") Duration sendTimeout) {
        if (!idleTimeout.isPositive() || idleTimeout.compareTo(sendTimeout) >= 0) {
            throw new IllegalArgumentException("points.notices.email.idle-timeout: more than 0 and less than "
                    + "points.notices.email.send-timeout (" + sendTimeout + "), was " + idleTimeout);
        }
        this.from = from.orElse(null);
        if (mock.orElse(LaunchMode.current().isDevOrTest())) {
            this.mock = quarkusMailer.get();
            this.client = null;
            return;
        }
        this.mock = null;
        int idleMillis = Math.toIntExact(idleTimeout.toMillis());
        MailConfig config = new MailConfig()
                .setHostname(host)
                .setStarttls(StartTLSOptions.valueOf(startTls.toUpperCase(Locale.ROOT)))
                .setMaxPoolSize(maxPoolSize)
                .setKeepAlive(keepAlive)
                .setKeepAliveTimeout(Math.toIntExact(keepAliveTimeout.toMillis()))
                .setKeepAliveTimeoutUnit(TimeUnit.MILLISECONDS)
                .setIdleTimeout(idleMillis)
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                .setConnectTimeout(idleMillis)
                // as Quarkus' mailer names its client, so that Micrometer's Vert.x metrics count it alike
                .setMetricsName("mail");
        port.ifPresent(config::setPort);
        username.ifPresent(config::setUsername);
        password.ifPresent(config::setPassword);
        this.client = MailClient.create(vertx, config);
    }

    /** Sends the mail (its from, recipients, subject, text, HTML and headers); fails as the send does. */
    public Uni<Void> send(Mail mail) {
        if (mock != null) {
            return mock.send(mail);
        }
        return Uni.createFrom().deferred(() -> client.sendMail(message(mail))).replaceWithVoid();
    }

    /**
     * The Vert.x message of a mail, as Quarkus' mailer makes it (the configured sender unless the mail
     * names one); an address that cannot be parsed is refused before any connection, as there.
     */
    private MailMessage message(Mail mail) {
        if (!mail.getAttachments().isEmpty()) {
            throw new IllegalStateException("attachments are not sent by this client");
        }
        Stream.of(mail.getTo(), mail.getCc(), mail.getBcc()).flatMap(List::stream).forEach(address -> {
            try {
                new EmailAddress(address);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Unable to send an email, an email address is invalid: "
                        + e.getMessage(), e);
            }
        });
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        mail.getHeaders().forEach(headers::add);
        if (mail.getReplyTo() != null) {
            headers.add("Reply-To", mail.getReplyTo());
        }
        return new MailMessage()
                .setFrom(mail.getFrom() != null ? mail.getFrom() : from)
                .setBounceAddress(mail.getBounceAddress())
                .setTo(mail.getTo())
                .setCc(mail.getCc())
                .setBcc(mail.getBcc())
                .setSubject(mail.getSubject())
                .setText(mail.getText())
                .setHtml(mail.getHtml())
                .setHeaders(headers);
    }

    @PreDestroy
    void close() {
        if (client != null) {
            client.closeAndForget();
        }
    }
}
