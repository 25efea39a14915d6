package io.pointsplatform.earning.refund.service;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;

/**
 * A refund of an order and the points it takes back. {@code status}: PENDING until the ledger has
 * confirmed the reversal (CONFIRMED, with what it {@code taken}, the {@code debt} it left, and
 * what it did not take since it had already expired from the order's points, {@code alreadyExpired});
 * REFUSED when the ledger answered that it never will (409, 400 or 422; its answer is the
 * {@code failure}); FAILED when earning gave up after {@code points.refunds.max-attempts}
 * attempts ({@code failure} says why; a repeat of the refund reopens it).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Refund(String refundId, String orderId, String memberId, BigDecimal amount, long points, String status,
                     Long taken, Long debt, Long alreadyExpired, Failure failure, @JsonIgnore boolean created) {

    public static final String PENDING = "PENDING";
    public static final String CONFIRMED = "CONFIRMED";
    public static final String REFUSED = "REFUSED";
    public static final String FAILED = "FAILED";

    /** Why a reversal was not taken: the ledger's last HTTP status (if it answered), a machine code, a sentence. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Failure(Integer status, String code, String detail) {
    }

    public Refund created(boolean isNew) {
        return new Refund(refundId, orderId, memberId, amount, points, status, taken, debt, alreadyExpired, failure,
                isNew);
    }

    public Refund reopened() {
        return new Refund(refundId, orderId, memberId, amount, points, PENDING, null, null, null, null, created);
    }
}
