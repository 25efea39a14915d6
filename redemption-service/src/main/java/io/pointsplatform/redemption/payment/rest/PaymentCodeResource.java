package io.pointsplatform.redemption.payment.rest;

import io.pointsplatform.kit.Identifiers;
import io.pointsplatform.kit.limit.MemberRateLimits;
import io.pointsplatform.kit.security.Caller;
import io.pointsplatform.kit.security.Roles;
import io.pointsplatform.redemption.payment.service.PaymentCodes;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * Extension of CONTRACT.md: {@code POST /api/v1/members/{memberId}/payment-codes}, the member's
 * consent to pay with points at a till (PaymentCodes).
 */
@Path("/api/v1/members/{memberId}/payment-codes")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Payments", description = "Points used as payment at checkout")
public class PaymentCodeResource {

    private final PaymentCodes codes;
    private final MemberRateLimits limits;
    private final Caller caller;

    public PaymentCodeResource(PaymentCodes codes, MemberRateLimits limits, Caller caller) {
        this.codes = codes;
        this.limits = limits;
        this.caller = caller;
    }

    /** A member's one-time payment code, as its app shows it. */
    @Schema(name = "PaymentCode", description = "A one-time payment code: shown by the member's app at the till, sent"
            + " by the checkout as the payment's paymentCode")
    public record PaymentCodeView(
            @Schema(description = "18 digits; pays one payment of this member", example = "284512907733016458") String code,
            String memberId,
            @Schema(description = "When it lapses unused (points.payment.code-ttl-seconds after it was made)")
            Instant expiresAt) {
    }

    @POST
    @RolesAllowed(Roles.MEMBER)
    @Operation(operationId = "createPaymentCode", summary = "A one-time code with which the member pays with points",
            description = "Only the member itself (its own token): the code is its consent. Each call makes a new code;"
                    + " earlier ones stay valid until used or lapsed. Nothing is held until the checkout sends a payment"
                    + " with it. No body.")
    @APIResponse(responseCode = "201", description = "The code",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PaymentCodeView.class)))
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED: memberId is not an id")
    @APIResponse(responseCode = "403", description = "FORBIDDEN: not a member's token; NOT_OWN_ACCOUNT: another member's")
    @APIResponse(responseCode = "429", description = "RATE_LIMITED: too many codes for this member; Retry-After says when",
            headers = @Header(name = "Retry-After", description = "seconds", schema = @Schema(type = SchemaType.INTEGER)))
    public Uni<RestResponse<PaymentCodeView>> create(
            @Parameter(description = "The member: the token's own id")
            @PathParam("memberId") @Pattern(regexp = Identifiers.ID_PATTERN) String memberId) {
        caller.requireAccess(memberId);
        limits.acquire("payment-codes", memberId);
        return codes.issue(memberId).map(code -> RestResponse.status(RestResponse.Status.CREATED,
                new PaymentCodeView(code.code(), code.memberId(), code.expiresAt())));
    }
}
