package io.pointsplatform.kit.view;

import io.pointsplatform.events.AccountFigures;
import io.pointsplatform.events.Allocation;
import io.pointsplatform.events.Lot;
import io.pointsplatform.events.OriginKind;
import io.pointsplatform.events.Timestamps;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The view's tables: each member's figures in {@code member_account}, each lot in
 * {@code member_lot} and each open hold in {@code member_hold} (created by the migrations of each
 * service that keeps the view). An event reads and writes the few rows it names, not the member's
 * whole history, so applying one costs the same however many lots the member has.
 *
 * <p>Instants are kept as the events write them (ISO-8601 text, to the nanosecond): a
 * {@code timestamptz} keeps microseconds only, and the view must fold to exactly what the ledger
 * folds. Every statement takes arrays, a whole batch in one round trip.
 */
final class MemberPointsStore {

    /** A row of member_lot or member_hold, by member: the key the batch statements take. */
    record Key(String memberId, String id) {
    }

    private static final String FIGURES = "member_id, tier, lifetime_earned, spent, expired, reversed, debt,"
            + " adjusted_in, adjusted_out, reserved";
    private static final String LOCK = "select " + FIGURES + " from member_account where member_id = any($1::text[])"
            + " order by member_id for update";
    private static final String SNAPSHOT_READ = "set transaction isolation level repeatable read, read only";
    private static final String READ_ONE = "select " + FIGURES + " from member_account where member_id = $1";
    private static final String LOT = "member_id, lot_id, points, remaining, available_at, expires_at, origin";
    private static final String LOTS = "select " + LOT + " from member_lot where (member_id, lot_id) in"
            + " (select * from unnest($1::text[], $2::text[]))";
    private static final String LIVE_LOTS = "select " + LOT + " from member_lot where member_id = $1 and remaining > 0";
    /**
     * The holds named by their keys ($1, $2), and the open holds that take from the lots named by
     * theirs ($3, $4: the lots a points.returned gives back to), found by the primary key's member_id
     * among that member's few open holds. A hold found both ways comes twice, as the same row
     * ("union all": no sort of the rows, the map they are read into keeps one).
     */
    private static final String HOLDS = "select member_id, hold_id, lot_ids, points from member_hold"
            + " where (member_id, hold_id) in (select * from unnest($1::text[], $2::text[]))"
            + " union all select h.member_id, h.hold_id, h.lot_ids, h.points from member_hold h"
            + " join unnest($3::text[], $4::text[]) as r(member_id, lot_id)"
            + " on h.member_id = r.member_id and r.lot_id = any(h.lot_ids)";
    private static final String MEMBER_HOLDS = "select member_id, hold_id, lot_ids, points from member_hold"
            + " where member_id = $1";
    private static final String ARRAYS = "unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[],"
            + " $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[])"
            + " as u(member_id, tier, lifetime_earned, spent, expired, reversed, debt, adjusted_in, adjusted_out, reserved)";
    private static final String UPDATE_FIGURES = "update member_account m set tier = u.tier,"
            + " lifetime_earned = u.lifetime_earned, spent = u.spent, expired = u.expired, reversed = u.reversed,"
            + " debt = u.debt, adjusted_in = u.adjusted_in, adjusted_out = u.adjusted_out, reserved = u.reserved,"
            + " updated_at = $11 from " + ARRAYS + " where m.member_id = u.member_id";
    /** No "on conflict": a row that appeared since LOCK found none fails the batch, which is then retried. */
    private static final String INSERT_FIGURES = "insert into member_account (" + FIGURES + ", updated_at)"
            + " select u.*, $11 from " + ARRAYS;
    private static final String INSERT_LOTS = "insert into member_lot (" + LOT + ") select * from unnest($1::text[],"
            + " $2::text[], $3::bigint[], $4::bigint[], $5::text[], $6::text[], $7::text[])";
    /** A lot's remaining moves with debits and credits back; its expiresAt with an expiry.deferred. */
    private static final String UPDATE_LOTS = "update member_lot l set remaining = u.remaining, expires_at = u.expires_at"
            + " from unnest($1::text[], $2::text[], $3::bigint[], $4::text[]) as u(member_id, lot_id, remaining, expires_at)"
            + " where l.member_id = u.member_id and l.lot_id = u.lot_id";
    /**
     * A hold is stored as its allocations' lot ids and points, in their order. The batch's holds come
     * as one row an allocation (a hold without one as a row with a null lot), gathered back per hold:
     * one statement a batch, not one a hold.
     */
    private static final String UPSERT_HOLDS = "insert into member_hold (member_id, hold_id, lot_ids, points)"
            + " select m, h, coalesce(array_agg(l order by o) filter (where l is not null), '{}'),"
            + " coalesce(array_agg(p order by o) filter (where l is not null), '{}')"
            + " from unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::int[]) as u(m, h, l, p, o)"
            + " group by m, h on conflict (member_id, hold_id)"
            + " do update set lot_ids = excluded.lot_ids, points = excluded.points";
    private static final String DELETE_HOLDS = "delete from member_hold where (member_id, hold_id) in"
            + " (select * from unnest($1::text[], $2::text[]))";

