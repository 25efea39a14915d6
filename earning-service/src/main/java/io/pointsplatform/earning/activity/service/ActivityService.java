package io.pointsplatform.earning.activity.service;

import io.pointsplatform.earning.activity.repository.ActivityRepository;
import io.pointsplatform.earning.activity.repository.ActivityRepository.MemberFacts;
import io.pointsplatform.earning.activity.rest.ActivityRequest;
import io.pointsplatform.earning.order.service.EarningPolicy;
import io.pointsplatform.events.BreakdownLine;
import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.Origin;
import io.pointsplatform.events.OriginKind;
import io.pointsplatform.events.PointsEarned;
import io.pointsplatform.events.Topics;
import io.pointsplatform.kit.outbox.Outbox;
import io.pointsplatform.kit.outbox.OutboxRelay;
import io.pointsplatform.kit.problem.ApiException;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Activity credits. Each is once per period, and the period is in the lot id (check-in
 * {@code checkin/<member>/<date>}, birthday {@code birthday/<member>/<year>}, another kind
 * {@code <kind>/<member>/<date>}), so a repeat, or the daily job and a call on the same day,
 * cannot credit twice: the activity row (one per member, kind and day) and the outbox credit are
 * one transaction. The parts are joined by "/", which no id contains, so no member and day of one
 * kind can make the lot id of another credit (see {@link io.pointsplatform.kit.Identifiers}).
 */
@ApplicationScoped
public class ActivityService {

    static final String SOURCE = "/earning-service";
    private static final int MAX_DAYS_BACK = 30;
    private static final int BIRTHDAY_BATCH = 500;

    private final Pool pool;
    private final ActivityRepository activities;
    private final EarningPolicy policy;
    private final Outbox outbox;
    private final OutboxRelay relay;
    private final Clock clock;
    private final Config config;
    private final long checkinPoints;
    private final long birthdayPoints;

    public ActivityService(Pool pool, ActivityRepository activities, EarningPolicy policy, Outbox outbox,
                           OutboxRelay relay, Clock clock, Config config,
                           @ConfigProperty(name = "points.activity.checkin", defaultValue = "5") long checkinPoints,
                           @ConfigProperty(name = "points.activity.birthday", defaultValue = "500") long birthdayPoints) {
        this.pool = pool;
        this.activities = activities;
        this.policy = policy;
        this.outbox = outbox;
        this.relay = relay;
        this.clock = clock;
        this.config = config;
        this.checkinPoints = checkinPoints;
        this.birthdayPoints = birthdayPoints;
    }

    public Uni<ActivityCredit> record(ActivityRequest request) {
        policy.requireNotInFuture(request.occurredAt(), "occurredAt");
        LocalDate today = LocalDate.now(clock.withZone(policy.zone()));
        LocalDate day = request.date() != null ? request.date()
                : request.occurredAt() != null ? request.occurredAt().atZone(policy.zone()).toLocalDate() : today;
        if (day.isAfter(today) || day.isBefore(today.minusDays(MAX_DAYS_BACK))) {
            throw ApiException.validation("date", "must be within the last " + MAX_DAYS_BACK + " days, not in the future");
        }
        long points = points(request.kind()).orElseThrow(() -> ApiException.validation("kind",
                "'" + request.kind() + "' is not an activity this programme rewards"));
        return activities.member(pool, request.memberId()).chain(member -> {
            if (member == null) {
                // Whatever points.earning.unknown-member says: it keeps orders' former behaviour, and
                // activities never credited a member who was not enrolled (404 before, now 422 as orders).
                throw EarningPolicy.unknownMember(request.memberId());
            }
            if ("BIRTHDAY".equals(request.kind()) && !isBirthday(member, day)) {
                throw new ApiException(422, "NOT_ELIGIBLE", "Not eligible", "member '" + request.memberId()
                        + "' has no birthday on " + day);
            }
            return credit(member, request.kind(), day, points);
        });
    }

