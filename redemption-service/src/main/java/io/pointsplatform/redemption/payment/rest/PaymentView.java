package io.pointsplatform.redemption.payment.rest;

import io.pointsplatform.redemption.payment.service.Payment;
import io.pointsplatform.redemption.payment.service.PaymentRefund;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A payment with points, as checkout and the member see it. */
@Schema(name = "Payment", description = "Points used as payment for an order")
public record PaymentView(String paymentId, String orderId, String memberId, BigDecimal orderAmount, String currency,
                          @Schema(description = "Points held or taken") long points,
                          @Schema(description = "What the points pay, in yuan (points / points-per-yuan)") BigDecimal amount,
                          @Schema(enumeration = {"PENDING", "HELD", "CAPTURED", "CANCELLED", "EXPIRED"}) String status,
                          @Schema(nullable = true, description = "When the hold lapses unless captured") Instant holdExpiresAt,
                          BigDecimal refundedAmount, long refundedPoints, List<Refund> refunds, Instant createdAt,
                          @Schema(nullable = true, description = "The checkout (its token's subject) that made the payment;"
                                  + " only it settles the payment. Null for payments made before shops were recorded")
                          String shopId) {

    /** One refund: its share of the points, DONE once the ledger gave them back. */
    public record Refund(String refundId, BigDecimal amount, long points,
                         @Schema(enumeration = {"PENDING", "DONE"}) String status, Instant createdAt) {
    }

    static PaymentView of(Payment p, List<PaymentRefund> refunds) {
        return new PaymentView(p.paymentId(), p.orderId(), p.memberId(), p.orderAmount(), p.currency(), p.points(),
                p.amount(), p.status(), p.holdExpiresAt(), p.refundedAmount(), p.refundedPoints(),
                refunds.stream().map(r -> new Refund(r.refundId(), r.amount(), r.points(), r.status(), r.createdAt()))
                        .toList(), p.createdAt(), p.shopId());
    }
}
