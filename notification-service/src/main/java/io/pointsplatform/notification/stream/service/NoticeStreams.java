package io.pointsplatform.notification.stream.service;

import io.pointsplatform.kit.problem.ApiException;
import io.pointsplatform.notification.notice.service.NoticeStored;
import io.pointsplatform.notification.notice.service.NoticesStored;
import io.pointsplatform.notification.stream.repository.NoticeFeed;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.MultiEmitter;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Members' live streams of notices. Every notice a stream sends is read from the database in
 * sequence order after the last one it sent ({@code Last-Event-ID} on a reconnect, else the member's
 * latest notice when it opened); {@link NoticesStored} (fired after notices are committed) and a
 * periodic look (for notices stored by another instance) only wake it up. Reads of one stream run
 * one at a time, and sequence order is commit order (V21), so replay and live are one path: no gap,
 * no repeat, and no race between them to resolve.
 */
@ApplicationScoped
public class NoticeStreams {

    /** STREAMS_FULL's Retry-After: an app tries again then (EventSource's own retry is about 3 s). */
    static final int STREAMS_FULL_RETRY_SECONDS = 30;

    /** Notices read per query; a stream that got a full page reads again at once. */
    static final int PAGE = 100;

    /** One item of a stream: a notice, or (notice null) a heartbeat. */
    public record Item(NoticeFeed.Notice notice) {
    }

    private final NoticeFeed feed;
    private final Vertx vertx;
    private final int maxPerMember;
    private final int maxOpen;
    /** Open streams of this instance, every member's. */
    private final AtomicInteger total = new AtomicInteger();
    private final Duration heartbeat;
    private final Duration lookEvery;
    private final Map<String, Set<Stream>> open = new ConcurrentHashMap<>();
    /** Open streams per member; a member with none has no entry (nothing grows with the members ever seen). */
    private final Map<String, Integer> counts = new ConcurrentHashMap<>();

    public NoticeStreams(NoticeFeed feed, Vertx vertx,
                         @ConfigProperty(name = "points.stream.max-per-member") int maxPerMember,
                         @ConfigProperty(name = "points.stream.max-open") int maxOpen,
                         @ConfigProperty(name = "points.stream.heartbeat") Duration heartbeat,
                         @ConfigProperty(name = "points.stream.look-every") Duration lookEvery,
                         MeterRegistry metrics) {
        this.feed = feed;
        this.vertx = vertx;
        this.maxPerMember = maxPerMember;
        this.maxOpen = maxOpen;
        if (maxOpen < 1) {
            throw new IllegalArgumentException("points.stream.max-open must be at least 1, was " + maxOpen);
        }
        // notification_streams_open on /q/metrics: how near the instance is to points.stream.max-open.
        Gauge.builder("notification.streams.open", total,
                AtomicInteger::get).description("Open live streams of this instance")
                .register(metrics);
        this.heartbeat = heartbeat;
        this.lookEvery = lookEvery;
    }

    /**
     * The member's notices stored after {@code lastEventId} (null, or past the member's latest notice:
     * from now), then live, with
     * heartbeats; 429 TOO_MANY_STREAMS when the member has its most streams open already, 503
     * STREAMS_FULL when this instance has {@code points.stream.max-open} open (each one holds a
     * connection and looks for notices every {@code look-every}, so their number is what bounds the
     * instance's work and its database reads, whatever the number of members who connect).
     */
    public Multi<Item> open(String memberId, Long lastEventId) {
        if (total.incrementAndGet() > maxOpen) {
            total.decrementAndGet();
            throw new ApiException(503, "STREAMS_FULL", "Too many streams open", "This instance serves its most"
                    + " streams (" + maxOpen + ") already; try again in " + STREAMS_FULL_RETRY_SECONDS + " s")
                    .withRetryAfter(STREAMS_FULL_RETRY_SECONDS);
        }
        try {
            return admitted(memberId, lastEventId);
        } catch (RuntimeException refused) {
            total.decrementAndGet();
            throw refused;
        }
    }

