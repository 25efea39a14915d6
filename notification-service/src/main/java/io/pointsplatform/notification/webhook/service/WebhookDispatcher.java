package io.pointsplatform.notification.webhook.service;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookSigningException;
import io.pointsplatform.kit.Fingerprints;
import io.pointsplatform.kit.retry.Backoff;
import io.pointsplatform.notification.webhook.repository.WebhookDeliveryRepository;
import io.pointsplatform.notification.webhook.repository.WebhookDeliveryRepository.Due;
import io.pointsplatform.notification.webhook.repository.WebhookDeliveryRepository.Outcome;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Sends due webhook deliveries. Each dispatch (every tick, and whenever an attempt ends and frees a
 * place) first records the outcomes of the attempts that ended since the last one, all in one
 * statement, then takes, per endpoint, the deliveries first in their (endpoint, member) queue and due
 * now, up to the endpoint's free places of {@code points.webhooks.max-in-flight-per-endpoint}, leasing
 * them in the same statement (so a crash or another instance does not send them twice at once), and
 * sends them without waiting for the answers. A slow or dead receiver thus holds at most its own
 * places, each for at most {@code request-timeout} (one deadline on the whole exchange, body
 * included, of which at most {@link #MAX_BODY_BYTES} are read), and never delays another endpoint.
 * An outcome not recorded (the database failed, the process stopped) leaves its delivery leased: it
 * is sent again when the lease ends (receivers drop repeats by {@code webhook-id}).
 *
 * <p>An attempt resolves the receiver's host again and refuses inside addresses (DNS rebinding),
 * follows no redirect, and counts only a 2xx as delivered. A failure is tried again after a random
 * wait between 0 and {@code min(retry-max, retry-first * 2^attempts)} (exponential backoff, full
 * jitter) until the delivery's retry window ends: then it is DEAD.
 */
@ApplicationScoped
public class WebhookDispatcher {

    static final String USER_AGENT = "points-platform-webhooks/1";
    /** The longest event id sent as the {@code webhook-id} as it is; a longer one is sent as {@link #webhookId}'s digest. */
    static final int MAX_WEBHOOK_ID_CHARS = 255;
    /** The most of a receiver's answer body read; the rest is dropped with the connection. */
    static final long MAX_BODY_BYTES = 16 * 1024;

    private final WebhookDeliveryRepository deliveries;
    private final SecretBox box;
    private final ReceiverAddresses addresses;
    private final int maxInFlight;
    private final Duration requestTimeout;
    private final Duration lease;
    private final Backoff backoff;
    private final HttpClient http;
    /** Attempts under way or not yet recorded, per endpoint (only dispatches change it, one at a time). */
    private final Map<String, Integer> inFlight = new ConcurrentHashMap<>();
    /** Outcomes of ended attempts, recorded a batch at a time by the next dispatch (at most the attempts in flight). */
    private final Queue<Ended> endedAttempts = new ConcurrentLinkedQueue<>();
    /** Wakes not yet handled by a dispatch; 0 when none runs. */
    private final AtomicInteger wakes = new AtomicInteger();

    public WebhookDispatcher(WebhookDeliveryRepository deliveries, SecretBox box, ReceiverAddresses addresses,
                             @ConfigProperty(name = "points.webhooks.max-in-flight-per-endpoint") int maxInFlight,
                             @ConfigProperty(name = "points.webhooks.connect-timeout") Duration connectTimeout,
                             @ConfigProperty(name = "points.webhooks.request-timeout") Duration requestTimeout,
                             @ConfigProperty(name = "points.webhooks.retry-first") Duration retryFirst,
                             @ConfigProperty(name = "points.webhooks.retry-max") Duration retryMax) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("points.webhooks.max-in-flight-per-endpoint must be at least 1");
        }
        this.deliveries = deliveries;
        this.box = box;
        this.addresses = addresses;
        this.maxInFlight = maxInFlight;
        this.requestTimeout = requestTimeout;
        this.backoff = new Backoff(retryFirst, retryMax);
        // Longer than any attempt can take: a delivery is sent again only after its attempt is surely over.
        this.lease = connectTimeout.plus(requestTimeout).multipliedBy(2).plusSeconds(5);
        this.http = HttpClient.newBuilder().connectTimeout(connectTimeout).followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    /** The tick: deliveries that came due by time (a retry's wait over, a lease ended) are taken here. */
    @Scheduled(every = "${points.webhooks.dispatch-every}", skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void tick() {
        wake();
    }

    /**
     * Dispatches now, or once more after the dispatch under way: an attempt that ends frees a place
     * and wakes the dispatcher, so a fast receiver is sent its next deliveries at once rather than at
     * the next tick. Wakes that come during a dispatch fold into one more (a drain loop over
     * {@code wakes}), so there is never more than one dispatch at a time in this instance.
     */
    void wake() {
        if (wakes.getAndIncrement() == 0) {
            run(1);
        }
    }

    private void run(int handled) {
        dispatch().subscribe().with(ignored -> ran(handled), failure -> ran(handled));
    }

    private void ran(int handled) {
        int left = wakes.addAndGet(-handled);
        if (left != 0) {
            run(left);
        }
    }

    /**
     * One dispatch: records the outcomes of the attempts that ended since the last one (one statement
     * for all), frees their places, then takes and leases the due deliveries for the free places (one
     * statement) and starts their attempts. Two statements a dispatch, however many attempts ended.
     */
    Uni<Void> dispatch() {
        List<Ended> ended = new ArrayList<>();
        for (Ended e = endedAttempts.poll(); e != null; e = endedAttempts.poll()) {
            ended.add(e);
        }
        return deliveries.record(ended.stream().map(Ended::outcome).toList())
                .onFailure().recoverWithItem(failure -> {
                    Log.warnf(failure, "Webhook deliveries %s: their outcomes were not recorded; each is tried"
                            + " again when its lease ends", ended.stream().map(e -> e.outcome().deliveryId()).toList());
                    return 0;
                })
                .chain(() -> {
                    ended.forEach(e -> inFlight.computeIfPresent(e.endpointId(), (id, n) -> n > 1 ? n - 1 : null));
                    return deliveries.take(maxInFlight, Map.copyOf(inFlight), lease);
                })
                .invoke(taken -> {
                    for (Due d : taken) {
                        inFlight.merge(d.endpointId(), 1, Integer::sum);
                        attempt(d);
                    }
                })
                .replaceWithVoid()
                .onFailure().recoverWithItem(failure -> {
                    Log.warnf(failure, "Webhook dispatch failed; the next tick tries again");
                    return null;
                });
    }

    /** An attempt that ended, its outcome waiting for the next dispatch to record it. */
    private record Ended(String endpointId, Outcome outcome) {
    }

    /** One attempt, answered asynchronously; its outcome is queued for the next dispatch, which it wakes. */
    private void attempt(Due d) {
        CompletableFuture.supplyAsync(() -> addresses.refusal(URI.create(d.url())), Infrastructure.getDefaultWorkerPool())
                .thenCompose(refusal -> {
                    if (refusal != null) {
                        return CompletableFuture.<Answer>completedFuture(new Answer(null, "refused: " + refusal));
                    }
                    return exchange(d);
                })
                .exceptionally(failure -> new Answer(null, describe(failure)))
                .thenAccept(answer -> {
                    endedAttempts.add(new Ended(d.endpointId(), outcome(d, answer)));
                    wake();
                });
    }

    /**
     * The exchange under one deadline, {@code request-timeout} from the start to the end of the body:
     * the request's own timeout stops at the response headers, and a receiver that sends them and
     * then stalls (or trickles a huge body) would hold the attempt, and the endpoint's place, for
     * ever. Only the status counts: at most {@link #MAX_BODY_BYTES} of the body are read, then the
     * body is dropped. On the deadline the exchange is cancelled (the connection dropped) and the
     * attempt fails as any other does (tried again after a wait, DEAD at the window's end).
     */
    private CompletableFuture<Answer> exchange(Due d) {
        CappedBody body = new CappedBody();
        CompletableFuture<HttpResponse<Void>> sent = http.sendAsync(request(d, URI.create(d.url())), info -> body);
        return sent.thenApply(response -> new Answer(response.statusCode(), null))
                .orTimeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((answer, failure) -> {
                    if (failure != null) {
                        body.cancel();
                        sent.cancel(true);
                    }
                })
                .exceptionally(failure -> new Answer(null, unwrap(failure) instanceof TimeoutException
                        ? "no complete answer within " + requestTimeout : describe(failure)));
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    /** Reads at most {@link #MAX_BODY_BYTES} of a body and drops it; cancelling drops the connection. */
    static final class CappedBody implements HttpResponse.BodySubscriber<Void> {
        private final CompletableFuture<Void> done = new CompletableFuture<>();
        private final AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
        private volatile boolean cancelled;
        private long read;

        @Override
        public CompletionStage<Void> getBody() {
            return done;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            if (!subscription.compareAndSet(null, s) || cancelled) {
                s.cancel();
                return;
            }
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            for (ByteBuffer item : items) {
                read += item.remaining();
            }
            if (read > MAX_BODY_BYTES) {
                cancel();   // enough: the status is all that counts
            }
        }

        @Override
        public void onError(Throwable failure) {
            done.completeExceptionally(failure);
        }

        @Override
        public void onComplete() {
            done.complete(null);
        }

        void cancel() {
            cancelled = true;
            Flow.Subscription s = subscription.get();
            if (s != null) {
                s.cancel();
            }
            done.complete(null);
        }
    }

    private record Answer(Integer status, String error) {
        boolean delivered() {
            return status != null && status >= 200 && status < 300;
        }
    }

    private Outcome outcome(Due d, Answer answer) {
        if (answer.delivered()) {
            Log.debugf("Webhook delivery %d (event %s) to %s: %d", d.deliveryId(), d.eventId(), d.endpointId(),
                    answer.status());
            return Outcome.delivered(d.deliveryId(), answer.status());
        }
        Duration wait = backoff.next(d.attempts() + 1);   // attempts made before this one
        String error = answer.error() != null ? answer.error() : "answered HTTP " + answer.status();
        Log.debugf("Webhook delivery %d (event %s) to %s failed (%s); again in %s unless its window is over",
                d.deliveryId(), d.eventId(), d.endpointId(), error, wait);
        return Outcome.failed(d.deliveryId(), answer.status(), error, wait);
    }

    private HttpRequest request(Due d, URI url) {
        long timestamp = Instant.now().getEpochSecond();
        return HttpRequest.newBuilder(url).timeout(requestTimeout)
                .header("content-type", "application/cloudevents+json")
                .header("user-agent", USER_AGENT)
                .header("webhook-id", webhookId(d.eventId()))
                .header("webhook-timestamp", Long.toString(timestamp))
                .header("webhook-signature", signatures(d, timestamp))
                .POST(HttpRequest.BodyPublishers.ofString(d.body())).build();
    }

    /** {@code v1,<base64>} with the current secret, then, during a rotation's overlap, with the previous one. */
    String signatures(Due d, long timestamp) {
        String signed = sign(box.open(d.endpointId(), d.secretSealed()), d, timestamp);
        if (d.previousSealed() != null && d.previousValidUntil() != null
                && d.previousValidUntil().isAfter(Instant.now())) {
            signed += " " + sign(box.open(d.endpointId(), d.previousSealed()), d, timestamp);
        }
        return signed;
    }

    /**
     * The {@code webhook-id} of an event: its id when a header carries it as it is (1 to
     * {@value #MAX_WEBHOOK_ID_CHARS} visible ASCII characters), else {@code evt_} and the hex SHA-256
     * of the id in UTF-8. An id not ASCII ({@code 订单-1}) or holding a control character is refused
     * by the HTTP client, so every attempt failed until the retry window ended, and the member's later
     * deliveries to the endpoint waited behind it (until 2026-12-07). Derived from the id alone, so
     * every attempt sends the same one and receivers still drop repeats by it; the id as written stays
     * in the body.
     */
    static String webhookId(String eventId) {
        boolean asItIs = eventId.length() <= MAX_WEBHOOK_ID_CHARS && !eventId.isEmpty()
                && eventId.chars().allMatch(c -> c > 0x20 && c < 0x7f);
        return asItIs ? eventId : "evt_" + Fingerprints.sha256(eventId);
    }

    private static String sign(String secret, Due d, long timestamp) {
        try {
            return new Webhook(secret).sign(webhookId(d.eventId()), timestamp, d.body());
        } catch (WebhookSigningException e) {
            throw new IllegalStateException("Standard Webhooks signing failed", e);
        }
    }

    /** The failure in words; cut and made storable by {@link Outcome}. */
    private static String describe(Throwable failure) {
        Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }
}
