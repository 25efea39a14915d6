package io.pointsplatform.redemption.payment.rest;

import io.pointsplatform.kit.Identifiers;
import io.pointsplatform.redemption.payment.service.PaymentCapacity;
import io.pointsplatform.redemption.payment.service.PaymentCapacityService;
import io.smallrye.mutiny.Uni;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** Extension of CONTRACT.md: {@code GET /api/v1/members/{memberId}/payment-capacity}. */
@Path("/api/v1/members/{memberId}/payment-capacity")
@Produces(MediaType.APPLICATION_JSON)
public class PaymentCapacityResource {

    private final PaymentCapacityService payments;

    public PaymentCapacityResource(PaymentCapacityService payments) {
        this.payments = payments;
    }

    @GET
    public Uni<PaymentCapacity> get(@PathParam("memberId") @Pattern(regexp = Identifiers.ID_PATTERN) String memberId) {
        return payments.capacity(memberId);
    }
}
