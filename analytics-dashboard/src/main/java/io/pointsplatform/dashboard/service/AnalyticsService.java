package io.pointsplatform.dashboard.service;

import io.pointsplatform.events.PointsValue;
import io.pointsplatform.kit.problem.ApiException;
import io.pointsplatform.dashboard.repository.AnalyticsRepository;
import io.pointsplatform.dashboard.repository.AnalyticsRepository.DayRow;
import io.pointsplatform.dashboard.repository.AnalyticsRepository.TierRow;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * What the dashboard shows, from the analytics schema. The definitions an analyst reads the numbers
 * by (README, "Dashboard"): issued = points.earned; spent = points.spent less points.returned (a
 * cancelled redemption gives its points back); redemption rate = spent / issued and expiry rate =
 * expired / issued over the same days; outstanding = what the events' outstanding_delta add up to
 * at the end of the last day, worth outstanding / pointsPerYuan yuan.
 */
@ApplicationScoped
public class AnalyticsService {

    /** The programme's tiers, lowest first (ARCHITECTURE.md); any other tier found follows them. */
    static final List<String> TIERS = List.of("MEMBER", "SILVER", "GOLD", "PLATINUM");

    /** The most days a range may span (ten years). */
    public static final int MAX_DAYS = AnalyticsRepository.MAX_DAYS;

    private final AnalyticsRepository repository;
    private final Clock clock;
    private final long pointsPerYuan;
    private final ZoneId zone;

    public AnalyticsService(AnalyticsRepository repository, Clock clock,
                            @ConfigProperty(name = "analytics.points-per-yuan", defaultValue = "100") long pointsPerYuan,
                            @ConfigProperty(name = "analytics.zone", defaultValue = "Asia/Shanghai") ZoneId zone) {
        if (pointsPerYuan < 1) {
            throw new IllegalArgumentException("analytics.points-per-yuan must be 1 or more, was " + pointsPerYuan);
        }
        this.repository = repository;
        this.clock = clock;
        this.pointsPerYuan = pointsPerYuan;
        this.zone = zone;
    }

    public Uni<Summary> summary(LocalDate from, LocalDate to, int expiringDays) {
        return inOrder(from, to).chain(() -> sums(from, to, expiringDays));
    }

    private Uni<Summary> sums(LocalDate from, LocalDate to, int expiringDays) {
        Instant now = clock.instant();
        Instant until = now.plus(Duration.ofDays(expiringDays));
        return Uni.combine().all().unis(repository.sums(from, to), repository.expiring(now, until, zone.getId()),
                        repository.freshness())
                .with((sums, expiring, fresh) -> {
                    long expiringPoints = expiring.stream().mapToLong(AnalyticsRepository.ExpiringRow::points).sum();
                    long spent = sums.spent() - sums.returned();
                    return new Summary(sums.from(), sums.to(), sums.issued(), spent, sums.expired(), sums.reversed(),
                            sums.returned(), sums.adjusted(), rate(spent, sums.issued()),
                            rate(sums.expired(), sums.issued()), sums.outstanding(), yuan(sums.outstanding()),
                            pointsPerYuan, expiringPoints, expiringDays, fresh.lastEventAt(), fresh.replayUpdatedAt(),
                            fresh.unreadable(), fresh.lastEventAt() == null);
                });
    }

    public Uni<List<Day>> daily(LocalDate from, LocalDate to) {
        return inOrder(from, to).chain(() -> repository.daily(from, to))
                .map(rows -> rows.stream().map(AnalyticsService::day).toList());
    }

