package io.pointsplatform.notification.email.service;

import io.pointsplatform.kit.retry.Backoff;
import io.pointsplatform.notification.email.repository.DeliveryRepository;
import io.pointsplatform.notification.preference.UnsubscribeLinks;
import io.pointsplatform.notification.email.repository.DeliveryRepository.Due;
import io.pointsplatform.notification.email.repository.DeliveryRepository.Outcome;
import io.pointsplatform.notification.notice.service.NotificationService;
import io.pointsplatform.notification.template.NoticeTemplates;
import io.quarkus.logging.Log;
import io.quarkus.mailer.Mail;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.mail.SMTPException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Sends due e-mail deliveries over SMTP ({@link SmtpClient}). Every {@code points.notices.email.every} it
 * drains what is due as one continuous pipeline: it claims a batch (leasing it), and claims the next
 * while the last is being sent, so at most two claimed batches wait for a free slot; {@code concurrency}
 * sends are in flight at any time, over the client's pool of kept-alive SMTP connections. A send not done
 * within {@code send-timeout} is a failed attempt; one that hears nothing for {@code idle-timeout} (less)
 * loses its connection first, so it cannot go on after the job gave up on it. The claim
 * answers, per delivery, the member's address, locale, name and whether the member opted out of e-mail
 * for the kind, so a send costs no query of its own; a batch's outcomes are stored together, in one
 * statement, when its last delivery is done. Per delivery: no address known → SKIPPED ("no e-mail
 * address", after waiting for a member not read yet); opted out of e-mail for the kind → SKIPPED
 * ("opted out"); else the e-mail in the member's current locale. A recipient refused for good (SMTP 550,
 * 551, 553, 501, or an address the mail client cannot parse) is FAILED at once; another failure is tried again after the platform's backoff (a random
 * wait up to {@code backoff}, its ceiling doubling each time up to {@code max-backoff}),
 * {@code max-attempts} tries in all, then FAILED with the last reason. A delivery not started while its lease still covers a whole send is given back, due at once.
 */
@ApplicationScoped
@Startup       // made at start (not at the job's first run), so that settings it refuses stop the service there
public class EmailSender {

    /** At most this many batches one after the other in a run of the job; the next run goes on. */
    static final long MAX_BATCHES_A_RUN = 100;
    /** Room left in a lease after a send for its outcome to be stored. */
    static final Duration LEASE_MARGIN = Duration.ofSeconds(5);
    /** A lease leaves at least this long after its claim to start a send (and covers the send and the margin). */
    static final Duration LEASE_START = Duration.ofSeconds(10);
    /** A batch's outcomes are stored in this many tries at most, the first retry this far after. */
    static final int RECORD_TRIES = 3;
    static final Duration RECORD_BACKOFF = Duration.ofMillis(200);
    /** A member not read yet is looked for again this many times in all, this far apart, before SKIPPED. */
    /** The shortest and the longest wait between two looks for a member whose enrolment was not read yet. */
    static final Duration UNKNOWN_MEMBER_WAIT = Duration.ofSeconds(5);
    static final Duration UNKNOWN_MEMBER_MAX_WAIT = Duration.ofMinutes(10);

    private final DeliveryRepository deliveries;
    private final NoticeTemplates templates;
    private final SmtpClient smtp;
    private final UnsubscribeLinks unsubscribeLinks;
    private final Clock clock = Clock.systemUTC();
    private final int batch;
    private final int concurrency;
    private final Duration lease;
    /** Longer than a healthy SMTP server takes for one mail, shorter than the delivery's lease. */
    private final Duration sendTimeout;
    private final int maxAttempts;
    private final Backoff backoff;

    public EmailSender(DeliveryRepository deliveries, NoticeTemplates templates, SmtpClient smtp,
                       UnsubscribeLinks unsubscribeLinks,
                       @ConfigProperty(name = "points.notices.email.batch") int batch,
                       @ConfigProperty(name = "points.notices.email.concurrency") int concurrency,
                       @ConfigProperty(name = "points.notices.email.lease") Duration lease,
                       @ConfigProperty(name = "points.notices.email.send-timeout") Duration sendTimeout,
                       @ConfigProperty(name = "points.notices.email.max-attempts") int maxAttempts,
                       @ConfigProperty(name = "points.notices.email.backoff") Duration backoff,
                       @ConfigProperty(name = "points.notices.email.max-backoff") Duration maxBackoff) {
        Duration minLease = sendTimeout.plus(LEASE_MARGIN).plus(LEASE_START);
        if (batch < 1 || batch > 1000 || concurrency < 1 || concurrency > 1000 || maxAttempts < 1 || maxAttempts > 50
                || !backoff.isPositive() || maxBackoff.compareTo(backoff) < 0 || !sendTimeout.isPositive()
                || lease.compareTo(minLease) < 0) {
            throw new IllegalArgumentException("points.notices.email: batch 1-1000, concurrency 1-1000, "
                    + "max-attempts 1-50, 0 < backoff <= max-backoff, send-timeout > 0, lease >= send-timeout + "
                    + LEASE_MARGIN.plus(LEASE_START).toSeconds() + "s = " + minLease.toSeconds() + "s");
        }
        this.deliveries = deliveries;
        this.templates = templates;
        this.smtp = smtp;
        this.unsubscribeLinks = unsubscribeLinks;
        this.batch = batch;
        this.concurrency = concurrency;
        this.lease = lease;
        this.sendTimeout = sendTimeout;
        this.maxAttempts = maxAttempts;
        this.backoff = new Backoff(backoff, maxBackoff);
    }

