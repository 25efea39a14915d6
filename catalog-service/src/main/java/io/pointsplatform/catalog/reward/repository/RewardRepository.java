package io.pointsplatform.catalog.reward.repository;

import io.pointsplatform.catalog.reward.model.LimitPeriod;
import io.pointsplatform.catalog.reward.model.PerMemberLimit;
import io.pointsplatform.catalog.reward.model.Prize;
import io.pointsplatform.catalog.reward.model.Reward;
import io.pointsplatform.catalog.reward.model.RewardKind;
import io.pointsplatform.catalog.reward.model.RewardStatus;
import io.pointsplatform.catalog.reward.model.Visibility;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Every statement on rewards and their prize tables. */
@ApplicationScoped
public class RewardRepository {

    private static final String COLUMNS = "reward_id, name, kind, points_cost, stock, limit_count, limit_period, min_tier,"
            + " valid_from, valid_until, visibility, status, voucher_value, cause, version, created_at, updated_at";

    /**
     * The class of every reward's gate, a transaction-level advisory lock keyed (class, hashtext(reward
     * id)): the two-int form, so it never meets a lock taken by one bigint (the outbox relay's).
     */
    private static final int GATE = 20;

    /** A reward's stock levels after a change, and the version that change made. */
    public record StockLevel(Long stock, long version) {
    }

    /**
     * The reward's gate taken shared, as a FROM item of a reservation's statement whose parameter
     * {@code $rewardIdParameter} is the reward id: the first lock of every reservation, before the
     * member's limit row and the reward's row. A change takes the gate alone ({@link #closeGate}) before
     * it counts the reservations held, so no reservation is half made (its limit counted under the
     * period it read, not yet inserted) while the counts are made again. The lock is the transaction's:
     * taken again by a later statement of the same reservation, it is already held.
     */
    public static String sharedGate(int rewardIdParameter) {
        return "(select pg_advisory_xact_lock_shared(" + GATE + ", hashtext($" + rewardIdParameter + "))) as gate";
    }

    /**
     * The condition that the reward (as {@code table}) is still ACTIVE with the per-member limit a
     * reservation read ({@code $countParameter} the count, null for none; {@code $periodParameter}
     * its period): checked under the reward row's lock, so a retire or a change of the limit committed
     * meanwhile is seen (PostgreSQL checks a row updated while it waited again, as it is now).
     */
    public static String activeWithLimit(String table, int countParameter, int periodParameter) {
        return table + ".status = 'ACTIVE' and " + table + ".limit_count is not distinct from $" + countParameter
                + " and (" + table + ".limit_count is null or " + table + ".limit_period = $" + periodParameter + ")";
    }

    /**
     * The condition that the reward ({@code table}) still has the definition a reservation read, but
     * for its stock, status and limit ({@link #activeWithLimit} checks those): the nine parameters
     * from {@code $first} are {@link #asDefined}'s. What a statement that writes the reward's events
     * from the read (and only its stock from the row) checks under the row's lock.
     */
    public static String definedAsRead(String table, int first) {
        return "(" + table + ".name, " + table + ".visibility) is not distinct from ($" + first + "::text, $"
                + (first + 1) + "::text) and " + pricedAsRead(table, first + 2);
    }

    /** {@code values} followed by {@code r}'s definition as {@link #definedAsRead} compares it. */
    public static Tuple asDefined(Tuple values, Reward r) {
        return asPriced(values.addString(r.name()).addString(r.visibility().name()), r);
    }

