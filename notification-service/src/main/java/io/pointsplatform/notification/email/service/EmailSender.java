package io.pointsplatform.notification.email.service;

import io.pointsplatform.notification.email.repository.DeliveryRepository;
import io.pointsplatform.notification.email.repository.DeliveryRepository.Due;
import io.pointsplatform.notification.preference.Preferences;
import io.pointsplatform.notification.template.NoticeTemplates;
import io.quarkus.logging.Log;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.reactive.ReactiveMailer;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Sends due e-mail deliveries over SMTP (Quarkus Mailer): every {@code points.notices.email.every}
 * it claims a batch, and another at once while the last was full (a backlog drains at the SMTP
 * server's pace, {@link #MAX_CONCURRENT_SENDS} at a time). Per delivery, decided when it is sent: no address known →
 * SKIPPED ("no e-mail address"); opted out of e-mail for the kind → SKIPPED ("opted out"); else the
 * e-mail in the member's current locale. A failed send is tried again after a backoff that doubles
 * each time (capped), {@code max-attempts} tries in all, then FAILED with the last reason.
 */
@ApplicationScoped
public class EmailSender {

    static final int MAX_CONCURRENT_SENDS = 8;
    /** At most this many batches one after the other in a run of the job; the next run goes on. */
    static final long MAX_BATCHES_A_RUN = 100;
    static final int MAX_REASON_CHARS = 1000;
    /** Longer than a healthy SMTP server takes for one mail, shorter than the delivery's lease (60 s). */
    static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);
    /** A member not read yet is looked for again this many times in all, this far apart, before SKIPPED. */
    static final int UNKNOWN_MEMBER_TRIES = 4;
    static final Duration UNKNOWN_MEMBER_WAIT = Duration.ofSeconds(5);

    private final DeliveryRepository deliveries;
    private final NoticeTemplates templates;
    private final Preferences preferences;
    private final ReactiveMailer mailer;
    private final Clock clock = Clock.systemUTC();
    private final int batch;
    private final Duration lease;
    private final int maxAttempts;
    private final Duration backoff;
    private final Duration maxBackoff;

    public EmailSender(DeliveryRepository deliveries, NoticeTemplates templates, Preferences preferences,
                       ReactiveMailer mailer,
                       @ConfigProperty(name = "points.notices.email.batch") int batch,
                       @ConfigProperty(name = "points.notices.email.lease") Duration lease,
                       @ConfigProperty(name = "points.notices.email.max-attempts") int maxAttempts,
                       @ConfigProperty(name = "points.notices.email.backoff") Duration backoff,
                       @ConfigProperty(name = "points.notices.email.max-backoff") Duration maxBackoff) {
        if (batch < 1 || batch > 1000 || maxAttempts < 1 || maxAttempts > 50 || backoff.isNegative()
                || maxBackoff.compareTo(backoff) < 0) {
            throw new IllegalArgumentException("points.notices.email: batch 1-1000, max-attempts 1-50, "
                    + "0 <= backoff <= max-backoff");
        }
        this.deliveries = deliveries;
        this.templates = templates;
        this.preferences = preferences;
        this.mailer = mailer;
        this.batch = batch;
        this.lease = lease;
        this.maxAttempts = maxAttempts;
        this.backoff = backoff;
        this.maxBackoff = maxBackoff;
    }

    @Scheduled(every = "${points.notices.email.every}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sendDue() {
        // A full batch means more may be due: claim again at once, up to MAX_BATCHES_A_RUN batches, so
        // a backlog drains at the SMTP server's pace rather than one batch a tick.
        return Multi.createBy().repeating().uni(this::sendBatch).whilst(claimed -> claimed == batch)
                .select().first(MAX_BATCHES_A_RUN)
                .collect().last()
                .replaceWithVoid()
                .onFailure().invoke(e -> Log.warnf(e, "The e-mail job failed; due deliveries stay due"))
                .onFailure().recoverWithNull();
    }

    /** Claims up to a batch of due deliveries and tries them; answers how many it claimed. */
    private Uni<Integer> sendBatch() {
        return deliveries.claimDue(batch, lease).chain(due -> Multi.createFrom().iterable(due)
                .onItem().transformToUni(this::deliver).merge(MAX_CONCURRENT_SENDS)
                .collect().last()
                .replaceWith(due.size()));
    }

    private Uni<Void> deliver(Due due) {
        if (due.email() == null) {
            // members and points.ledger are read apart: a new member's first credit may be noticed
            // before its enrolment (and address) is. Wait a little for a member not read yet.
            if (!due.contactKnown() && due.attempts() + 1 < UNKNOWN_MEMBER_TRIES) {
                return deliveries.retry(due.notificationId(), "the member's enrolment not read yet", null,
                        clock.instant().plus(UNKNOWN_MEMBER_WAIT));
            }
            return deliveries.skipped(due.notificationId(), "no e-mail address");
        }
        return preferences.allows(due.memberId(), Preferences.EMAIL, due.kind()).chain(allowed -> {
            if (!allowed) {
                return deliveries.skipped(due.notificationId(), "opted out");
            }
            NoticeTemplates.Email email;
            try {
                Map<String, Object> params = new HashMap<>(due.params());
                params.putIfAbsent("name", due.name());
                email = templates.email(due.kind(), due.locale(), params);
            } catch (RuntimeException e) {
                // Nothing to retry: the notice cannot be written.
                return deliveries.failed(due.notificationId(), reason(e), due.email());
            }
            Mail mail = Mail.withText(due.email(), email.subject(), email.text()).setHtml(email.html());
            // A server that never answers must not hold the job (and every delivery behind it): a
            // send not done within SEND_TIMEOUT is a failed attempt, tried again after its backoff.
            return mailer.send(mail)
                    .ifNoItem().after(SEND_TIMEOUT).failWith(() -> new java.util.concurrent.TimeoutException(
                            "no answer from the SMTP server within " + SEND_TIMEOUT.toSeconds() + " s"))
                    .chain(() -> deliveries.sent(due.notificationId(), due.email()))
                    .onFailure().recoverWithUni(e -> failedAttempt(due, e));
        });
    }

    private Uni<Void> failedAttempt(Due due, Throwable e) {
        int attempts = due.attempts() + 1;
        String reason = reason(e);
        if (attempts >= maxAttempts) {
            Log.warnf("E-mail of notice %s to %s failed %d times, given up: %s", due.notificationId(), due.email(),
                    attempts, reason);
            return deliveries.failed(due.notificationId(), reason, due.email());
        }
        Duration wait = backoff.multipliedBy(1L << Math.min(attempts - 1, 30));
        if (wait.compareTo(maxBackoff) > 0) {
            wait = maxBackoff;
        }
        Log.debugf("E-mail of notice %s failed (attempt %d), again in %s: %s", due.notificationId(), attempts, wait, reason);
        return deliveries.retry(due.notificationId(), reason, due.email(), clock.instant().plus(wait));
    }

    private static String reason(Throwable e) {
        String text = e.getClass().getSimpleName() + ": " + e.getMessage();
        return text.length() > MAX_REASON_CHARS ? text.substring(0, MAX_REASON_CHARS) : text;
    }
}
