package io.pointsplatform.notification.notice.service;

import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.MemberEnrolled;
import io.pointsplatform.events.MemberUpdated;
import io.pointsplatform.kit.inbox.Batches;
import io.pointsplatform.kit.json.StrictJson;
import io.pointsplatform.kit.problem.ApiException;
import io.pointsplatform.notification.email.repository.DeliveryRepository;
import io.pointsplatform.notification.notice.repository.MemberContactRepository;
import io.pointsplatform.notification.notice.repository.MemberContactRepository.Contact;
import io.pointsplatform.notification.notice.repository.Notification;
import io.pointsplatform.notification.notice.repository.NotificationRepository;
import io.pointsplatform.notification.notice.repository.NotificationRepository.NewNotice;
import io.pointsplatform.notification.template.NoticeTemplates;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Notices: stored once per event (and member), written in the member's locale from the templates,
 * each with an e-mail delivery to be tried; announced in the process ({@link NoticesStored}) once
 * committed.
 */
@ApplicationScoped
public class NotificationService {

    public static final int MAX_PAGE = 100;
    /** The most events one statement stores; a larger polled batch is stored in several. */
    public static final int MAX_BATCH = 1_000;

    private final Pool pool;
    private final NotificationRepository notifications;
    private final MemberContactRepository contacts;
    private final DeliveryRepository deliveries;
    private final NoticeTemplates templates;
    private final Event<NoticesStored> stored;

    public NotificationService(Pool pool, NotificationRepository notifications, MemberContactRepository contacts,
                               DeliveryRepository deliveries, NoticeTemplates templates,
                               Event<NoticesStored> stored) {
        this.pool = pool;
        this.notifications = notifications;
        this.contacts = contacts;
        this.deliveries = deliveries;
        this.templates = templates;
        this.stored = stored;
    }

    /**
     * Remembers the members' locales and addresses these events give, and stores what members
     * should hear about them, once each, in one transaction (so all or nothing). Nothing is refused:
     * an event that tells a member nothing is simply not stored.
     */
    public Uni<List<Batches.Refusal>> onEvents(List<CloudEvent> events) {
        if (events.size() > MAX_BATCH) {
            throw new IllegalArgumentException("at most " + MAX_BATCH + " events a batch, got " + events.size());
        }
        Map<String, Contact> given = new LinkedHashMap<>();
        List<NoticeDraft> drafts = new ArrayList<>(events.size());
        for (CloudEvent event : events) {
            switch (event.data()) {
                case MemberEnrolled e -> merge(given, new Contact(e.memberId(), e.locale(), e.email(), e.name()));
                case MemberUpdated e -> merge(given, new Contact(e.memberId(), e.locale(), e.email(), e.name()));
                default -> { }
            }
            Messages.forEvent(event).ifPresent(drafts::add);
        }
        return store(given.values(), drafts)
                .invoke(count -> Log.debugf("%d events: %d notices, %d of them new", events.size(), drafts.size(), count))
                .replaceWith(List.of());
    }

    /** Stores these drafts (after remembering {@code given}); completes with how many were new. */
    Uni<Integer> store(java.util.Collection<Contact> given, List<NoticeDraft> drafts) {
        return pool.withTransaction(client -> contacts.upsert(client, given).chain(() -> storeIn(client, drafts)))
                .invoke(this::announce)
                .map(List::size);
    }

    /**
     * Writes again, in the language its member now has, up to {@code limit} notices stored before
     * their member's enrolment was read (in zh-CN, the locale of a member nobody has described);
     * completes with how many. The enrolment and the member's first events (its signup bonus) come
     * on two topics, read apart, so either may be read first: without this an English member's first
     * notices stayed Chinese. Run after both have committed ({@code points.notices.rewrite-every}),
     * so no order of the two transactions escapes it. Only the stored text changes: a stream that
     * told the notice already is not told again; its e-mail is written when sent, in the member's
     * language then, as every e-mail is.
     */
    public Uni<Integer> rewriteBeforeContact(int limit) {
        return pool.withTransaction(client -> notifications.giveUpBeforeContact(client, UNKNOWN_MEMBER_KEPT)
                .chain(() -> notifications.beforeContact(client, limit))
                .chain(found -> rewrite(client, found)));
    }

    private Uni<Integer> rewrite(SqlConnection client, List<NotificationRepository.BeforeContact> found) {
        List<String> ids = new ArrayList<>(found.size());
        List<String> titles = new ArrayList<>(found.size());
        List<String> bodies = new ArrayList<>(found.size());
        List<String> locales = new ArrayList<>(found.size());
        for (NotificationRepository.BeforeContact n : found) {
            String locale = NoticeTemplates.supported(n.locale());
            ids.add(n.notificationId());
            try {
                NoticeTemplates.InApp text = templates.inApp(n.kind(), locale, n.params());
                titles.add(text.title());
                bodies.add(text.body());
                locales.add(locale);
            } catch (RuntimeException e) {
                // Not to be written in that language (a template of another build): kept as written, unmarked.
                Log.warnf("Notice %s stays as written before its member was known: %s", n.notificationId(),
                        e.getMessage());
                titles.add(null);
                bodies.add(null);
                locales.add(null);
            }
        }
        return notifications.rewrite(client, ids, titles, bodies, locales).replaceWith(found.size());
    }

    /** How long a notice waits for its member's enrolment to be written again; after it, it stays as written. */
    public static final java.time.Duration UNKNOWN_MEMBER_KEPT = java.time.Duration.ofDays(1);

    /** The most notices one run writes again in a transaction; a full one is followed by another, up to 20. */
    static final int REWRITE_BATCH = 500;

