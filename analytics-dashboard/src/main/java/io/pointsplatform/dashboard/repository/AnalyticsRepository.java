package io.pointsplatform.dashboard.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Every statement the dashboard runs, all reads of the analytics schema that replay-cli writes
 * (replay-cli/src/main/resources/analytics/schema.sql). A null {@code from} or {@code to} means the
 * data's own first or last day.
 */
@ApplicationScoped
public class AnalyticsRepository {

    /** The most days one daily series may hold (ten years). */
    public static final int MAX_DAYS = 3661;

    /** Sums of one kind of event over days, from the daily aggregates. */
    private static final String SUMS = """
            coalesce(sum(points) filter (where type = 'points.earned'), 0) as issued,
            coalesce(sum(points) filter (where type = 'points.spent'), 0) as spent,
            coalesce(sum(points) filter (where type = 'points.returned'), 0) as returned,
            coalesce(sum(points) filter (where type = 'points.expired'), 0) as expired,
            coalesce(sum(points) filter (where type = 'points.reversed'), 0) as reversed,
            coalesce(sum(points) filter (where type = 'points.adjusted'), 0) as adjusted
            """;

    /** What the daily aggregates sum to per kind; outstanding is at the end of the last day. */
    public record PointSums(LocalDate from, LocalDate to, long issued, long spent, long returned, long expired,
                            long reversed, long adjusted, long outstanding) {
    }

    public record DayRow(LocalDate day, long issued, long spent, long returned, long expired, long reversed,
                         long adjusted, long outstanding) {
    }

    public record RewardRow(String rewardId, String name, String kind, Long pointsCost, long requested,
                            long completed, long failed, long cancelled, long pointsSpent) {
    }

    public record ExpiringRow(LocalDate day, long points, long members) {
    }

    public record TierRow(String tier, long members) {
    }

    /** The first and last day with events; both null while there is none. */
    public record DaySpan(LocalDate first, LocalDate last) {
    }

    /** How fresh the data is: the newest event, the replay's last commit, records it could not read. */
    public record Freshness(Instant lastEventAt, Instant replayUpdatedAt, long unreadable) {
    }

    private final Pool pool;

    public AnalyticsRepository(Pool pool) {
        this.pool = pool;
    }

    /** The first and last day with events: what a range left open at one end runs to. */
    public Uni<DaySpan> days() {
        return pool.preparedQuery("select min(day) as first, max(day) as last from analytics.daily_points").execute()
                .map(rows -> {
                    Row r = rows.iterator().next();
                    return new DaySpan(r.getLocalDate("first"), r.getLocalDate("last"));
                });
    }

    public Uni<PointSums> sums(LocalDate from, LocalDate to) {
        String sql = "with bounds as (select coalesce($1::date, min(day)) as lo, coalesce($2::date, max(day)) as hi"
                + " from analytics.daily_points)"
                + " select bounds.lo, bounds.hi, " + SUMS + ","
                + " (select coalesce(sum(outstanding_delta), 0) from analytics.daily_points o where o.day <= bounds.hi)"
                + " as outstanding"
                + " from bounds left join analytics.daily_points p on p.day between bounds.lo and bounds.hi"
                + " group by bounds.lo, bounds.hi";
        return pool.preparedQuery(sql).execute(Tuple.of(from, to)).map(rows -> {
            Row r = rows.iterator().next();
            return new PointSums(r.getLocalDate("lo"), r.getLocalDate("hi"), r.getLong("issued"), r.getLong("spent"),
                    r.getLong("returned"), r.getLong("expired"), r.getLong("reversed"), r.getLong("adjusted"),
                    r.getLong("outstanding"));
        });
    }

