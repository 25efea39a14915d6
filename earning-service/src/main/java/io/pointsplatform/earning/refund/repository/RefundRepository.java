package io.pointsplatform.earning.refund.repository;

import io.pointsplatform.earning.refund.service.Refund;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Refunds and their pending reversals at the ledger. */
@ApplicationScoped
public class RefundRepository {

    /** An order as a refund sees it, locked against concurrent refunds, with what was refunded before. */
    public record RefundableOrder(String memberId, long points, BigDecimal eligibleYuan, long proportionalPoints,
                                  String linesJson, String bonusesJson, BigDecimal refundedYuan, long takenPoints,
                                  String linePointsJson) {
    }

    /** A refund as stored, with the hash of the request that made it. */
    public record StoredRefund(Refund refund, String contentHash) {
    }

    private static final String COLUMNS = "refund_id, order_id, member_id, amount_yuan, points, status, taken, debt,"
            + " already_expired, failure_status, failure_code, failure_detail";

    /**
     * Locks the order's earning against concurrent refunds, then reads what was refunded of it. The
     * sums are a statement of their own, run once the lock is granted: a subquery of the locking
     * statement would read the snapshot taken before it waited, without the refund it waited for.
     */
    public Uni<RefundableOrder> lockOrder(SqlConnection connection, String orderId) {
        return connection.preparedQuery("select member_id, points, eligible_yuan, proportional, lines, bonuses,"
                        + " line_points from earning where order_id = $1 for update")
                .execute(Tuple.of(orderId)).chain(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().nullItem();
                    }
                    Row r = rows.iterator().next();
                    return connection.preparedQuery("select coalesce(sum(amount_yuan), 0) as refunded,"
                                    + " coalesce(sum(points), 0) as taken from refund"
                                    + " where order_id = $1 and status <> 'REFUSED'")
                            .execute(Tuple.of(orderId)).map(sums -> {
                                Row sum = sums.iterator().next();
                                return new RefundableOrder(r.getString("member_id"), r.getLong("points"),
                                        r.getBigDecimal("eligible_yuan"), r.getLong("proportional"),
                                        r.getString("lines"), r.getString("bonuses"), sum.getBigDecimal("refunded"),
                                        sum.getLong("taken"), r.getString("line_points"));
                            });
                });
    }

    /** Quantities refunded so far of each line of the order (by index), by refunds not refused; call under the lock. */
    public Uni<Map<Integer, Long>> refundedQuantities(SqlConnection connection, String orderId) {
        return connection.preparedQuery("select l.line_index, sum(l.quantity) as quantity from refund_line l"
                        + " join refund r on r.refund_id = l.refund_id"
                        + " where r.order_id = $1 and r.status <> 'REFUSED' group by l.line_index")
                .execute(Tuple.of(orderId)).map(rows -> {
                    Map<Integer, Long> refunded = new HashMap<>();
                    rows.forEach(row -> refunded.put(row.getInteger("line_index"), row.getLong("quantity")));
                    return refunded;
                });
    }

    /** The quantities a refund takes back of each order line (by index); after the refund's row. */
    public Uni<Void> insertLines(SqlConnection connection, String refundId, Map<Integer, Long> quantities) {
        if (quantities.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Tuple> rows = new ArrayList<>();
        quantities.forEach((index, quantity) -> rows.add(Tuple.of(refundId, index, quantity)));
        return connection.preparedQuery("insert into refund_line (refund_id, line_index, quantity) values ($1, $2, $3)")
                .executeBatch(rows).replaceWithVoid();
    }

    /** The refund with that id and the hash of its content, or null. */
    public Uni<StoredRefund> find(SqlClient client, String refundId) {
        return client.preparedQuery("select " + COLUMNS + ", content_hash from refund where refund_id = $1")
                .execute(Tuple.of(refundId))
                .map(rows -> rows.size() == 0 ? null : new StoredRefund(refund(rows.iterator().next(), false),
                        rows.iterator().next().getString("content_hash")));
    }

    public Uni<Void> insert(SqlConnection connection, Refund refund, String contentHash) {
        return connection.preparedQuery("insert into refund (refund_id, order_id, member_id, content_hash, amount_yuan,"
                        + " points, status) values ($1, $2, $3, $4, $5, $6, $7)")
                .execute(Tuple.from(new Object[] {refund.refundId(), refund.orderId(), refund.memberId(), contentHash,
                        refund.amount(), refund.points(), refund.status()}))
                .replaceWithVoid();
    }

    /** Pending reversals whose next attempt is due, oldest first, at most {@code limit}. */
    public Uni<List<Refund>> due(SqlClient client, int limit) {
        return client.preparedQuery("select " + COLUMNS + " from refund where status = 'PENDING'"
                        + " and next_attempt_at <= now() order by next_attempt_at limit $1")
                .execute(Tuple.of(limit)).map(rows -> {
                    List<Refund> due = new ArrayList<>();
                    rows.forEach(row -> due.add(refund(row, false)));
                    return due;
                });
    }

    public Uni<Void> confirm(SqlClient client, String refundId, long taken, long debt, long alreadyExpired) {
        return client.preparedQuery("update refund set status = 'CONFIRMED', taken = $2, debt = $3,"
                        + " already_expired = $4, last_error = null where refund_id = $1 and status = 'PENDING'")
                .execute(Tuple.of(refundId, taken, debt, alreadyExpired)).replaceWithVoid();
    }

    /** The ledger will never take this reversal: what it answered is kept as the refund's failure. */
    public Uni<Void> refuse(SqlClient client, String refundId, Refund.Failure failure) {
        return client.preparedQuery("update refund set status = 'REFUSED', last_error = null, failure_status = $2,"
                        + " failure_code = $3, failure_detail = $4 where refund_id = $1 and status = 'PENDING'")
                .execute(Tuple.of(refundId, failure.status(), failure.code(), failure.detail())).replaceWithVoid();
    }

    /**
     * Another attempt later: backoff doubles from one second up to {@code maxBackoffSeconds}. The
     * attempt that makes {@code maxAttempts} gives up instead: the refund is FAILED, with
     * {@code lastStatus} (null when the ledger did not answer) and {@code error} as its failure.
     * Returns the refund's status after the update (null if it was no longer pending).
     */
    public Uni<String> retryLater(SqlClient client, String refundId, String error, Integer lastStatus,
                                  int maxBackoffSeconds, int maxAttempts) {
        return client.preparedQuery("""
                        update refund set attempts = attempts + 1, last_error = $2,
                            status = case when attempts + 1 >= $5 then 'FAILED' else status end,
                            failure_status = case when attempts + 1 >= $5 then $3::int end,
                            failure_code = case when attempts + 1 >= $5 then 'RETRIES_EXHAUSTED' end,
                            failure_detail = case when attempts + 1 >= $5
                                then 'not confirmed after ' || (attempts + 1) || ' attempts; the last: ' || $2 end,
                            next_attempt_at = now() + make_interval(secs => least($4, power(2, least(attempts, 20))))
                        where refund_id = $1 and status = 'PENDING'
                        returning status""")
                .execute(Tuple.from(new Object[] {refundId, error, lastStatus, maxBackoffSeconds, maxAttempts}))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString("status"));
    }

    /** A FAILED refund repeated by its client: pending again, with a fresh count of attempts, due now. */
    public Uni<Void> reopen(SqlConnection connection, String refundId) {
        return connection.preparedQuery("update refund set status = 'PENDING', attempts = 0, next_attempt_at = now(),"
                        + " failure_status = null, failure_code = null, failure_detail = null"
                        + " where refund_id = $1 and status = 'FAILED'")
                .execute(Tuple.of(refundId)).replaceWithVoid();
    }

    private static Refund refund(Row row, boolean created) {
        String failureCode = row.getString("failure_code");
        Refund.Failure failure = failureCode == null ? null
                : new Refund.Failure(row.getInteger("failure_status"), failureCode, row.getString("failure_detail"));
        return new Refund(row.getString("refund_id"), row.getString("order_id"), row.getString("member_id"),
                row.getBigDecimal("amount_yuan"), row.getLong("points"), row.getString("status"), row.getLong("taken"),
                row.getLong("debt"), row.getLong("already_expired"), failure, created);
    }
}
