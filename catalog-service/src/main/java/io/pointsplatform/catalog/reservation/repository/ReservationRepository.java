package io.pointsplatform.catalog.reservation.repository;

import io.pointsplatform.catalog.reservation.model.Reservation;
import io.pointsplatform.catalog.reservation.model.ReservationStatus;
import io.pointsplatform.catalog.reward.model.Reward;
import io.pointsplatform.catalog.reward.model.RewardKind;
import io.pointsplatform.catalog.reward.repository.RewardRepository;
import io.pointsplatform.kit.batch.StatementBatches;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** Every statement on reservations. */
@ApplicationScoped
public class ReservationRepository {

    private static final String COLUMNS = "reservation_id, reward_id, member_id, quantity, ttl_seconds, kind, points_cost,"
            + " status, expires_at, period_key, seed, prize_id, prize_name, prize_table, coupon_code, cause,"
            + " voucher_value, stock_taken, prize_taken, created_at, updated_at, reward_name";

    private static final String INSERT = "insert into reservation (" + COLUMNS + ") values ($1, $2, $3, $4, $5, $6,"
            + " $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)";

    /**
     * The insert of a reservation that takes no stock (the reward unlimited), made only while the
     * reward is ACTIVE, unlimited and with the limit it was read with: behind the reward's gate and
     * under a share lock on its row (which the foreign key takes anyway, in its weaker form), so a
     * retire or a change committed meanwhile is seen, and one waits for the other.
     */
    private static final String INSERT_WHILE_OPEN = "insert into reservation (" + COLUMNS + ") select $1, $2, $3, $4,"
            + " $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22 from reward, "
            + RewardRepository.sharedGate(2) + " where reward.reward_id = $2 and reward.stock is null and "
            + RewardRepository.activeWithLimit("reward", 23, 24) + " and " + RewardRepository.pricedAsRead("reward", 25)
            + " for share of reward";

    /**
     * A reservation of limited stock with nothing else to take (no member's limit, not a COUPON or a
     * LOTTERY) as one statement: behind the reward's gate, the stock taken by the conditional update
     * while the reward is ACTIVE, with the limit and the definition it was read with
     * (RewardRepository#activeWithLimit, #definedAsRead); the reservation inserted; and the reward's
     * two events queued, stock.changed then reward.upserted, each from a payload written from the read
     * ($38..$41: the id up to its version, the payload) with the id and {@code data.stock} set from the
     * row as the update left it. Nothing is written when the update takes nothing. In the next batch
     * of StatementBatches, so that the reservations of a flash sale share the reward's row lock and one
     * commit, instead of queueing on the row one transaction (and several round trips) at a time.
     */
    private static final String INSERT_TAKING = "with taken as (update reward set stock = stock - $2,"
            + " version = version + 1, updated_at = $3 from " + RewardRepository.sharedGate(1)
            + " where reward.reward_id = $1 and reward.stock >= $2 and " + RewardRepository.activeWithLimit("reward", 4, 5)
            + " and " + RewardRepository.definedAsRead("reward", 6) + " returning reward.stock, reward.version),"
            + " made as (insert into reservation (" + COLUMNS + ") select $15, $16, $17, $18, $19, $20, $21, $22, $23,"
            + " $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36 from taken),"
            + " queued as (insert into outbox (topic, message_key, event_id, payload)"
            + " select $37::text, $1::text, e.prefix || taken.version, jsonb_set(jsonb_set(e.payload::jsonb, '{id}',"
            + " to_jsonb(e.prefix || taken.version)), '{data,stock}', to_jsonb(taken.stock))::text"
            + " from taken, (values (1, $38::text, $39::text), (2, $40::text, $41::text)) as e(n, prefix, payload)"
            + " order by e.n)"
            + " select stock, version from taken";

    /** Reservations made or confirmed by one statement of their own: many share a commit (StatementBatches). */
    private final StatementBatches writes;

    public ReservationRepository(Pool pool) {
        this.writes = new StatementBatches(pool);
    }