    /**
     * The condition that the reward ({@code table}) is still priced and admitted as a reservation
     * read it: its kind, points, minimum tier, window, voucher value and cause; not its name or
     * visibility, which a reservation only records, so that renaming a reward while it sells does not
     * send its reservations back to read it again. The seven parameters from {@code $first} are
     * {@link #asPriced}'s. What a reservation that writes no event from its read checks under the lock;
     * {@link #definedAsRead} is this and the rest of the definition.
     */
    public static String pricedAsRead(String table, int first) {
        return "(" + table + ".kind, " + table + ".points_cost, " + table + ".min_tier, " + table + ".valid_from, "
                + table + ".valid_until, " + table + ".voucher_value, " + table + ".cause) is not distinct from ($"
                + first + "::text, $" + (first + 1) + "::bigint, $" + (first + 2) + "::text, $" + (first + 3)
                + "::timestamptz, $" + (first + 4) + "::timestamptz, $" + (first + 5) + "::numeric, $" + (first + 6)
                + "::text)";
    }

    /** {@code values} followed by {@code r}'s terms as {@link #pricedAsRead} compares them. */
    public static Tuple asPriced(Tuple values, Reward r) {
        return values.addString(r.kind().name()).addLong(r.pointsCost()).addString(r.minTier())
                .addValue(time(r.validFrom())).addValue(time(r.validUntil())).addValue(r.voucherValue())
                .addString(r.cause());
    }

    /** Whether two reads of a reward have the definition {@link #definedAsRead} compares. */
    public static boolean sameDefinition(Reward a, Reward b) {
        return java.util.Objects.equals(a.name(), b.name()) && a.kind() == b.kind() && a.pointsCost() == b.pointsCost()
                && java.util.Objects.equals(a.minTier(), b.minTier())
                && java.util.Objects.equals(a.validFrom(), b.validFrom())
                && java.util.Objects.equals(a.validUntil(), b.validUntil()) && a.visibility() == b.visibility()
                && (a.voucherValue() == null ? b.voucherValue() == null
                        : b.voucherValue() != null && a.voucherValue().compareTo(b.voucherValue()) == 0)
                && java.util.Objects.equals(a.cause(), b.cause());
    }

    /** The count and period of {@code r}'s limit, as {@link #activeWithLimit} compares them. */
    public static Tuple withLimit(Tuple values, Reward r) {
        return values.addValue(r.perMemberLimit() == null ? null : r.perMemberLimit().count())
                .addValue(r.perMemberLimit() == null ? null : r.perMemberLimit().period().name());
    }

    /**
     * Takes the reward's gate alone until the transaction ends: waits for every reservation of it in
     * progress to end, and keeps new ones waiting (they read the change once it is committed).
     */
    public Uni<Void> closeGate(SqlClient c, String rewardId) {
        return c.preparedQuery("select pg_advisory_xact_lock(" + GATE + ", hashtext($1))").execute(Tuple.of(rewardId))
                .replaceWithVoid();
    }

    public Uni<Reward> find(SqlClient c, String rewardId) {
        return find(c, rewardId, "");
    }

    /**
     * The reward, its row locked until the transaction ends: what a change of the definition reads,
     * so that a take or a give-back of its stock waits for the change rather than being written over
     * by the stock (and version) the change read.
     */
    public Uni<Reward> lock(SqlClient c, String rewardId) {
        return find(c, rewardId, " for update");
    }

    private Uni<Reward> find(SqlClient c, String rewardId, String lock) {
        return c.preparedQuery("select " + COLUMNS + " from reward where reward_id = $1" + lock)
                .execute(Tuple.of(rewardId))
                .chain(rows -> rows.size() == 0 ? Uni.createFrom().nullItem()
                        : withPrizes(c, List.of(rows.iterator().next())).map(list -> list.get(0)));
    }

    /**
     * A page by id after {@code after}; {@code publicOnly} leaves out HIDDEN and RETIRED rewards
     * (what members and checkout see).
     */
    public Uni<List<Reward>> page(SqlClient c, String after, int limit, boolean publicOnly) {
        String where = publicOnly ? " and visibility = 'PUBLIC' and status = 'ACTIVE'" : "";
        return c.preparedQuery("select " + COLUMNS + " from reward where reward_id > $1" + where
                        + " order by reward_id limit $2")
                .execute(Tuple.of(after == null ? "" : after, limit))
                .chain(rows -> {
                    List<Row> list = new ArrayList<>();
                    rows.forEach(list::add);
                    return withPrizes(c, list);
                });
    }