    /**
     * A range with one end left out, checked against that end's default, the first or last day with
     * events: {@code from} after the last day, or {@code to} before the first, is refused as the edge
     * refuses {@code to} before {@code from} (400 VALIDATION_FAILED naming the end given), not
     * answered as a range the wrong way round (all zeros, no days), as until 2026-12-07. Both ends
     * given are checked at the edge; with neither, or no events yet, there is nothing to check.
     */
    private Uni<Void> inOrder(LocalDate from, LocalDate to) {
        if ((from == null) == (to == null)) {
            return Uni.createFrom().voidItem();
        }
        return repository.days().invoke(span -> {
            if (from != null && span.last() != null && from.isAfter(span.last())) {
                throw ApiException.validation("from", "must not be after the last day with events (" + span.last()
                        + "), which to is when left out");
            }
            if (to != null && span.first() != null && to.isBefore(span.first())) {
                throw ApiException.validation("to", "must not be before the first day with events (" + span.first()
                        + "), which from is when left out");
            }
        }).replaceWithVoid();
    }

    public Uni<List<TopReward>> topRewards(int limit) {
        return repository.topRewards(limit).map(rows -> rows.stream()
                .map(r -> new TopReward(r.rewardId(), r.name(), r.kind(), r.pointsCost(), r.requested(), r.completed(),
                        r.failed(), r.cancelled(), r.completed() - r.cancelled(), r.pointsSpent()))
                .toList());
    }

    public Uni<Expiring> expiring(int days) {
        Instant now = clock.instant();
        Instant until = now.plus(Duration.ofDays(days));
        return Uni.combine().all().unis(repository.expiring(now, until, zone.getId()),
                        repository.expiringMembers(now, until))
                .with((rows, members) -> new Expiring(now, until, days,
                        rows.stream().mapToLong(AnalyticsRepository.ExpiringRow::points).sum(), members,
                        rows.stream().map(r -> new ExpiringDay(r.day(), r.points(), r.members())).toList()));
    }

    /** Every tier of the programme, with no members where none is in it, then any other tier found. */
    public Uni<List<Tier>> tiers() {
        return repository.tiers().map(rows -> {
            Map<String, Long> byTier = new LinkedHashMap<>();
            TIERS.forEach(t -> byTier.put(t, 0L));
            rows.stream().sorted(java.util.Comparator.comparing(TierRow::tier))
                    .forEach(r -> byTier.merge(r.tier(), r.members(), Long::sum));
            List<Tier> tiers = new ArrayList<>();
            byTier.forEach((tier, members) -> tiers.add(new Tier(tier, members)));
            return tiers;
        });
    }

    /** points-events' rule for points in yuan (a partial replay may show a negative outstanding). */
    private BigDecimal yuan(long points) {
        int rate = Math.toIntExact(pointsPerYuan);
        return points < 0 ? PointsValue.yuanFor(-points, rate).negate() : PointsValue.yuanFor(points, rate);
    }

    /** part / whole to four places (0.1234 = 12.34 %); none when nothing was issued. */
    static BigDecimal rate(long part, long whole) {
        return whole <= 0 ? null : BigDecimal.valueOf(part).divide(BigDecimal.valueOf(whole), 4, RoundingMode.HALF_EVEN);
    }

    private static Day day(DayRow r) {
        return new Day(r.day(), r.issued(), r.spent() - r.returned(), r.expired(), r.reversed(), r.returned(),
                r.adjusted(), r.outstanding());
    }

    public record Summary(LocalDate from, LocalDate to, long issued, long spent, long expired, long reversed,
                          long returned, long adjusted, BigDecimal redemptionRate, BigDecimal expiryRate,
                          long outstandingPoints, BigDecimal outstandingYuan, long pointsPerYuan,
                          long expiringPoints, int expiringDays, Instant lastEventAt, Instant replayUpdatedAt,
                          long unreadableRecords, boolean empty) {
    }

    public record Day(LocalDate day, long issued, long spent, long expired, long reversed, long returned,
                      long adjusted, long outstanding) {
    }

    public record Expiring(Instant from, Instant until, int days, long points, long members,
                           List<ExpiringDay> byDay) {
    }

    public record ExpiringDay(LocalDate day, long points, long members) {
    }

    /** redeemed = completed less cancelled: what the ranking is by. */
    public record TopReward(String rewardId, String name, String kind, Long pointsCost, long requested,
                            long completed, long failed, long cancelled, long redeemed, long pointsSpent) {
    }

    public record Tier(String tier, long members) {
    }
}
