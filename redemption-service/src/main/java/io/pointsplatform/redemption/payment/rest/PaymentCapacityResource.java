package io.pointsplatform.redemption.payment.rest;

import io.pointsplatform.kit.Identifiers;
import io.pointsplatform.kit.security.Caller;
import io.pointsplatform.kit.security.Roles;
import io.pointsplatform.redemption.payment.service.PaymentCapacity;
import io.pointsplatform.redemption.payment.service.PaymentCapacityService;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.math.BigDecimal;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Extension of CONTRACT.md: {@code GET /api/v1/members/{memberId}/payment-capacity}. */
@Path("/api/v1/members/{memberId}/payment-capacity")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Payments", description = "Points used as payment at checkout")
public class PaymentCapacityResource {

    private final PaymentCapacityService payments;
    private final Caller caller;

    public PaymentCapacityResource(PaymentCapacityService payments, Caller caller) {
        this.payments = payments;
        this.caller = caller;
    }

    @GET
    @RolesAllowed({Roles.MEMBER, Roles.CHECKOUT, Roles.ADMIN, Roles.ANALYST, Roles.SERVICE})
    @Operation(operationId = "getPaymentCapacity", summary = "What a member could pay with points now",
            description = "A quote from redemption-service's view of the log (100 points = 1 yuan by default); "
                    + "paying holds the points at the ledger, which decides. A member the log never mentioned has 0.")
    @APIResponse(responseCode = "200", description = "The member's paying power in points and in money",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = PaymentCapacity.class)))
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED: memberId is not an id (1-64 letters, digits or ._:-), or orderAmount is not an amount")
    @APIResponse(responseCode = "403", description = "FORBIDDEN: the token's role may not call this; NOT_OWN_ACCOUNT: "
            + "a member's token for another member")
    public Uni<PaymentCapacity> get(
            @Parameter(description = "The member (a member's token: its own id only)")
            @PathParam("memberId") @Pattern(regexp = Identifiers.ID_PATTERN) String memberId,
            @Parameter(description = "An order's amount in yuan: the answer then says the most points it may be paid with")
            @QueryParam("orderAmount") @DecimalMin(value = "0.01", message = "must be at least 0.01")
            @Digits(integer = 12, fraction = 2, message = "must have at most 12 digits and 2 decimals") BigDecimal orderAmount) {
        caller.requireAccess(memberId);
        return payments.capacity(memberId, orderAmount);
    }
}