    public Uni<Void> insert(SqlClient c, Reward r) {
        return c.preparedQuery("insert into reward (" + COLUMNS + ") values ($1, $2, $3, $4, $5, $6, $7, $8, $9,"
                        + " $10, $11, $12, $13, $14, $15, $16, $17)")
                .execute(definition(r).addLong(r.version()).addValue(time(r.createdAt())).addValue(time(r.updatedAt())))
                .chain(() -> insertPrizes(c, r));
    }

    /** Writes the whole definition and version of an existing reward; its prize table is replaced. */
    public Uni<Void> update(SqlClient c, Reward r) {
        return c.preparedQuery("update reward set name = $2, kind = $3, points_cost = $4, stock = $5, limit_count = $6,"
                        + " limit_period = $7, min_tier = $8, valid_from = $9, valid_until = $10, visibility = $11,"
                        + " status = $12, voucher_value = $13, cause = $14, version = $15, updated_at = $16"
                        + " where reward_id = $1")
                .execute(definition(r).addLong(r.version()).addValue(time(r.updatedAt())))
                .chain(() -> c.preparedQuery("delete from reward_prize where reward_id = $1").execute(Tuple.of(r.rewardId())))
                .chain(() -> insertPrizes(c, r));
    }

    /**
     * Takes {@code quantity} units of the reward's stock, never below zero, behind its gate; null
     * when there are not enough left, or when it is no longer ACTIVE with the limit and the terms it
     * was read with ({@link #activeWithLimit}, {@link #pricedAsRead}: a price or minimum tier changed
     * after the read is not reserved at the old one). Unlimited stock stays null.
     */
    public Uni<StockLevel> take(SqlClient c, Reward asRead, int quantity, Instant now) {
        return c.preparedQuery("update reward set stock = stock - $2, version = version + 1, updated_at = $3 from "
                        + sharedGate(1) + " where reward_id = $1 and (stock is null or stock >= $2) and "
                        + activeWithLimit("reward", 4, 5) + " and " + pricedAsRead("reward", 6) + " returning stock, version")
                .execute(asPriced(withLimit(Tuple.of(asRead.rewardId(), quantity, time(now)), asRead), asRead))
                .map(RewardRepository::level);
    }

    /** Gives {@code quantity} units back (unlimited stays null; 0 only moves the version, for a prize given back). */
    public Uni<StockLevel> giveBack(SqlClient c, String rewardId, int quantity, Instant now) {
        return c.preparedQuery("update reward set stock = stock + $2, version = version + 1, updated_at = $3"
                        + " where reward_id = $1 returning stock, version")
                .execute(Tuple.of(rewardId, quantity, time(now))).map(RewardRepository::level);
    }

    /** Locks a lottery's prize rows (in table order) for a draw, and answers them. */
    public Uni<List<Prize>> lockPrizes(SqlClient c, String rewardId) {
        return c.preparedQuery("select prize_id, name, odds_ppm, stock from reward_prize where reward_id = $1"
                        + " order by position for update")
                .execute(Tuple.of(rewardId)).map(rows -> {
                    List<Prize> prizes = new ArrayList<>();
                    rows.forEach(row -> prizes.add(prize(row)));
                    return prizes;
                });
    }

