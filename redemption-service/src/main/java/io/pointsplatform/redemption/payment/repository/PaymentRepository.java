package io.pointsplatform.redemption.payment.repository;

import io.pointsplatform.kit.problem.ApiException;
import io.pointsplatform.redemption.payment.service.Payment;
import io.pointsplatform.redemption.payment.service.PaymentRefund;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Every statement on {@code payment}, {@code payment_refund} and {@code payment_code}. */
@ApplicationScoped
public class PaymentRepository {

    private static final String COLUMNS = "payment_id, order_id, member_id, order_amount, currency, points, amount,"
            + " status, hold_expires_at, refunded_amount, refunded_points, request_hash, created_at, updated_at, shop_id,"
            + " hold_ttl_seconds";

    private final Pool pool;

    public PaymentRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * What {@link #admit} did with a new payment, the points the order's other live payments hold,
     * and, when the member's payment code was refused, why.
     */
    public record Admission(Outcome outcome, long pointsTaken, CodeRefusal codeRefusal) {

        Admission(Outcome outcome, long pointsTaken) {
            this(outcome, pointsTaken, null);
        }
    }

    /** Why a member's payment code did not admit a payment. */
    public enum CodeRefusal {
        /** No such code, or another member's. */
        UNKNOWN,
        /** Past its expiry. */
        EXPIRED,
        /** Used by another payment. */
        USED
    }

    /** What {@link #admit} did with a new payment. */
    public enum Outcome {
        /** Recorded PENDING. */
        RECORDED,
        /** Its id exists: a repeat, or a conflict the caller checks by the request's hash. */
        KNOWN,
        /** With the order's other live payments its points would pass the cap. */
        OVER_CAP,
        /** The order's live payments name another member, order amount, currency or shop. */
        OTHER_TERMS,
        /** The member's payment code does not admit it ({@link Admission#codeRefusal} says why). */
        CODE_REFUSED
    }

    /**
     * Records a new payment PENDING, unless the order's live payments (PENDING, HELD, CAPTURED) name
     * other terms or, with its points, would pass {@code cap}: the cap is the order's, not each
     * payment's. Payments of one order take a transaction lock on the order id first, so two sent at
     * once cannot both fit under the cap. {@code codeHash} (null: none was sent) is the member's
     * payment code: it must be the payment's member's, unexpired at {@code p.createdAt()} and unused,
     * and it is used by this payment in the same transaction.
     */
    public Uni<Admission> admit(Payment p, long cap, String codeHash) {
        return pool.withTransaction(c -> c.preparedQuery("select pg_advisory_xact_lock(hashtextextended($1, 20))")
                .execute(Tuple.of("payment-order:" + p.orderId()))
                // The payment's own id in any state (a repeat of a closed payment is a repeat, not a new
                // payment judged against the cap: until 2026-12-06 it could be refused POINTS_CAP_EXCEEDED).
                .chain(() -> c.preparedQuery("select payment_id, member_id, order_amount, currency, points, shop_id from payment"
                        + " where (order_id = $1 and status in ('PENDING', 'HELD', 'CAPTURED')) or payment_id = $2"
                        + " order by payment_id = $2 desc").execute(Tuple.of(p.orderId(), p.paymentId())))
                .chain(live -> {
                    long taken = 0;
                    for (Row row : live) {
                        if (row.getString("payment_id").equals(p.paymentId())) {
                            return Uni.createFrom().item(new Admission(Outcome.KNOWN, 0));
                        }
                        String shop = row.getString("shop_id");
                        if (!row.getString("member_id").equals(p.memberId()) || !row.getString("currency").equals(p.currency())
                                || row.getBigDecimal("order_amount").compareTo(p.orderAmount()) != 0
                                || (shop != null && !shop.equals(p.shopId()))) {
                            return Uni.createFrom().item(new Admission(Outcome.OTHER_TERMS, 0));
                        }
                        taken += row.getLong("points");
                    }
                    long pointsTaken = taken;
                    if (pointsTaken + p.points() > cap) {
                        return Uni.createFrom().item(new Admission(Outcome.OVER_CAP, pointsTaken));
                    }
                    return useCode(c, p, codeHash).chain(refusal -> refusal != null
                            ? Uni.createFrom().item(new Admission(Outcome.CODE_REFUSED, pointsTaken, refusal))
                            : c.preparedQuery("insert into payment (payment_id, order_id, member_id, order_amount, currency,"
                                    + " points, amount, status, request_hash, created_at, updated_at, shop_id, hold_ttl_seconds)"
                                    + " values ($1, $2, $3, $4, $5, $6, $7, 'PENDING', $8, $9, $9, $10, $11)"
                                    + " on conflict (payment_id) do nothing")
                            .execute(Tuple.from(new Object[] {p.paymentId(), p.orderId(), p.memberId(), p.orderAmount(),
                                    p.currency(), p.points(), p.amount(), p.requestHash(), utc(p.createdAt()), p.shopId(),
                                    p.holdTtlSeconds()}))
                            .chain(rows -> rows.rowCount() == 1 || codeHash == null
                                    ? Uni.createFrom().item(rows.rowCount() == 1 ? Outcome.RECORDED : Outcome.KNOWN)
                                    // Its id was taken meanwhile on another order: the code stays unused.
                                    : c.preparedQuery("update payment_code set payment_id = null, used_at = null"
                                            + " where code_hash = $1").execute(Tuple.of(codeHash)).replaceWith(Outcome.KNOWN))
                            .map(outcome -> new Admission(outcome, pointsTaken)));
                }));
    }

    /**
     * Uses the member's payment code for {@code p} (nothing when {@code codeHash} is null): null when
     * it was used, else why not. The payment's insert follows in the same transaction, so a refusal of
     * the payment after this (none today) would roll the use back with it.
     */
    private static Uni<CodeRefusal> useCode(SqlConnection c, Payment p, String codeHash) {
        if (codeHash == null) {
            return Uni.createFrom().nullItem();
        }
        return c.preparedQuery("update payment_code set payment_id = $2, used_at = $4 where code_hash = $1"
                        + " and member_id = $3 and expires_at > $4 and payment_id is null")
                .execute(Tuple.of(codeHash, p.paymentId(), p.memberId(), utc(p.createdAt())))
                .chain(used -> used.rowCount() == 1 ? Uni.createFrom().<CodeRefusal>nullItem()
                        : c.preparedQuery("select member_id, expires_at, payment_id from payment_code where code_hash = $1")
                        .execute(Tuple.of(codeHash)).map(rows -> {
                            if (rows.size() == 0) {
                                return CodeRefusal.UNKNOWN;
                            }
                            Row code = rows.iterator().next();
                            if (!code.getString("member_id").equals(p.memberId())) {
                                return CodeRefusal.UNKNOWN;
                            }
                            return code.getString("payment_id") != null ? CodeRefusal.USED : CodeRefusal.EXPIRED;
                        }));
    }

    /** Records a member's new payment code (by its hash); false when the hash exists already (make another). */
    public Uni<Boolean> recordCode(String codeHash, String memberId, Instant createdAt, Instant expiresAt) {
        return pool.preparedQuery("insert into payment_code (code_hash, member_id, created_at, expires_at)"
                        + " values ($1, $2, $3, $4) on conflict (code_hash) do nothing")
                .execute(Tuple.of(codeHash, memberId, utc(createdAt), utc(expiresAt)))
                .map(rows -> rows.rowCount() == 1);
    }

    /** Deletes payment codes that lapsed before {@code before}, used or not: up to {@code limit}; the number. */
    public Uni<Integer> forgetCodes(Instant before, int limit) {
        return pool.preparedQuery("delete from payment_code where code_hash in (select code_hash from payment_code"
                        + " where expires_at < $1 limit $2)")
                .execute(Tuple.of(utc(before), limit)).map(RowSet::rowCount);
    }

    /**
     * The order's payments still recorded PENDING or HELD whose hold has lapsed by {@code now} (HELD
     * past {@code hold_expires_at}; PENDING older than its hold's TTL, as recorded or else
     * {@code holdTtlSetting}): nobody read them since, so they still count against the order's cap
     * until they are settled.
     */
    public Uni<List<Payment>> lapsedOf(String orderId, Instant now, long holdTtlSetting) {
        return pool.preparedQuery("select " + COLUMNS + " from payment where order_id = $1 and ((status = 'HELD'"
                        + " and hold_expires_at <= $2) or (status = 'PENDING'"
                        + " and created_at + make_interval(secs => coalesce(hold_ttl_seconds, $3)) <= $2))")
                .execute(Tuple.of(orderId, utc(now), holdTtlSetting))
                .map(rows -> {
                    List<Payment> lapsed = new ArrayList<>();
                    for (Row row : rows) {
                        lapsed.add(payment(row));
                    }
                    return lapsed;
                });
    }

    public Uni<Payment> find(String paymentId) {
        return pool.preparedQuery("select " + COLUMNS + " from payment where payment_id = $1")
                .execute(Tuple.of(paymentId)).map(PaymentRepository::first);
    }

    /** Moves a payment from one of {@code from} to {@code to}; null when it was in none of them. */
    public Uni<Payment> move(String paymentId, List<String> from, String to, Instant holdExpiresAt, Instant now) {
        return pool.preparedQuery("update payment set status = $3, hold_expires_at = coalesce($4, hold_expires_at),"
                        + " updated_at = $5 where payment_id = $1 and status = any($2) returning " + COLUMNS)
                .execute(Tuple.of(paymentId, from.toArray(String[]::new), to, utc(holdExpiresAt), utc(now)))
                .map(PaymentRepository::first);
    }

    /**
     * A refused hold changed nothing: the PENDING payment is forgotten, so the same id may be tried
     * again, and the member's payment code it used is free again (for it or another payment).
     */
    public Uni<Void> forget(String paymentId) {
        return pool.preparedQuery("with forgotten as (delete from payment where payment_id = $1 and status = 'PENDING'"
                        + " returning payment_id) update payment_code set payment_id = null, used_at = null"
                        + " where payment_id in (select payment_id from forgotten)")
                .execute(Tuple.of(paymentId)).replaceWithVoid();
    }

    public Uni<List<PaymentRefund>> refunds(String paymentId) {
        return pool.preparedQuery("select payment_id, refund_id, amount, points, status, created_at from payment_refund"
                        + " where payment_id = $1 order by created_at, refund_id")
                .execute(Tuple.of(paymentId)).map(rows -> {
                    List<PaymentRefund> list = new ArrayList<>();
                    rows.forEach(row -> list.add(refund(row)));
                    return list;
                });
    }

    /**
     * Records a refund under the payment's row lock: {@code points} computes its points from the
     * payment as it stands (refunds so far), and the payment's totals grow by it. An existing
     * refund id is answered as it was recorded (the caller compares the amount).
     */
    public Uni<PaymentRefund> recordRefund(String paymentId, String refundId, BigDecimal amount,
                                           Function<Payment, Long> points, Instant now) {
        return pool.withTransaction(c -> c.preparedQuery("select " + COLUMNS + " from payment where payment_id = $1"
                        + " for update").execute(Tuple.of(paymentId))
                .map(PaymentRepository::first)
                .chain(payment -> c.preparedQuery("select payment_id, refund_id, amount, points, status, created_at"
                                + " from payment_refund where payment_id = $1 and refund_id = $2")
                        .execute(Tuple.of(paymentId, refundId))
                        .chain(existing -> {
                            if (existing.size() > 0) {
                                return Uni.createFrom().item(refund(existing.iterator().next()));
                            }
                            if (payment == null) {
                                throw ApiException.notFound("Payment", paymentId);
                            }
                            if (!Payment.CAPTURED.equals(payment.status())) {
                                throw ApiException.conflict("PAYMENT_NOT_CAPTURED", "Payment '" + paymentId + "' is "
                                        + payment.status() + ": only a captured payment is refunded");
                            }
                            long back = points.apply(payment);
                            return c.preparedQuery("insert into payment_refund (payment_id, refund_id, amount, points,"
                                            + " status, created_at) values ($1, $2, $3, $4, 'PENDING', $5)")
                                    .execute(Tuple.of(paymentId, refundId, amount, back, utc(now)))
                                    .chain(() -> c.preparedQuery("update payment set refunded_amount = refunded_amount"
                                                    + " + $2, refunded_points = refunded_points + $3, updated_at = $4"
                                                    + " where payment_id = $1")
                                            .execute(Tuple.of(paymentId, amount, back, utc(now))))
                                    .replaceWith(new PaymentRefund(paymentId, refundId, amount, back, "PENDING", now));
                        })));
    }

    /** Refunds recorded but not yet given back at the ledger (it did not answer), older than {@code before}. */
    public Uni<List<PaymentRefund>> pendingRefunds(Instant before, int limit) {
        return pool.preparedQuery("select payment_id, refund_id, amount, points, status, created_at from payment_refund"
                        + " where status = 'PENDING' and created_at < $1 order by created_at limit $2")
                .execute(Tuple.of(utc(before), limit)).map(rows -> {
                    List<PaymentRefund> list = new ArrayList<>();
                    rows.forEach(row -> list.add(refund(row)));
                    return list;
                });
    }

    public Uni<Void> refundDone(String paymentId, String refundId) {
        return pool.preparedQuery("update payment_refund set status = 'DONE' where payment_id = $1 and refund_id = $2")
                .execute(Tuple.of(paymentId, refundId)).replaceWithVoid();
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    private static Payment first(RowSet<Row> rows) {
        return rows.size() == 0 ? null : payment(rows.iterator().next());
    }

    private static Payment payment(Row row) {
        return new Payment(row.getString("payment_id"), row.getString("order_id"), row.getString("member_id"),
                row.getBigDecimal("order_amount"), row.getString("currency"), row.getLong("points"),
                row.getBigDecimal("amount"), row.getString("status"), instant(row, "hold_expires_at"),
                row.getBigDecimal("refunded_amount"), row.getLong("refunded_points"), row.getString("request_hash"),
                instant(row, "created_at"), instant(row, "updated_at"), row.getString("shop_id"),
                row.getLong("hold_ttl_seconds"));
    }

    private static PaymentRefund refund(Row row) {
        return new PaymentRefund(row.getString("payment_id"), row.getString("refund_id"), row.getBigDecimal("amount"),
                row.getLong("points"), row.getString("status"), instant(row, "created_at"));
    }

    private static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }
}