    @Scheduled(every = "${points.notices.email.every}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> sendDue() {
        // A full batch means more may be due: claim again, up to MAX_BATCHES_A_RUN batches, so a backlog
        // drains at the SMTP server's pace rather than one batch a tick. concatenate(true) claims the
        // next batch as soon as the last one's first delivery is taken (not when its last is done), and
        // merge(concurrency) keeps that many sends going across batches.
        return Multi.createBy().repeating().uni(this::claim).whilst(claimed -> claimed.size() == batch)
                .select().first(MAX_BATCHES_A_RUN)
                .onItem().transformToMulti(Claimed::each).concatenate(true)
                .onItem().transformToUni(this::deliverAndRecord).merge(concurrency)
                .collect().last()
                .replaceWithVoid()
                .onFailure().invoke(e -> Log.warnf(e, "The e-mail job failed; due deliveries stay due"))
                .onFailure().recoverWithNull();
    }

    private Uni<Claimed> claim() {
        return deliveries.claimDue(batch, lease).map(due -> new Claimed(due, clock.instant()));
    }

    /**
     * Tries one delivery; the batch's last to finish stores every outcome of its batch. An unexpected
     * error in one delivery is a failed attempt of that delivery, so its batch is still stored whole
     * (else the e-mails already sent would be sent again after the lease); the store itself is tried
     * again briefly before the run gives up (the lease then brings the batch back).
     */
    private Uni<Void> deliverAndRecord(InBatch item) {
        return Uni.createFrom().deferred(() -> deliver(item.due(), item.batch().claimedAt()))
                .onFailure().recoverWithItem(e -> failedAttempt(item.due(), e))
                .chain(outcome -> {
                    List<Outcome> all = item.batch().done(outcome);
                    return all == null ? Uni.createFrom().voidItem() : deliveries.record(all)
                            .onFailure().retry().withBackOff(RECORD_BACKOFF).atMost(RECORD_TRIES - 1);
                });
    }