    /** The daily job: every member whose birthday is today gets the birthday credit (once a year). */
    @Scheduled(cron = "${points.activity.birthday-cron:0 5 0 * * ?}", timeZone = "${points.earning.zone:Asia/Shanghai}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> birthdaysToday() {
        return awardBirthdays(LocalDate.now(clock.withZone(policy.zone()))).replaceWithVoid();
    }

    /** Credits the birthday of every member born on this day; the number credited now (repeats count 0). */
    public Uni<Integer> awardBirthdays(LocalDate day) {
        return awardBirthdaysAfter(day, "", 0);
    }

    private Uni<Integer> awardBirthdaysAfter(LocalDate day, String after, int credited) {
        return activities.bornOn(pool, day, after, BIRTHDAY_BATCH).chain(members -> {
            if (members.isEmpty()) {
                Log.infof("Birthday credits for %s: %d", day, credited);
                return Uni.createFrom().item(credited);
            }
            Uni<Integer> batch = Uni.createFrom().item(0);
            for (MemberFacts member : members) {
                batch = batch.chain(n -> credit(member, "BIRTHDAY", day, birthdayPoints).map(c -> n + (c.created() ? 1 : 0)));
            }
            String last = members.get(members.size() - 1).memberId();
            return batch.chain(n -> members.size() < BIRTHDAY_BATCH ? Uni.createFrom().item(credited + n)
                    : awardBirthdaysAfter(day, last, credited + n));
        });
    }

    private Uni<ActivityCredit> credit(MemberFacts member, String kind, LocalDate day, long points) {
        String lotId = lotId(kind, member.memberId(), day);
        Instant availableAt = day.atStartOfDay(policy.zone()).toInstant();
        ActivityCredit credit = new ActivityCredit(lotId, member.memberId(), kind, day, points, availableAt,
                policy.expiresAt(availableAt, member.tier()), true);
        OriginKind origin = switch (kind) {
            case "CHECKIN" -> OriginKind.CHECKIN;
            case "BIRTHDAY" -> OriginKind.BIRTHDAY;
            default -> OriginKind.ACTIVITY;
        };
        PointsEarned earned = new PointsEarned(member.memberId(), lotId, points, new Origin(origin, kind + ":" + day),
                List.of(new BreakdownLine(kind.toLowerCase(Locale.ROOT), points)), availableAt, credit.expiresAt());
        return pool.withTransaction(c -> activities.insert(c, lotId, member.memberId(), kind, points, day)
                        .call(before -> before != null ? Uni.createFrom().voidItem()
                                : outbox.enqueue(c, Topics.POINTS_LEDGER, CloudEvent.of("points.earned:" + lotId, SOURCE,
                                        member.memberId(), clock.instant().truncatedTo(ChronoUnit.MICROS), earned))))
                .invoke(before -> {
                    if (before == null) {
                        relay.wake();
                    }
                })
                .map(before -> new ActivityCredit(before == null ? lotId : before, member.memberId(), kind, day, points,
                        availableAt, credit.expiresAt(), before == null));
    }

    static String lotId(String kind, String memberId, LocalDate day) {
        return switch (kind) {
            case "BIRTHDAY" -> "birthday/" + memberId + "/" + day.getYear();
            default -> kind.toLowerCase(Locale.ROOT) + "/" + memberId + "/" + day;
        };
    }

    private Optional<Long> points(String kind) {
        return switch (kind) {
            case "CHECKIN" -> Optional.of(checkinPoints);
            case "BIRTHDAY" -> Optional.of(birthdayPoints);
            default -> config.getOptionalValue("points.activity." + kind.toLowerCase(Locale.ROOT), Long.class);
        };
    }

    private static boolean isBirthday(MemberFacts member, LocalDate day) {
        if (member.birthday() == null) {
            return false;
        }
        LocalDate thisYear = member.birthday().withYear(day.getYear()); // 29 February becomes 28 in other years
        return thisYear.equals(day);
    }
}