    private MemberPointsStore() {
    }

    /** These members' figures, their rows locked in member order until the transaction ends. */
    static Uni<Map<String, AccountFigures>> lockFigures(SqlConnection connection, List<String> memberIds) {
        return connection.preparedQuery(LOCK).execute(Tuple.of(memberIds.toArray(String[]::new))).map(rows -> {
            Map<String, AccountFigures> figures = new HashMap<>(rows.size() * 2);
            for (Row row : rows) {
                figures.put(row.getString("member_id"), figures(row));
            }
            return figures;
        });
    }

    /** The lots among these keys, by key (a key with no lot is left out). */
    static Uni<Map<Key, Lot>> lots(SqlConnection connection, List<Key> keys) {
        if (keys.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return connection.preparedQuery(LOTS).execute(keyArrays(keys)).map(rows -> {
            Map<Key, Lot> lots = new HashMap<>(rows.size() * 2);
            for (Row row : rows) {
                lots.put(new Key(row.getString("member_id"), row.getString("lot_id")), lot(row));
            }
            return lots;
        });
    }

    /**
     * The open holds among these keys, and the open holds that take from any of these lots
     * ({@code lotKeys}: member and lot id), by key, in one statement.
     */
    static Uni<Map<Key, List<Allocation>>> holds(SqlConnection connection, List<Key> keys, List<Key> lotKeys) {
        if (keys.isEmpty() && lotKeys.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        Tuple arguments = Tuple.of(keys.stream().map(Key::memberId).toArray(String[]::new),
                keys.stream().map(Key::id).toArray(String[]::new),
                lotKeys.stream().map(Key::memberId).toArray(String[]::new),
                lotKeys.stream().map(Key::id).toArray(String[]::new));
        return connection.preparedQuery(HOLDS).execute(arguments).map(rows -> {
            Map<Key, List<Allocation>> holds = new HashMap<>(rows.size() * 2);
            for (Row row : rows) {
                holds.put(new Key(row.getString("member_id"), row.getString("hold_id")), allocations(row));
            }
            return holds;
        });
    }

    /** One member's figures, lots with points left and open holds, or null figures if the view has none. */
    record Member(AccountFigures figures, List<Lot> liveLots, Map<String, List<Allocation>> holds) {
    }

    /**
     * Reads the three tables in one read-only transaction at repeatable read, so that figures, lots
     * and holds come from the same commit of the view (a hold that a batch opened between two
     * reads must not show its points both in a lot and in reserved).
     */
    static Uni<Member> member(Pool pool, String memberId) {
        Tuple id = Tuple.of(memberId);
        return pool.withTransaction(connection -> connection.query(SNAPSHOT_READ).execute()
                .chain(() -> connection.preparedQuery(READ_ONE).execute(id))
                .chain(figureRows -> {
                    if (figureRows.size() == 0) {
                        return Uni.createFrom().item(new Member(null, List.of(), Map.of()));
                    }
                    AccountFigures figures = figures(figureRows.iterator().next());
                    return connection.preparedQuery(LIVE_LOTS).execute(id)
                            .chain(lotRows -> connection.preparedQuery(MEMBER_HOLDS).execute(id)
                                    .map(holdRows -> new Member(figures, lots(lotRows), holdsById(holdRows))));
                }));
    }

    static Uni<Void> updateFigures(SqlConnection connection, List<AccountFigures> figures, OffsetDateTime now) {
        return figures.isEmpty() ? Uni.createFrom().voidItem() : execute(connection, UPDATE_FIGURES, figureArrays(figures, now));
    }

    static Uni<Void> insertFigures(SqlConnection connection, List<AccountFigures> figures, OffsetDateTime now) {
        return figures.isEmpty() ? Uni.createFrom().voidItem() : execute(connection, INSERT_FIGURES, figureArrays(figures, now));
    }

    static Uni<Void> insertLots(SqlConnection connection, List<String> memberIds, List<Lot> lots) {
        if (lots.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        int n = lots.size();
        String[] ids = new String[n];
        Long[] points = new Long[n];
        Long[] remaining = new Long[n];
        String[] availableAt = new String[n];
        String[] expiresAt = new String[n];
        String[] origins = new String[n];
        for (int i = 0; i < n; i++) {
            Lot lot = lots.get(i);
            ids[i] = lot.lotId();
            points[i] = lot.points();
            remaining[i] = lot.remaining();
            availableAt[i] = lot.availableAt() == null ? null : lot.availableAt().toString();
            expiresAt[i] = lot.expiresAt().toString();
            origins[i] = lot.origin() == null ? null : lot.origin().name();
        }
        return execute(connection, INSERT_LOTS, Tuple.tuple(List.of(memberIds.toArray(String[]::new), ids, points,
                remaining, availableAt, expiresAt, origins)));
    }

    static Uni<Void> updateRemaining(SqlConnection connection, List<String> memberIds, List<Lot> lots) {
        if (lots.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return execute(connection, UPDATE_LOTS, Tuple.of(memberIds.toArray(String[]::new),
                lots.stream().map(Lot::lotId).toArray(String[]::new),
                lots.stream().map(Lot::remaining).toArray(Long[]::new),
                lots.stream().map(lot -> lot.expiresAt().toString()).toArray(String[]::new)));
    }

    static Uni<Void> putHolds(SqlConnection connection, Map<Key, List<Allocation>> holds) {
        if (holds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<String> members = new ArrayList<>();
        List<String> holdIds = new ArrayList<>();
        List<String> lotIds = new ArrayList<>();
        List<Long> points = new ArrayList<>();
        List<Integer> order = new ArrayList<>();
        holds.forEach((key, allocations) -> {
            int i = 0;
            for (Allocation allocation : allocations.isEmpty() ? Collections.<Allocation>singletonList(null) : allocations) {
                members.add(key.memberId());
                holdIds.add(key.id());
                lotIds.add(allocation == null ? null : allocation.lotId());
                points.add(allocation == null ? null : allocation.points());
                order.add(i++);
            }
        });
        return execute(connection, UPSERT_HOLDS, Tuple.of(members.toArray(String[]::new),
                holdIds.toArray(String[]::new), lotIds.toArray(String[]::new), points.toArray(Long[]::new),
                order.toArray(Integer[]::new)));
    }

    static Uni<Void> deleteHolds(SqlConnection connection, List<Key> keys) {
        return keys.isEmpty() ? Uni.createFrom().voidItem() : execute(connection, DELETE_HOLDS, keyArrays(keys));
    }

    private static Uni<Void> execute(SqlConnection connection, String sql, Tuple arguments) {
        return connection.preparedQuery(sql).execute(arguments).replaceWithVoid();
    }

    private static Tuple keyArrays(List<Key> keys) {
        return Tuple.of(keys.stream().map(Key::memberId).toArray(String[]::new),
                keys.stream().map(Key::id).toArray(String[]::new));
    }

    private static Tuple figureArrays(List<AccountFigures> all, OffsetDateTime now) {
        return Tuple.tuple(List.of(
                all.stream().map(AccountFigures::memberId).toArray(String[]::new),
                all.stream().map(AccountFigures::tier).toArray(String[]::new),
                all.stream().map(AccountFigures::lifetimeEarned).toArray(Long[]::new),
                all.stream().map(AccountFigures::spent).toArray(Long[]::new),
                all.stream().map(AccountFigures::expired).toArray(Long[]::new),
                all.stream().map(AccountFigures::reversed).toArray(Long[]::new),
                all.stream().map(AccountFigures::debt).toArray(Long[]::new),
                all.stream().map(AccountFigures::adjustedIn).toArray(Long[]::new),
                all.stream().map(AccountFigures::adjustedOut).toArray(Long[]::new),
                all.stream().map(AccountFigures::reserved).toArray(Long[]::new),
                now));
    }

    private static AccountFigures figures(Row row) {
        return new AccountFigures(row.getString("member_id"), row.getString("tier"), row.getLong("lifetime_earned"),
                row.getLong("spent"), row.getLong("expired"), row.getLong("reversed"), row.getLong("debt"),
                row.getLong("adjusted_in"), row.getLong("adjusted_out"), row.getLong("reserved"));
    }

    private static List<Lot> lots(RowSet<Row> rows) {
        List<Lot> lots = new ArrayList<>(rows.size());
        for (Row row : rows) {
            lots.add(lot(row));
        }
        return lots;
    }

    private static Lot lot(Row row) {
        String availableAt = row.getString("available_at");
        String origin = row.getString("origin");
        return new Lot(row.getString("lot_id"), row.getLong("points"), row.getLong("remaining"),
                availableAt == null ? null : Timestamps.parse(availableAt), Timestamps.parse(row.getString("expires_at")),
                origin == null ? null : OriginKind.valueOf(origin));
    }

    private static Map<String, List<Allocation>> holdsById(RowSet<Row> rows) {
        Map<String, List<Allocation>> holds = new HashMap<>(rows.size() * 2);
        for (Row row : rows) {
            holds.put(row.getString("hold_id"), allocations(row));
        }
        return holds;
    }

    private static List<Allocation> allocations(Row row) {
        String[] lotIds = row.getArrayOfStrings("lot_ids");
        Long[] points = row.getArrayOfLongs("points");
        List<Allocation> allocations = new ArrayList<>(lotIds.length);
        for (int i = 0; i < lotIds.length; i++) {
            allocations.add(new Allocation(lotIds[i], points[i]));
        }
        return List.copyOf(allocations);
    }
}