    public Uni<Reservation> find(SqlClient c, String reservationId) {
        return c.preparedQuery("select " + COLUMNS + " from reservation where reservation_id = $1")
                .execute(Tuple.of(reservationId))
                .map(rows -> rows.size() == 0 ? null : reservation(rows.iterator().next()));
    }

    /** The reservation, its row locked until the transaction ends. */
    public Uni<Reservation> lock(SqlClient c, String reservationId) {
        return c.preparedQuery("select " + COLUMNS + " from reservation where reservation_id = $1 for update")
                .execute(Tuple.of(reservationId))
                .map(rows -> rows.size() == 0 ? null : reservation(rows.iterator().next()));
    }

    /** Fails with PostgreSQL's unique violation (23505) when the id exists. */
    public Uni<Void> insert(SqlClient c, Reservation r) {
        return c.preparedQuery(INSERT).execute(values(r)).replaceWithVoid();
    }

    /**
     * Inserts a reservation of an unlimited reward {@code asRead}, unless it is not ACTIVE, unlimited
     * and with that limit and definition any more (false then, nothing inserted: a price or minimum
     * tier changed since the read is read again). Fails as {@link #insert} when the id exists.
     */
    public Uni<Boolean> insertWhileOpen(SqlClient c, Reservation r, Reward asRead) {
        return c.preparedQuery(INSERT_WHILE_OPEN).execute(whileOpen(r, asRead))
                .map(rows -> rows.rowCount() == 1);
    }

    /** {@link #insertWhileOpen} when it is the reservation's only write: in the next batch of such statements. */
    public Uni<Boolean> insertAloneWhileOpen(Reservation r, Reward asRead) {
        return writes.execute(INSERT_WHILE_OPEN, whileOpen(r, asRead), r.reservationId())
                .map(rows -> rows.rowCount() == 1);
    }

    /** One event of {@link #insertTaking}: its id up to the version, and its payload as written from the read. */
    public record Templated(String idBeforeVersion, String payload) {
    }

    /**
     * Takes the reservation's units of {@code asRead}'s stock and inserts it, with the reward's
     * events, in one statement (INSERT_TAKING); false when the reward's row refused (not enough
     * left, or no longer as read), nothing written then.
     */
    public Uni<Boolean> insertTaking(Reservation r, Reward asRead, String topic, Templated stockChanged,
                                     Templated upserted) {
        Tuple values = RewardRepository.asDefined(RewardRepository.withLimit(
                Tuple.of(asRead.rewardId(), r.quantity(), time(r.createdAt())), asRead), asRead);
        for (Object value : valueArray(r)) {
            values.addValue(value);
        }
        values.addString(topic).addString(stockChanged.idBeforeVersion()).addString(stockChanged.payload())
                .addString(upserted.idBeforeVersion()).addString(upserted.payload());
        // Keyed by the reward first: two batches in flight take the rewards' rows in one order.
        return writes.execute(INSERT_TAKING, values, asRead.rewardId() + " " + r.reservationId())
                .map(rows -> rows.size() == 1);
    }

    /** INSERT_WHILE_OPEN's parameters: the reservation's, then the reward's limit and terms as read. */
    private static Tuple whileOpen(Reservation r, Reward asRead) {
        return RewardRepository.asPriced(RewardRepository.withLimit(values(r), asRead), asRead);
    }

    private static Tuple values(Reservation r) {
        return Tuple.from(valueArray(r));
    }

    private static Object[] valueArray(Reservation r) {
        return new Object[] {r.reservationId(), r.rewardId(), r.memberId(), r.quantity(), r.ttlSeconds(),
                r.kind().name(), r.pointsCost(), r.status().name(), time(r.expiresAt()), r.periodKey(), r.seed(),
                r.prizeId(), r.prizeName(), r.prizeTable(), r.couponCode(), r.cause(), r.voucherValue(), r.stockTaken(), r.prizeTaken(),
                time(r.createdAt()),
                time(r.updatedAt()), r.rewardName()};
    }