    /** What became of one delivery; never a failure. */
    Uni<Outcome> deliver(Due due, Instant claimedAt) {
        Instant now = clock.instant();
        if (now.isAfter(claimedAt.plus(lease).minus(sendTimeout).minus(LEASE_MARGIN))) {
            // Waited too long for a slot (a slow server): a send now could outlast the lease and another
            // claim could send the same e-mail again. Give it back, due at once.
            return Uni.createFrom().item(Outcome.released(due.notificationId()));
        }
        if (due.email() == null) {
            // members and points.ledger are read apart: a new member's first credit may be noticed
            // before its enrolment (and address) is, by seconds or, after a consumer's downtime or a
            // rebalance, by much more. Wait for a member not read yet as long as its notice's text
            // does (NotificationService.UNKNOWN_MEMBER_KEPT, a day), looking again after half the
            // notice's age (5 s to 10 min), and count no attempt: until 2026-12-07 it gave up after
            // three looks 5 s apart (SKIPPED "no e-mail address" for good), each taking a send attempt.
            if (!due.contactKnown() && now.isBefore(due.noticedAt().plus(NotificationService.UNKNOWN_MEMBER_KEPT))) {
                Duration wait = Duration.between(due.noticedAt(), now).dividedBy(2);
                wait = wait.compareTo(UNKNOWN_MEMBER_WAIT) < 0 ? UNKNOWN_MEMBER_WAIT
                        : wait.compareTo(UNKNOWN_MEMBER_MAX_WAIT) > 0 ? UNKNOWN_MEMBER_MAX_WAIT : wait;
                return Uni.createFrom().item(Outcome.waiting(due.notificationId(), "the member's enrolment not read yet",
                        now.plus(wait)));
            }
            return Uni.createFrom().item(Outcome.skipped(due.notificationId(), DeliveryRepository.NO_ADDRESS));
        }
        if (due.optedOut()) {
            return Uni.createFrom().item(Outcome.skipped(due.notificationId(), "opted out"));
        }
        NoticeTemplates.Email email;
        try {
            Map<String, Object> params = new HashMap<>(due.params());
            params.putIfAbsent("name", due.name());
            email = templates.email(due.kind(), due.locale(), params);
        } catch (RuntimeException e) {
            // Nothing to retry: the notice cannot be written.
            return Uni.createFrom().item(Outcome.failed(due.notificationId(), reason(e), due.email()));
        }
        Mail mail = Mail.withText(due.email(), email.subject(), email.text()).setHtml(email.html());
        if (UnsubscribeLinks.MARKETING.equals(due.kind())) {
            // One click in the mail client takes the member off marketing e-mails (RFC 8058).
            unsubscribeLinks.link(due.memberId(), UnsubscribeLinks.MARKETING).ifPresent(link -> mail
                    .addHeader("List-Unsubscribe", "<" + link + ">")
                    .addHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"));
        }
        // A server that never answers must not hold the job (and every delivery behind it): a send not
        // done within send-timeout is a failed attempt, tried again after its backoff. Leaving the Uni
        // does not stop the SMTP exchange: the client's idle timeout (shorter) is what closes the
        // connection of a server that stopped answering, before this gives up (SmtpClient).
        return Uni.createFrom().deferred(() -> smtp.send(mail))
                .ifNoItem().after(sendTimeout).failWith(() -> new TimeoutException(
                        "no answer from the SMTP server within " + (sendTimeout.toMillis() % 1000 == 0
                                ? sendTimeout.toSeconds() + " s" : sendTimeout.toMillis() + " ms")))
                .map(sent -> Outcome.sent(due.notificationId(), due.email()))
                .onFailure().recoverWithItem(e -> failedAttempt(due, e));
    }

    Outcome failedAttempt(Due due, Throwable e) {
        int attempts = due.attempts() + 1;
        String reason = reason(e);
        if (permanent(e)) {
            // This recipient refused for good (no such mailbox; or an address the client cannot
            // parse): trying the same message again later cannot change the answer.
            Log.warnf("E-mail of notice %s to %s refused for good: %s", due.notificationId(), due.email(), reason);
            return Outcome.failed(due.notificationId(), reason, due.email());
        }
        if (attempts >= maxAttempts) {
            Log.warnf("E-mail of notice %s to %s failed %d times, given up: %s", due.notificationId(), due.email(),
                    attempts, reason);
            return Outcome.failed(due.notificationId(), reason, due.email());
        }
        Duration wait = backoff.next(attempts);
        Log.debugf("E-mail of notice %s failed (attempt %d), again in %s: %s", due.notificationId(), attempts, wait, reason);
        return Outcome.retry(due.notificationId(), reason, due.email(), clock.instant().plus(wait));
    }

    /**
     * Replies that refuse this recipient for good (RFC 5321): 550 no such mailbox, 551 user not
     * local, 553 mailbox name not allowed, 501 address syntax. Other 5xx replies (530/535
     * authentication, 554 transaction failed) say the server or its configuration is at fault: those
     * are tried again, so a wrong password does not fail every e-mail at once.
     */
    private static final java.util.Set<Integer> RECIPIENT_REFUSED = java.util.Set.of(501, 550, 551, 553);

    /**
     * A failure no later try can change, anywhere in its causes: the server refusing this recipient
     * for good, or a message the mail client itself refuses to form (an address it cannot parse).
     */
    static boolean permanent(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SMTPException smtp) {
                return smtp.isPermanent() && RECIPIENT_REFUSED.contains(smtp.getReplyCode());
            }
            if (t instanceof IllegalArgumentException) {
                return true;
            }
        }
        return false;
    }

    private static String reason(Throwable e) {
        Throwable cause = e;
        while ((cause instanceof java.util.concurrent.CompletionException
                || cause instanceof java.util.concurrent.ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        // Cut and made storable by Outcome.
        return cause instanceof SMTPException smtp
                ? "SMTP " + smtp.getReplyCode() + ": " + smtp.getMessage()     // the message has the server's reply
                : cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }

    /** A claimed batch: its deliveries, when it was claimed, and the outcomes gathered so far. */
    private static final class Claimed {
        private final List<Due> due;
        private final Instant claimedAt;
        private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
        private final AtomicInteger left;

        Claimed(List<Due> due, Instant claimedAt) {
            this.due = due;
            this.claimedAt = claimedAt;
            this.left = new AtomicInteger(due.size());
        }

        int size() {
            return due.size();
        }

        Instant claimedAt() {
            return claimedAt;
        }

        Multi<InBatch> each() {
            return Multi.createFrom().iterable(due).map(d -> new InBatch(this, d));
        }

        /** Adds an outcome; answers every outcome of the batch once this was its last, else null. */
        List<Outcome> done(Outcome outcome) {
            outcomes.add(outcome);
            return left.decrementAndGet() == 0 ? List.copyOf(outcomes) : null;
        }
    }

    private record InBatch(Claimed batch, Due due) {
    }
}