    @Scheduled(every = "${points.notices.rewrite-every:1s}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> rewriteBeforeContactRun() {
        return rewriteUntilDone(20)
                .onFailure().invoke(e -> Log.warnf(e, "Writing notices again in their members' language failed;"
                        + " the next run retries"))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    private Uni<Void> rewriteUntilDone(int batchesLeft) {
        return rewriteBeforeContact(REWRITE_BATCH).chain(count -> count == REWRITE_BATCH && batchesLeft > 1
                ? rewriteUntilDone(batchesLeft - 1) : Uni.createFrom().voidItem());
    }

    /**
     * Stores these drafts in the caller's transaction, as every notice is stored (once by id, in the
     * member's locale, with its e-mail to be tried); answers what to {@link #announce} once the
     * caller has committed. The expiry reminders store theirs so, beside the reminder they record.
     */
    public Uni<List<NoticeStored>> storeIn(SqlConnection client, List<NoticeDraft> drafts) {
        Set<String> memberIds = new LinkedHashSet<>();
        drafts.forEach(d -> memberIds.add(d.memberId()));
        return contacts.find(client, memberIds)
                .chain(known -> {
                    List<NewNotice> notices = new ArrayList<>(drafts.size());
                    for (NoticeDraft d : drafts) {
                        Contact contact = known.get(d.memberId());
                        String locale = NoticeTemplates.supported(contact == null ? null : contact.locale());
                        NoticeTemplates.InApp text = templates.inApp(d.kind(), locale, d.params());
                        notices.add(new NewNotice(d.noticeId(), d.memberId(), d.kind(), text.title(), text.body(),
                                d.occurredAt(), locale, new JsonObject(d.params()).encode(), contact == null));
                    }
                    return notifications.insertOnce(client, notices)
                            .call(fresh -> emails(client, notices, fresh.keySet(), known))
                            .map(fresh -> announcements(notices, drafts, fresh));
                });
    }

    /** Each fresh notice's e-mail: to be tried, or skipped now when its member is known to have no address. */
    private Uni<Void> emails(SqlConnection client, List<NewNotice> notices, Set<String> fresh, Map<String, Contact> known) {
        List<String> ids = new ArrayList<>(fresh.size());
        List<Boolean> noAddress = new ArrayList<>(fresh.size());
        Set<String> seen = new java.util.HashSet<>();
        for (NewNotice n : notices) {
            if (fresh.contains(n.notificationId()) && seen.add(n.notificationId())) {
                Contact contact = known.get(n.memberId());
                ids.add(n.notificationId());
                noAddress.add(contact != null && contact.email() == null);
            }
        }
        return deliveries.insertEmails(client, ids, noAddress);
    }

    private static void merge(Map<String, Contact> given, Contact next) {
        given.merge(next.memberId(), next, (before, after) -> new Contact(after.memberId(),
                after.locale() != null ? after.locale() : before.locale(),
                after.email() != null ? after.email() : before.email(),
                after.name() != null ? after.name() : before.name()));
    }

    private List<NoticeStored> announcements(List<NewNotice> notices, List<NoticeDraft> drafts, Map<String, Long> fresh) {
        List<NoticeStored> list = new ArrayList<>(fresh.size());
        Set<String> done = new java.util.HashSet<>();
        for (int i = 0; i < notices.size(); i++) {
            NewNotice n = notices.get(i);
            Long sequence = fresh.get(n.notificationId());
            if (sequence == null || !done.add(n.notificationId())) {
                continue;
            }
            list.add(new NoticeStored(n.notificationId(), sequence, n.memberId(), n.kind(), n.title(), n.body(),
                    n.occurredAt()));
        }
        list.sort(java.util.Comparator.comparingLong(NoticeStored::sequence));
        return list;
    }

    /** After commit: every observer hears of the new notices, in the order they were stored, in one announcement. */
    public void announce(List<NoticeStored> notices) {
        if (notices.isEmpty()) {
            return;
        }
        stored.fireAsync(new NoticesStored(notices)).exceptionally(failure -> {
            Log.warnf(failure, "An observer of %d notices failed", notices.size());
            return null;
        });
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

    /** Marks one notice read; {@code 404 NOT_FOUND} when the member has no notice of that id. */
    public Uni<Void> markRead(String memberId, String notificationId) {
        return notifications.markRead(memberId, notificationId).invoke(found -> {
            if (!found) {
                throw ApiException.notFound("notification", notificationId);
            }
        }).replaceWithVoid();
    }

    public Uni<ReadAll> markAllRead(String memberId) {
        return notifications.markAllRead(memberId).map(ReadAll::new);
    }

    public Uni<Unread> unread(String memberId) {
        return notifications.unread(memberId).map(Unread::new);
    }

    @Schema(name = "NotificationPage", description = "A page of a member's notifications, newest first")
    public record Page(List<Item> items,
                       @Schema(description = "Pass as cursor for the next page; null on the last page") String nextCursor) {
    }

    @Schema(name = "Notification", description = "One thing a member was told; its id is the id of the event that "
            + "caused it (marketing: marketing:<campaignId>:<memberId>)")
    public record Item(String notificationId,
                       @Schema(description = "The event type it came from, or marketing") String kind,
                       String title, String body, Instant occurredAt,
                       @Schema(description = "When the member marked it read; null while unread") Instant readAt) {
        static Item of(Notification n) {
            return new Item(n.notificationId, n.kind, n.title, n.body, n.occurredAt, n.readAt);
        }
    }

    @Schema(name = "NotificationsMarkedRead", description = "How many unread notifications were marked read")
    public record ReadAll(int marked) {
    }

    @Schema(name = "UnreadNotifications", description = "How many of the member's notifications are unread")
    public record Unread(long unread) {
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