    /**
     * Takes one of a prize, never below zero: null when none is left (or the prize is gone); else
     * whether a unit of a limited stock was taken (false: the prize is unlimited, nothing to give back).
     */
    public Uni<Boolean> takePrize(SqlClient c, String rewardId, String prizeId) {
        return c.preparedQuery("update reward_prize set stock = stock - 1 where reward_id = $1 and prize_id = $2"
                        + " and (stock is null or stock >= 1) returning stock")
                .execute(Tuple.of(rewardId, prizeId))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getInteger("stock") != null);
    }

    /** Gives one of a prize back, if the prize is still in the table. */
    public Uni<Void> giveBackPrize(SqlClient c, String rewardId, String prizeId) {
        return c.preparedQuery("update reward_prize set stock = stock + 1 where reward_id = $1 and prize_id = $2")
                .execute(Tuple.of(rewardId, prizeId)).replaceWithVoid();
    }

    private Uni<Void> insertPrizes(SqlClient c, Reward r) {
        if (r.prizes().isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Tuple> rows = new ArrayList<>();
        for (int i = 0; i < r.prizes().size(); i++) {
            Prize p = r.prizes().get(i);
            rows.add(Tuple.of(r.rewardId(), i, p.prizeId(), p.name(), p.oddsPpm(), p.stock()));
        }
        return c.preparedQuery("insert into reward_prize (reward_id, position, prize_id, name, odds_ppm, stock)"
                + " values ($1, $2, $3, $4, $5, $6)").executeBatch(rows).replaceWithVoid();
    }

    private Uni<List<Reward>> withPrizes(SqlClient c, List<Row> rows) {
        List<String> lotteries = rows.stream().filter(row -> RewardKind.LOTTERY.name().equals(row.getString("kind")))
                .map(row -> row.getString("reward_id")).toList();
        Uni<Map<String, List<Prize>>> prizes = lotteries.isEmpty() ? Uni.createFrom().item(Map.of())
                : c.preparedQuery("select reward_id, prize_id, name, odds_ppm, stock from reward_prize"
                                + " where reward_id = any($1) order by reward_id, position")
                        .execute(Tuple.of(lotteries.toArray(String[]::new))).map(found -> {
                            Map<String, List<Prize>> byReward = new HashMap<>();
                            found.forEach(row -> byReward.computeIfAbsent(row.getString("reward_id"),
                                    id -> new ArrayList<>()).add(prize(row)));
                            return byReward;
                        });
        return prizes.map(byReward -> rows.stream()
                .map(row -> reward(row, byReward.getOrDefault(row.getString("reward_id"), List.of()))).toList());
    }

    private static Tuple definition(Reward r) {
        return Tuple.from(new Object[] {r.rewardId(), r.name(), r.kind().name(), r.pointsCost(), r.stock(),
                r.perMemberLimit() == null ? null : r.perMemberLimit().count(),
                r.perMemberLimit() == null ? LimitPeriod.LIFETIME.name() : r.perMemberLimit().period().name(),
                r.minTier(), time(r.validFrom()), time(r.validUntil()), r.visibility().name(), r.status().name(),
                r.voucherValue(), r.cause()});
    }

    private static Reward reward(Row row, List<Prize> prizes) {
        Integer count = row.getInteger("limit_count");
        return new Reward(row.getString("reward_id"), row.getString("name"), RewardKind.valueOf(row.getString("kind")),
                row.getLong("points_cost"), row.getLong("stock"),
                count == null ? null : new PerMemberLimit(count, LimitPeriod.valueOf(row.getString("limit_period"))),
                row.getString("min_tier"), instant(row, "valid_from"), instant(row, "valid_until"),
                Visibility.valueOf(row.getString("visibility")), RewardStatus.valueOf(row.getString("status")),
                row.getBigDecimal("voucher_value"), prizes, row.getString("cause"), row.getLong("version"),
                instant(row, "created_at"), instant(row, "updated_at"));
    }

    private static Prize prize(Row row) {
        return new Prize(row.getString("prize_id"), row.getString("name"),
                BigDecimal.valueOf(row.getInteger("odds_ppm"), 6).stripTrailingZeros(), row.getLong("stock"));
    }

    private static StockLevel level(RowSet<Row> rows) {
        if (rows.size() == 0) {
            return null;
        }
        Row row = rows.iterator().next();
        return new StockLevel(row.getLong("stock"), row.getLong("version"));
    }

    static OffsetDateTime time(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }
}