    private Multi<Item> admitted(String memberId, Long lastEventId) {
        boolean[] admitted = {false};
        counts.compute(memberId, (m, count) -> {
            int now = count == null ? 0 : count;
            if (now >= maxPerMember) {
                return count;
            }
            admitted[0] = true;
            return now + 1;
        });
        if (!admitted[0]) {
            throw new ApiException(429, "TOO_MANY_STREAMS", "Too many streams",
                    "member " + memberId + " has " + maxPerMember + " streams open already; close one first");
        }
        return Multi.createFrom().<Item>emitter(emitter -> {
            Stream stream = new Stream(memberId, emitter);
            open.compute(memberId, (m, streams) -> {
                Set<Stream> set = streams != null ? streams : ConcurrentHashMap.newKeySet();
                set.add(stream);
                return set;
            });
            // A client behind on reading gets no heartbeat (its connection is busy) and no more notices
            // than it asked for: reads follow its demand, so nothing piles up here.
            emitter.onRequest(n -> stream.wake());
            long heartbeatTimer = vertx.setPeriodic(heartbeat.toMillis(), id -> {
                if (emitter.requested() > 0) {
                    emitter.emit(new Item(null));
                }
            });
            long lookTimer = vertx.setPeriodic(lookEvery.toMillis(), id -> stream.wake());
            emitter.onTermination(() -> {
                vertx.cancelTimer(heartbeatTimer);
                vertx.cancelTimer(lookTimer);
                open.computeIfPresent(memberId, (m, streams) -> {
                    streams.remove(stream);
                    return streams.isEmpty() ? null : streams;
                });
                counts.computeIfPresent(memberId, (m, count) -> count <= 1 ? null : count - 1);
                total.decrementAndGet();
                Log.debugf("Stream of %s closed", memberId);
            });
            // A Last-Event-ID past the member's latest notice names nothing it was sent (an id from
            // before the database was restored, say): resumed from its latest, not left silent until
            // the sequence passes that id.
            feed.latest(memberId).subscribe().with(latest -> stream.start(lastEventId == null ? latest
                    : Math.min(lastEventId, latest)), emitter::fail);
        });
    }

    void onNoticesStored(@ObservesAsync NoticesStored stored) {
        Set<String> woken = new java.util.HashSet<>();
        for (NoticeStored notice : stored.notices()) {
            Set<Stream> streams = open.get(notice.memberId());
            if (streams != null && woken.add(notice.memberId())) {
                streams.forEach(Stream::wake);
            }
        }
    }

    /** One open stream: what it sent last, and one read at a time. */
    private final class Stream {
        private final String memberId;
        private final MultiEmitter<? super Item> emitter;
        private long lastSent = -1;
        private boolean reading;
        private boolean again;

        Stream(String memberId, MultiEmitter<? super Item> emitter) {
            this.memberId = memberId;
            this.emitter = emitter;
        }

        synchronized void start(long after) {
            lastSent = after;
            wake();
        }

        void wake() {
            synchronized (this) {
                if (lastSent < 0 || emitter.isCancelled()) {
                    return;
                }
                if (reading) {
                    again = true;
                    return;
                }
                reading = true;
                again = false;
            }
            read();
        }

        private void read() {
            long after;
            int limit = (int) Math.min(PAGE, emitter.requested());
            synchronized (this) {
                if (limit <= 0) {
                    reading = false;   // the next request wakes it
                    return;
                }
                after = lastSent;
            }
            feed.after(memberId, after, limit).subscribe().with(notices -> {
                for (NoticeFeed.Notice notice : notices) {
                    emitter.emit(new Item(notice));
                }
                boolean more;
                synchronized (this) {
                    if (!notices.isEmpty()) {
                        lastSent = notices.get(notices.size() - 1).sequence();
                    }
                    more = again || notices.size() == limit;
                    again = false;
                    reading = more;
                }
                if (more && !emitter.isCancelled()) {
                    read();
                }
            }, failure -> {
                synchronized (this) {
                    reading = false;
                }
                Log.warnf(failure, "Stream of %s: reading notices failed; the next wake-up tries again", memberId);
            });
        }
    }
}
