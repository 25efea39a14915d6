package io.pointsplatform.notification.reminder.service;

import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.ExpiryReminded;
import io.pointsplatform.events.LotLimits;
import io.pointsplatform.events.RemindedLot;
import io.pointsplatform.events.Topics;
import io.pointsplatform.kit.outbox.Outbox;
import io.pointsplatform.kit.outbox.OutboxRelay;
import io.pointsplatform.notification.notice.service.NoticeDraft;
import io.pointsplatform.notification.notice.service.NoticeStored;
import io.pointsplatform.notification.notice.service.NotificationService;
import io.pointsplatform.notification.reminder.repository.ReminderRepository;
import io.pointsplatform.notification.reminder.repository.ReminderRepository.DueLot;
import io.quarkus.logging.Log;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Reminds members of points about to expire (docs/contract-extensions.md, "Expiry reminders"). For
 * each window (points.reminders.windows, P30D and P7D), shortest first: every lot of the member view
 * with points left or held whose expiresAt is at most the window's lead away (or already passed: the
 * ledger waits for the reminder) and that has no reminder of that window yet is reminded, once per lot and
 * window (the key of {@code expiry_reminder}, kept across runs and restarts). One transaction per
 * batch records the reminders, stores one {@code points.expiring} notice per member and expiry date (from the templates, e-mailed) ("N
 * points expire on DATE") and puts one {@code expiry.reminded} per member and window in the outbox
 * for the {@code notifications} topic, which the ledger reads. A lot reminded in a shorter window is
 * recorded for the longer ones too, so that a member is not told twice at once.
 *
 * <p>What a reminder counts of a lot ({@link DueLot#points()}): its points left <em>and</em> the points
 * open holds take from it, i.e. every point of it that the ledger will expire unless the member uses
 * it. The ledger's {@code points.expired} at the date takes only the points left; held points stay with
 * their hold, and are spent if it is captured, or given back to the lot if it is released (cancelled,
 * failed, or at its TTL) and then expired by the ledger's next run, without another reminder since the
 * lot's was in time. So the notice says "N points expire on DATE" with N = left + held, and when some
 * are held, how many ({@code held}: used if the redemption or payment holding them completes, expired
 * if it is cancelled or fails); each lot of {@code expiry.reminded} carries the same N. A lot whose
 * points are all held is reminded too. Until 2026-12-07 a reminder counted the points left only, so a
 * hold released after it made more points expire than it said.
 */
@ApplicationScoped
public class ReminderJob {

    static final String SOURCE = "/notification-service";
    /** The notices' kind: its templates are under templates/notices/points.expiring/. */
    static final String KIND = "points.expiring";

    /** A window: its label as configured (an ISO-8601 duration) and its lead. */
    record Window(String label, Duration lead) {
    }

    private final Pool pool;
    private final ReminderRepository repository;
    private final Outbox outbox;
    private final OutboxRelay relay;
    private final NotificationService notices;
    private final Clock clock;
    private final ZoneId zone;
    private final List<Window> windows;
    private final int batch;
    /**
     * How much earlier than its window a lot is reminded: {@code points.reminders.ahead}, by default
     * the job's period, so that a lot whose window opens between two runs is reminded by the run
     * before, never up to a period late (a late last-window reminder makes the lot expire late). More
     * than the period leaves room for a run that starts or finishes late. Zero by default when the job
     * does not run by itself.
     */
    private final Duration ahead;

    public ReminderJob(Pool pool, ReminderRepository repository, Outbox outbox, OutboxRelay relay,
                       NotificationService notices, Clock clock,
                       @ConfigProperty(name = "points.zone") ZoneId zone,
                       @ConfigProperty(name = "points.reminders.windows") List<String> windows,
                       @ConfigProperty(name = "points.reminders.batch", defaultValue = "500") int batch,
                       @ConfigProperty(name = "points.reminders.every") String every,
                       @ConfigProperty(name = "points.reminders.ahead") Optional<Duration> ahead) {
        if (batch < 1 || batch > 10_000) {
            throw new IllegalArgumentException("points.reminders.batch must be within 1..10000, was " + batch);
        }
        this.pool = pool;
        this.repository = repository;
        this.outbox = outbox;
        this.relay = relay;
        this.notices = notices;
        this.clock = clock;
        this.zone = zone;
        this.windows = windows(windows);
        this.ahead = ahead.orElseGet(() -> period(every));
        if (this.ahead.isNegative()) {
            throw new IllegalArgumentException("points.reminders.ahead must not be negative, was " + this.ahead);
        }
        this.batch = batch;
    }

    /** The job's period ({@code 60s}, {@code PT1M}, ...), or zero when it is off. */
    static Duration period(String every) {
        String value = every == null ? "" : every.trim();
        if (value.isEmpty() || value.equalsIgnoreCase("off") || value.equalsIgnoreCase("disabled")) {
            return Duration.ZERO;
        }
        return DurationConverter.parseDuration(value);
    }

    static List<Window> windows(List<String> configured) {
        List<Window> parsed = new ArrayList<>();
        for (String label : configured) {
            Duration lead = Duration.parse(label.trim());
            if (lead.isNegative() || lead.isZero()) {
                throw new IllegalArgumentException("points.reminders.windows: " + label + " must be a positive duration");
            }
            if (parsed.stream().anyMatch(w -> w.lead().equals(lead))) {
                throw new IllegalArgumentException("points.reminders.windows: " + label + " is given twice");
            }
            parsed.add(new Window(label.trim(), lead));
        }
        if (parsed.isEmpty()) {
            throw new IllegalArgumentException("points.reminders.windows: at least one window");
        }
        parsed.sort(Comparator.comparing(Window::lead));
        return List.copyOf(parsed);
    }

    @Scheduled(every = "${points.reminders.every:60s}", delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> run() {
        return remind().replaceWithVoid()
                .onFailure().invoke(e -> Log.warnf(e, "Expiry reminders failed; the next run retries"))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Sends every reminder due at the clock's now; answers how many expiry.reminded it published. */
    public Uni<Integer> remind() {
        return remind(clock.instant());
    }

    /** Sends every reminder due at {@code now} (tests run the job at any date). */
    public Uni<Integer> remind(Instant now) {
        Uni<Integer> chain = Uni.createFrom().item(0);
        for (int i = 0; i < windows.size(); i++) {
            Window window = windows.get(i);
            List<Window> longer = windows.subList(i + 1, windows.size());
            chain = chain.chain(sent -> window(window, longer, now).map(more -> sent + more));
        }
        return chain.invoke(sent -> {
            if (sent > 0) {
                relay.wake();
            }
        });
    }

    /** One window, a batch per transaction, until no lot is due it. */
    private Uni<Integer> window(Window window, List<Window> longer, Instant now) {
        List<NoticeStored> announced = new ArrayList<>();
        return pool.withTransaction(c -> repository.due(c, now.plus(window.lead()).plus(ahead), window.lead().toSeconds(), batch)
                        .chain(due -> remindAll(c, window, longer, now, due, announced)
                                .map(sent -> new int[] {due.size(), sent})))
                .invoke(() -> notices.announce(announced))
                .chain(result -> result[0] < batch ? Uni.createFrom().item(result[1])
                        : window(window, longer, now).map(more -> result[1] + more));
    }

    private Uni<Integer> remindAll(SqlConnection c, Window window, List<Window> longer, Instant now, List<DueLot> due,
                                   List<NoticeStored> announced) {
        Map<String, List<DueLot>> byMember = new LinkedHashMap<>();
        for (DueLot lot : due) {
            byMember.computeIfAbsent(lot.memberId(), m -> new ArrayList<>()).add(lot);
        }
        Uni<Integer> chain = Uni.createFrom().item(0);
        for (Map.Entry<String, List<DueLot>> member : byMember.entrySet()) {
            chain = chain.chain(sent -> remindMember(c, window, longer, now, member.getKey(), member.getValue(), announced)
                    .map(one -> sent + one));
        }
        return chain;
    }

    private Uni<Integer> remindMember(SqlConnection c, Window window, List<Window> longer, Instant now,
            String memberId, List<DueLot> lots, List<NoticeStored> announced) {
        String eventId = "expiry.reminded:" + memberId + ":" + window.label() + ":" + now.toEpochMilli();
        List<String> lotIds = lots.stream().map(DueLot::lotId).toList();
        return repository.record(c, memberId, lotIds, window.lead().toSeconds(), window.label(), eventId, now)
                .chain(recorded -> {
                    List<DueLot> reminded = lots.stream().filter(l -> recorded.contains(l.lotId())).toList();
                    if (reminded.isEmpty()) {
                        return Uni.createFrom().item(0);
                    }
                    List<String> ids = reminded.stream().map(DueLot::lotId).toList();
                    Uni<Void> covered = Uni.createFrom().voidItem();
                    for (Window wider : longer) {
                        covered = covered.chain(() -> repository.record(c, memberId, ids, wider.lead().toSeconds(),
                                wider.label(), eventId, now).replaceWithVoid());
                    }
                    // Over more lots than one event names, one expiry.reminded a part (LotLimits); one
                    // notice per date all the same, under the first part's id.
                    List<List<DueLot>> parts = LotLimits.parts(reminded);
                    List<CloudEvent> events = new ArrayList<>(parts.size());
                    for (int i = 0; i < parts.size(); i++) {
                        ExpiryReminded data = new ExpiryReminded(memberId, window.label(), window.lead().toSeconds(),
                                now, parts.get(i).stream()
                                        .map(l -> new RemindedLot(l.lotId(), l.points(), l.expiresAt())).toList());
                        events.add(CloudEvent.of(LotLimits.partId(eventId, i), SOURCE, memberId, now, data));
                    }
                    return covered
                            .chain(() -> notices.storeIn(c, drafts(events.getFirst(), reminded)).invoke(announced::addAll))
                            .chain(() -> outbox.enqueueBatch(c, Topics.NOTIFICATIONS, events))
                            .invoke(() -> Log.debugf("Reminded %s of %d lots (%s)", memberId, reminded.size(),
                                    window.label()))
                            .replaceWith(events.size());
                });
    }

    /**
     * One {@code points.expiring} notice per expiry date ("N points expire on DATE"), written from the
     * templates in the member's locale and e-mailed as every notice is; {@code expiresAt} is the
     * earliest instant of that date's lots. N is what of those lots expires unless used, held points
     * included ({@link DueLot#points()}); {@code held}, only when some are, says how many of N open
     * holds take.
     */
    private List<NoticeDraft> drafts(CloudEvent event, List<DueLot> lots) {
        Map<LocalDate, Long> points = new TreeMap<>();
        Map<LocalDate, Long> held = new TreeMap<>();
        Map<LocalDate, Instant> earliest = new TreeMap<>();
        for (DueLot lot : lots) {
            LocalDate date = LocalDate.ofInstant(lot.expiresAt(), zone);
            points.merge(date, lot.points(), Long::sum);
            held.merge(date, lot.held(), Long::sum);
            earliest.merge(date, lot.expiresAt(), (a, b) -> a.isBefore(b) ? a : b);
        }
        List<NoticeDraft> drafts = new ArrayList<>(points.size());
        points.forEach((date, sum) -> {
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("points", sum);
            if (held.get(date) > 0) {
                params.put("held", held.get(date));
            }
            params.put("expiresAt", earliest.get(date).toString());
            drafts.add(new NoticeDraft(event.id() + ":" + date, event.subject(), KIND, event.time(), params));
        });
        return drafts;
    }
}
