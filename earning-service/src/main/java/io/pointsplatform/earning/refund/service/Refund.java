package io.pointsplatform.earning.refund.service;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;

/**
 * A refund of an order and the points it takes back. {@code status}: PENDING until the ledger has
 * confirmed the reversal (CONFIRMED, with what it {@code taken} and the {@code debt} it left), or
 * REFUSED when the ledger answered 409 REVERSAL_CONFLICT.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Refund(String refundId, String orderId, String memberId, BigDecimal amount, long points, String status,
                     Long taken, Long debt, @JsonIgnore boolean created) {
}
