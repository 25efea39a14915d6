package io.pointsplatform.redemption.redemption.repository;

import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.RedemptionEvent;
import io.pointsplatform.events.Topics;
import io.pointsplatform.kit.batch.StatementBatches;
import io.pointsplatform.kit.outbox.Outbox;
import io.pointsplatform.redemption.redemption.service.Redemption;
import io.pointsplatform.redemption.redemption.service.RedemptionStep;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Every statement on {@code redemption}. A step is recorded only if the saga still stands where
 * the caller saw it ({@code step = expected}): two drivers of one saga (the request and the
 * recovery job) never record over each other; the loser reads the row again and goes on from there.
 * Every change of status writes its event to the outbox in the same statement ({@link Outbox#withEvent}).
 */
@ApplicationScoped
public class RedemptionRepository {

    private static final String SOURCE = "/redemption-service";
    private static final String COLUMNS = "seq, redemption_id, member_id, reward_id, quantity, status, step, kind,"
            + " points, code, reason, voucher_code, coupon_code, lottery, donation, attempts, created_at, updated_at,"
            + " completed_at, cancelled_at, voucher_used_at, voucher_order_id, voucher_value, waiting, reward_name,"
            + " reservation_ttl_seconds, hold_ttl_seconds";

    /**
     * A step recorded: the retry's backoff (if any) is over, so the saga is due again from now on. An
     * earlier due time is kept as it is: the row is as due, and an unchanged indexed column lets
     * PostgreSQL write the middle steps as heap-only tuples (V5).
     */
    private static final String ADVANCE = "update redemption set step = $3, status = $4, kind = $5,"
            + " points = $6, code = $7, reason = $8, voucher_code = $9, coupon_code = $10, lottery = $11,"
            + " donation = $12, completed_at = $13, cancelled_at = $14, voucher_value = $16, reward_name = $17, attempts = 0,"
            + " waiting = null,"
            + " next_attempt_at = least(next_attempt_at, $15), updated_at = $15"
            + " where redemption_id = $1 and step = $2 returning " + COLUMNS;

    private static final String ADVANCE_WITH_EVENT = Outbox.withEvent(ADVANCE, 17);

    /** A new redemption PENDING, and its event when it is new (a repeated id inserts nothing and answers no row). */
    private static final String INSERT_WITH_EVENT = Outbox.withEvent("""
            insert into redemption (redemption_id, member_id, reward_id, quantity, status, step,
                created_at, updated_at, next_attempt_at, reservation_ttl_seconds, hold_ttl_seconds)
            values ($1, $2, $3, $4, 'PENDING', 'REQUESTED', $5, $5, $5, $6, $7)
            on conflict (redemption_id) do nothing""" + " returning " + COLUMNS, 7);

    /**
     * A new redemption refused at once (FAILED, the saga DONE), with its {@code redemption.requested}
     * and {@code redemption.failed} in that order; a repeated id inserts nothing and answers no row.
     */
    private static final String INSERT_REFUSED_WITH_EVENTS = Outbox.withEvents("""
            insert into redemption (redemption_id, member_id, reward_id, quantity, status, step, code, reason,
                reward_name, created_at, updated_at, next_attempt_at)
            values ($1, $2, $3, $4, 'FAILED', 'DONE', $6, $7, $8, $5, $5, $5)
            on conflict (redemption_id) do nothing""" + " returning " + COLUMNS, 8, 2);

    private final Pool pool;
    private final Outbox outbox;
    /** The saga's own writes (a new redemption, its steps): many sagas share a commit (StatementBatches). */
    private final StatementBatches writes;

    public RedemptionRepository(Pool pool, Outbox outbox) {
        this.pool = pool;
        this.outbox = outbox;
        this.writes = new StatementBatches(pool);
    }

    /**
     * Records a new redemption PENDING with its event and the TTLs its saga asks for its reservation
     * and its hold (every try asks the same): the row as recorded, or null when the id exists
     * already (a repeat: read it with {@link #find}).
     */
    public Uni<Redemption> insert(String redemptionId, String memberId, String rewardId, int quantity,
                                  long reservationTtlSeconds, long holdTtlSeconds, Instant now,
                                  RedemptionEvent requested) {
        Tuple change = Tuple.from(new Object[] {redemptionId, memberId, rewardId, quantity, utc(now),
                reservationTtlSeconds, holdTtlSeconds});
        return writes.execute(INSERT_WITH_EVENT, event(change, requested, now), redemptionId)
                .map(RedemptionRepository::first);
    }

    /**
     * Records a new redemption already refused with {@code code}: one statement where recording it
     * PENDING and then failing it takes two (a flash sale's late attempts, {@code SoldOut}). The row
     * as recorded, or null when the id exists already (a repeat: read it with {@link #find}).
     */
    public Uni<Redemption> insertRefused(String redemptionId, String memberId, String rewardId, int quantity,
                                         String code, String reason, String rewardName, Instant now,
                                         RedemptionEvent requested, RedemptionEvent failed) {
        Tuple change = Tuple.from(new Object[] {redemptionId, memberId, rewardId, quantity, utc(now), code, reason,
                rewardName});
        Tuple values = event(event(change, requested, now), failed, now);
        return writes.execute(INSERT_REFUSED_WITH_EVENTS, values, redemptionId).map(RedemptionRepository::first);
    }

    public Uni<Redemption> find(String redemptionId) {
        return pool.preparedQuery("select " + COLUMNS + " from redemption where redemption_id = $1")
                .execute(Tuple.of(redemptionId)).map(RedemptionRepository::first);
    }

    public Uni<Redemption> findByVoucher(String voucherCode) {
        return pool.preparedQuery("select " + COLUMNS + " from redemption where voucher_code = $1")
                .execute(Tuple.of(voucherCode)).map(RedemptionRepository::first);
    }

    /** A member's redemptions, newest first, those before {@code beforeSeq}. */
    public Uni<List<Redemption>> ofMember(String memberId, long beforeSeq, int limit) {
        return pool.preparedQuery("select " + COLUMNS + " from redemption where member_id = $1 and seq < $2"
                        + " order by seq desc limit $3")
                .execute(Tuple.of(memberId, beforeSeq, limit)).map(RedemptionRepository::all);
    }

    /**
     * Moves the saga from {@code expected} to {@code next}, setting what the step learnt; null when
     * it no longer stands at {@code expected}. {@code event}, when not null, goes to the outbox in
     * the same transaction.
     */
    public Uni<Redemption> advance(Redemption from, RedemptionStep expected, Change change, RedemptionEvent event,
                                   Instant now) {
        Tuple values = Tuple.from(new Object[] {from.redemptionId(), expected.name(), change.step().name(),
                change.status(), change.kind(), change.points(), change.code(), change.reason(),
                change.voucherCode(), change.couponCode(), change.lottery(), change.donation(),
                utc(change.completedAt()), utc(change.cancelledAt()), utc(now), change.voucherValue(), change.rewardName()});
        // One statement either way, atomic on its own, written with other sagas' in one commit.
        return (event == null ? writes.execute(ADVANCE, values, from.redemptionId())
                : writes.execute(ADVANCE_WITH_EVENT, event(values, event, now), from.redemptionId()))
                .map(RedemptionRepository::first);
    }

    /** What a step records: the row's fields after it (unchanged ones copied from the row). */
    public record Change(RedemptionStep step, String status, String kind, long points, String code, String reason,
                         String voucherCode, String couponCode, String lottery, String donation, Instant completedAt,
                         Instant cancelledAt, BigDecimal voucherValue, String rewardName) {

        public static Change of(Redemption r) {
            return new Change(r.step(), r.status(), r.kind(), r.points(), r.code(), r.reason(), r.voucherCode(),
                    r.couponCode(), r.lottery(), r.donation(), r.completedAt(), r.cancelledAt(), r.voucherValue(),
                    r.rewardName());
        }

        public Change step(RedemptionStep next) {
            return new Change(next, status, kind, points, code, reason, voucherCode, couponCode, lottery, donation,
                    completedAt, cancelledAt, voucherValue, rewardName);
        }

        public Change status(String next) {
            return new Change(step, next, kind, points, code, reason, voucherCode, couponCode, lottery, donation,
                    completedAt, cancelledAt, voucherValue, rewardName);
        }

        public Change failure(String failureCode, String failureReason) {
            return new Change(step, status, kind, points, failureCode, failureReason, voucherCode, couponCode, lottery,
                    donation, completedAt, cancelledAt, voucherValue, rewardName);
        }

        public Change priced(String rewardKind, long pointsCost, String lotteryJson, BigDecimal value, String name) {
            return new Change(step, status, rewardKind, pointsCost, code, reason, voucherCode, couponCode, lotteryJson,
                    donation, completedAt, cancelledAt, value, name);
        }

        public Change completed(String voucher, String coupon, String donationJson, Instant at) {
            return new Change(step, status, kind, points, code, reason, voucher, coupon, lottery, donationJson, at,
                    cancelledAt, voucherValue, rewardName);
        }

        public Change named(String name) {
            return new Change(step, status, kind, points, code, reason, voucherCode, couponCode, lottery, donation,
                    completedAt, cancelledAt, voucherValue, name);
        }

        public Change cancelled(Instant at) {
            return new Change(step, status, kind, points, code, reason, voucherCode, couponCode, lottery, donation,
                    completedAt, at, voucherValue, rewardName);
        }
    }

    /** A remote side did not answer: try again after {@code backoff}. */
    public Uni<Void> retryLater(String redemptionId, RedemptionStep expected, String why, Duration backoff, Instant now) {
        return pool.preparedQuery("update redemption set attempts = attempts + 1, waiting = $3,"
                        + " next_attempt_at = $4, updated_at = $5 where redemption_id = $1 and step = $2")
                .execute(Tuple.of(redemptionId, expected.name(), why, utc(now.plus(backoff)), utc(now)))
                .replaceWithVoid();
    }

    /**
     * Claims up to {@code limit} unsettled sagas due for another try and untouched for
     * {@code staleAfter}: each is pushed {@code lease} into the future, so no other job run takes it meanwhile.
     */
    public Uni<List<Redemption>> claimStale(Duration staleAfter, Duration lease, int limit, Instant now) {
        return pool.preparedQuery("update redemption set next_attempt_at = $3 where redemption_id in ("
                        + " select redemption_id from redemption where status in ('PENDING', 'CANCELLING')"
                        + " and next_attempt_at <= $1 and updated_at <= $2 order by next_attempt_at limit $4"
                        + " for update skip locked) returning " + COLUMNS)
                .execute(Tuple.of(utc(now), utc(now.minus(staleAfter)), utc(now.plus(lease)), limit))
                .map(RedemptionRepository::all);
    }

    /** Starts a cancel where it is allowed; null when the row is not in a state that allows it. */
    public Uni<Redemption> startCancel(String redemptionId, List<String> cancellableKinds, Instant completedAfter,
                                       Instant now) {
        return pool.preparedQuery("update redemption set status = 'CANCELLING', step = 'CANCEL_RETURN_STOCK',"
                        + " attempts = 0, next_attempt_at = $4, updated_at = $4 where redemption_id = $1"
                        + " and status = 'COMPLETED' and voucher_used_at is null and kind = any($2)"
                        + " and completed_at >= $3 returning " + COLUMNS)
                .execute(Tuple.of(redemptionId, cancellableKinds.toArray(String[]::new), utc(completedAfter), utc(now)))
                .map(RedemptionRepository::first);
    }

    /** Marks a voucher used by an order; null when it is not a completed, unused voucher. */
    public Uni<Redemption> useVoucher(String voucherCode, String orderId, Instant now) {
        return pool.preparedQuery("update redemption set voucher_used_at = $3, voucher_order_id = $2, updated_at = $3"
                        + " where voucher_code = $1 and status = 'COMPLETED' and voucher_used_at is null returning "
                        + COLUMNS)
                .execute(Tuple.of(voucherCode, orderId, utc(now))).map(RedemptionRepository::first);
    }

    /** The values of a statement made {@link Outbox#withEvent}, the event's after the change's. */
    private Tuple event(Tuple values, RedemptionEvent data, Instant now) {
        String id = data.type() + ":" + data.redemptionId();
        return outbox.eventValues(values, Topics.REDEMPTIONS, CloudEvent.of(id, SOURCE, data.memberId(), now, data));
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    private static Redemption first(RowSet<Row> rows) {
        return rows.size() == 0 ? null : map(rows.iterator().next());
    }

    private static List<Redemption> all(RowSet<Row> rows) {
        List<Redemption> list = new ArrayList<>(rows.size());
        rows.forEach(row -> list.add(map(row)));
        return list;
    }

    private static Redemption map(Row row) {
        return new Redemption(row.getLong("seq"), row.getString("redemption_id"), row.getString("member_id"),
                row.getString("reward_id"), row.getInteger("quantity"), row.getString("status"),
                RedemptionStep.valueOf(row.getString("step")), row.getString("kind"), row.getLong("points"),
                row.getString("code"), row.getString("reason"), row.getString("voucher_code"),
                row.getString("coupon_code"), row.getString("lottery"), row.getString("donation"),
                row.getInteger("attempts"), instant(row, "created_at"), instant(row, "updated_at"),
                instant(row, "completed_at"), instant(row, "cancelled_at"), instant(row, "voucher_used_at"),
                row.getString("voucher_order_id"), row.getBigDecimal("voucher_value"), row.getString("waiting"),
                row.getString("reward_name"), row.getLong("reservation_ttl_seconds"), row.getLong("hold_ttl_seconds"));
    }

    private static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }
}