    /**
     * Confirms a RESERVED reservation of {@code rewardId} still within its time, when its kind has
     * nothing else to do at confirm (GIFT, VOUCHER, LOTTERY): the reservation confirmed; null when
     * it is not such a one, for the caller to look at under a lock. In the next batch of such statements.
     */
    public Uni<Reservation> confirmPlain(String rewardId, String reservationId, Instant now) {
        return writes.execute(CONFIRM_PLAIN, Tuple.of(reservationId, rewardId, time(now)), reservationId)
                .map(rows -> rows.size() == 0 ? null : reservation(rows.iterator().next()));
    }

    private static final String CONFIRM_PLAIN = "update reservation set status = 'CONFIRMED', updated_at = $3"
            + " where reservation_id = $1 and reward_id = $2 and status = 'RESERVED' and expires_at > $3"
            + " and kind in ('GIFT', 'VOUCHER', 'LOTTERY') returning " + COLUMNS;

    public Uni<Void> updateStatus(SqlClient c, Reservation r) {
        return c.preparedQuery("update reservation set status = $2, updated_at = $3 where reservation_id = $1")
                .execute(Tuple.of(r.reservationId(), r.status().name(), time(r.updatedAt()))).replaceWithVoid();
    }

    /** Up to {@code limit} RESERVED reservations whose time ran out before {@code now}, oldest first. */
    public Uni<List<String>> expired(SqlClient c, Instant now, int limit) {
        return c.preparedQuery("select reservation_id from reservation where status = 'RESERVED' and expires_at <= $1"
                        + " order by expires_at limit $2")
                .execute(Tuple.of(time(now), limit)).map(rows -> {
                    List<String> ids = new ArrayList<>();
                    rows.forEach(row -> ids.add(row.getString("reservation_id")));
                    return ids;
                });
    }

    /** A reservation that counts against its member's limit (RESERVED or CONFIRMED). */
    public record Held(String reservationId, String memberId, int quantity, Instant createdAt) {
    }

    /** The reward's reservations that count against limits, locked (in id order) until the transaction ends. */
    public Uni<List<Held>> lockHeld(SqlClient c, String rewardId) {
        return c.preparedQuery("select reservation_id, member_id, quantity, created_at from reservation"
                        + " where reward_id = $1 and status in ('RESERVED', 'CONFIRMED') order by reservation_id for update")
                .execute(Tuple.of(rewardId)).map(rows -> {
                    List<Held> held = new ArrayList<>();
                    rows.forEach(row -> held.add(new Held(row.getString("reservation_id"), row.getString("member_id"),
                            row.getInteger("quantity"), instant(row, "created_at"))));
                    return held;
                });
    }

    /** Sets each reservation's limit period key (null: its reward has no limit now). */
    public Uni<Void> rekey(SqlClient c, List<String> reservationIds, List<String> periodKeys) {
        if (reservationIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return c.preparedQuery("update reservation set period_key = k.period_key from unnest($1::text[], $2::text[])"
                        + " as k(reservation_id, period_key) where reservation.reservation_id = k.reservation_id")
                .execute(Tuple.of(reservationIds.toArray(String[]::new), periodKeys.toArray(String[]::new)))
                .replaceWithVoid();
    }

    private static Reservation reservation(Row row) {
        return new Reservation(row.getString("reservation_id"), row.getString("reward_id"), row.getString("member_id"),
                row.getInteger("quantity"), row.getInteger("ttl_seconds"), RewardKind.valueOf(row.getString("kind")),
                row.getLong("points_cost"), ReservationStatus.valueOf(row.getString("status")),
                instant(row, "expires_at"), row.getString("period_key"), row.getString("seed"),
                row.getString("prize_id"), row.getString("prize_name"), row.getString("prize_table"),
                row.getString("coupon_code"), row.getString("cause"), row.getBigDecimal("voucher_value"),
                row.getBoolean("stock_taken"),
                row.getBoolean("prize_taken"), instant(row, "created_at"),
                instant(row, "updated_at"), row.getString("reward_name"));
    }

    private static OffsetDateTime time(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }
}
