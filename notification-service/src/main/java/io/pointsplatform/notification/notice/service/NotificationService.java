package io.pointsplatform.notification.notice.service;

import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.kit.inbox.Batches;
import io.pointsplatform.kit.json.StrictJson;
import io.pointsplatform.kit.problem.ApiException;
import io.pointsplatform.notification.notice.repository.Notification;
import io.pointsplatform.notification.notice.repository.NotificationRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

@ApplicationScoped
public class NotificationService {

    public static final int MAX_PAGE = 100;
    /** The most events one statement stores; a larger polled batch is stored in several. */
    public static final int MAX_BATCH = 1_000;

    private final NotificationRepository notifications;
    private final ZoneId zone;

    public NotificationService(NotificationRepository notifications,
                               @ConfigProperty(name = "points.zone") ZoneId zone) {
        this.notifications = notifications;
        this.zone = zone;
    }

    /**
     * Stores what members should hear about these events, once each, in one statement (so all or
     * nothing). Nothing is refused: an event that tells a member nothing is simply not stored.
     */
    public Uni<List<Batches.Refusal>> onEvents(List<CloudEvent> events) {
        if (events.size() > MAX_BATCH) {
            throw new IllegalArgumentException("at most " + MAX_BATCH + " events a batch, got " + events.size());
        }
        List<Notification> notices = new ArrayList<>(events.size());
        for (CloudEvent event : events) {
            Messages.forEvent(event, zone).ifPresent(notices::add);
        }
        return notifications.insertOnce(notices)
                .invoke(stored -> Log.debugf("%d events: %d notifications, %d of them new", events.size(),
                        notices.size(), stored.intValue()))
                .replaceWith(List.of());
    }

    @WithSession
    public Uni<Page> page(String memberId, String cursor, int limit) {
        Cursor after = Cursor.parse(cursor);
        int size = Math.min(limit, MAX_PAGE);
        return notifications.page(memberId, after == null ? null : after.occurredAt(),
                        after == null ? null : after.id(), size + 1)
                .map(rows -> {
                    List<Notification> items = rows.size() > size ? rows.subList(0, size) : rows;
                    String next = rows.size() > size ? Cursor.of(items.get(items.size() - 1)) : null;
                    return new Page(items.stream().map(Item::of).toList(), next);
                });
    }

    @Schema(name = "NotificationPage", description = "A page of a member's notifications, newest first")
    public record Page(List<Item> items,
                       @Schema(description = "Pass as cursor for the next page; null on the last page") String nextCursor) {
    }

    @Schema(name = "Notification", description = "One thing a member was told; its id is the id of the event that caused it")
    public record Item(String notificationId, String kind, String title, String body, Instant occurredAt) {
        static Item of(Notification n) {
            return new Item(n.notificationId, n.kind, n.title, n.body, n.occurredAt);
        }
    }

    /**
     * An opaque position in a member's list: the last item's time and id. What a client sends back
     * must be something this service could have written: a time PostgreSQL cannot hold (year
     * 999 999 999) failed in the query, a 500 for the client's mistake; an empty id or one holding
     * U+0000 names no notification.
     */
    record Cursor(Instant occurredAt, String id) {
        static String of(Notification last) {
            String raw = last.occurredAt.toString() + "|" + last.notificationId;
            return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
        }

        static Cursor parse(String cursor) {
            if (cursor == null || cursor.isBlank()) {
                return null;
            }
            try {
                String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
                int bar = raw.indexOf('|');
                Instant occurredAt = Instant.parse(raw.substring(0, bar));
                String id = raw.substring(bar + 1);
                if (occurredAt.isBefore(StrictJson.EARLIEST) || occurredAt.isAfter(StrictJson.LATEST)
                        || id.isEmpty() || !StrictJson.storable(id)) {
                    throw notOurs();
                }
                return new Cursor(occurredAt, id);
            } catch (RuntimeException e) {
                throw notOurs();
            }
        }

        private static ApiException notOurs() {
            return ApiException.validation("cursor", "is not a cursor this service gave out");
        }
    }
}