    /**
     * One row per day from {@code from} to {@code to}, days without events included (as zeros); at
     * most the last {@link #MAX_DAYS} of them when an open end makes the range longer.
     */
    public Uni<List<DayRow>> daily(LocalDate from, LocalDate to) {
        String sql = "with ends as (select coalesce($1::date, min(day)) as lo, coalesce($2::date, max(day)) as hi"
                + " from analytics.daily_points),"
                // No day with events and no from: no days (greatest() would ignore the null and give
                // MAX_DAYS of zeros before to).
                + " bounds as (select case when lo is null then null else greatest(lo, hi - " + (MAX_DAYS - 1)
                + ") end as lo, hi from ends),"
                + " days as (select g::date as day from bounds, generate_series(bounds.lo, bounds.hi, interval '1 day') g),"
                + " per_day as (select day, " + SUMS + ", sum(outstanding_delta) as delta"
                + " from analytics.daily_points, bounds where day between bounds.lo and bounds.hi group by day),"
                + " before as (select coalesce(sum(outstanding_delta), 0) as outstanding from analytics.daily_points,"
                + " bounds where day < bounds.lo)"
                + " select days.day, coalesce(issued, 0) as issued, coalesce(spent, 0) as spent,"
                + " coalesce(returned, 0) as returned, coalesce(expired, 0) as expired,"
                + " coalesce(reversed, 0) as reversed, coalesce(adjusted, 0) as adjusted,"
                + " before.outstanding + sum(coalesce(delta, 0)) over (order by days.day) as outstanding"
                + " from days cross join before left join per_day using (day) order by days.day";
        return pool.preparedQuery(sql).execute(Tuple.of(from, to)).map(rows -> {
            List<DayRow> days = new ArrayList<>();
            for (Row r : rows) {
                days.add(new DayRow(r.getLocalDate("day"), r.getLong("issued"), r.getLong("spent"),
                        r.getLong("returned"), r.getLong("expired"), r.getLong("reversed"), r.getLong("adjusted"),
                        r.getLong("outstanding")));
            }
            return days;
        });
    }

    /** The rewards redeemed most (completed less cancelled), then by points spent, then by id. */
    public Uni<List<RewardRow>> topRewards(int limit) {
        String sql = "select p.reward_id, r.name, r.kind, r.points_cost, p.requested, p.completed, p.failed,"
                + " p.cancelled, p.points_spent from analytics.reward_popularity p"
                + " left join analytics.rewards r using (reward_id)"
                + " where p.requested > 0 or p.completed > 0"
                + " order by p.completed - p.cancelled desc, p.points_spent desc, p.reward_id limit $1";
        return pool.preparedQuery(sql).execute(Tuple.of(limit)).map(rows -> {
            List<RewardRow> rewards = new ArrayList<>();
            for (Row r : rows) {
                rewards.add(new RewardRow(r.getString("reward_id"), r.getString("name"), r.getString("kind"),
                        r.getLong("points_cost"), r.getLong("requested"), r.getLong("completed"), r.getLong("failed"),
                        r.getLong("cancelled"), r.getLong("points_spent")));
            }
            return rewards;
        });
    }

    /**
     * Points left in lots (credited less taken) whose expiresAt falls after {@code now} and at or
     * before {@code until}, per day of expiry in {@code zone}; members is how many members they belong to.
     */
    public Uni<List<ExpiringRow>> expiring(Instant now, Instant until, String zone) {
        String sql = "select (expires_at at time zone $3)::date as day, sum(points - taken) as points,"
                + " count(distinct member_id) as members from analytics.lots"
                + " where expires_at > $1 and expires_at <= $2 and points > taken group by 1 order by 1";
        return pool.preparedQuery(sql).execute(Tuple.of(utc(now), utc(until), zone)).map(rows -> {
            List<ExpiringRow> days = new ArrayList<>();
            for (Row r : rows) {
                days.add(new ExpiringRow(r.getLocalDate("day"), r.getLong("points"), r.getLong("members")));
            }
            return days;
        });
    }

    /** How many members the expiring points of that window belong to (a member may expire on several days). */
    public Uni<Long> expiringMembers(Instant now, Instant until) {
        return pool.preparedQuery("select count(distinct member_id) as members from analytics.lots"
                        + " where expires_at > $1 and expires_at <= $2 and points > taken")
                .execute(Tuple.of(utc(now), utc(until))).map(rows -> rows.iterator().next().getLong("members"));
    }

    public Uni<List<TierRow>> tiers() {
        return pool.query("select tier, count(*) as members from analytics.members group by tier").execute()
                .map(rows -> {
                    List<TierRow> tiers = new ArrayList<>();
                    for (Row r : rows) {
                        tiers.add(new TierRow(r.getString("tier"), r.getLong("members")));
                    }
                    return tiers;
                });
    }

    /** The newest event's time is found through the (day, type) index: the last day first, then its newest. */
    public Uni<Freshness> freshness() {
        String sql = "select (select max(occurred_at) from analytics.events"
                + " where day = (select max(day) from analytics.events)) as last_event_at,"
                + " (select max(updated_at) from analytics.replay_offsets) as replay_updated_at,"
                + " (select count(*) from analytics.unreadable) as unreadable";
        return pool.query(sql).execute().map(rows -> {
            Row r = rows.iterator().next();
            return new Freshness(instant(r.getOffsetDateTime("last_event_at")),
                    instant(r.getOffsetDateTime("replay_updated_at")), r.getLong("unreadable"));
        });
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
