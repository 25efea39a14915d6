package io.pointsplatform.earning.refund.rest;

import io.pointsplatform.earning.refund.service.Refund;
import io.pointsplatform.earning.refund.service.RefundService;
import io.pointsplatform.kit.Identifiers;
import io.pointsplatform.kit.idempotency.IdempotencyKeys;
import io.pointsplatform.kit.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestResponse;

@Path("/api/v1/earnings/{orderId}/refunds")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class RefundResource {

    private static final String ID_MESSAGE = "must be 1-64 letters, digits or ._:-";

    private final RefundService refunds;
    private final IdempotencyKeys keys;

    public RefundResource(RefundService refunds, IdempotencyKeys keys) {
        this.refunds = refunds;
        this.keys = keys;
    }

    /** 201 for a new refund, 200 for a repeat; {@code status} says whether the ledger has confirmed yet. */
    @POST
    @RolesAllowed(Roles.CHECKOUT)
    @Operation(operationId = "refundOrder", summary = "Refund part or all of an order",
            description = "Works out the points to take back (by lines or by eligible amount), records the refund"
                    + " and asks the ledger to reverse them, once per refundId.")
    @APIResponse(responseCode = "201", description = "Recorded; status says whether the ledger confirmed yet",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Refund.class)))
    @APIResponse(responseCode = "200", description = "The same refund again: its current state (a FAILED one is"
            + " reopened and tried again)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Refund.class)))
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED: the body is not valid (JSON, types, unknown"
            + " properties, constraints, both or neither of lines and amount), a bad orderId in the path, or a bad"
            + " Idempotency-Key")
    @APIResponse(responseCode = "404", description = "NOT_FOUND: the order has no earning")
    @APIResponse(responseCode = "409", description = "REFUND_CONFLICT: the refundId was recorded with other content, or"
            + " for another order (refund ids are unique across all orders);"
            + " IDEMPOTENCY_KEY_REUSED: the key was used for another body")
    @APIResponse(responseCode = "422", description = "REFUND_EXCEEDS_ORDER: more than is left of the order's eligible"
            + " amount; REFUND_EXCEEDS_LINE: more of a SKU than is left of the order's lines with it; UNKNOWN_SKU: a"
            + " SKU the order does not have. Nothing is recorded.")
    public Uni<RestResponse<Refund>> refund(@RestPath @Pattern(regexp = Identifiers.ID_PATTERN, message = ID_MESSAGE)
                                            String orderId,
                                            @Valid @NotNull RefundRequest request,
                                            @Parameter(description = "Makes a retry safe: the same key and body"
                                                    + " answer the first response again")
                                            @RestHeader(IdempotencyKeys.HEADER) String idempotencyKey,
                                            @Context UriInfo uri) {
        return keys.once(idempotencyKey, uri, request, () -> refunds.refund(orderId, request)
                .map(refund -> refund.created()
                        ? RestResponse.status(RestResponse.Status.CREATED, refund)
                        : RestResponse.ok(refund)));
    }

    /** The refund as it is now, without trying its reversal again (a repeated POST would). */
    @GET
    @Path("/{refundId}")
    @RolesAllowed({Roles.CHECKOUT, Roles.ADMIN, Roles.ANALYST, Roles.SERVICE})
    @Operation(operationId = "getRefund", summary = "A refund as it is now",
            description = "Reads the refund and what the ledger answered, without trying its reversal again.")
    @APIResponse(responseCode = "200", description = "The refund",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Refund.class)))
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED: a bad orderId or refundId in the path")
    @APIResponse(responseCode = "404", description = "NOT_FOUND: no such refund of that order")
    public Uni<Refund> get(@RestPath @Pattern(regexp = Identifiers.ID_PATTERN, message = ID_MESSAGE) String orderId,
                           @RestPath @Pattern(regexp = Identifiers.ID_PATTERN, message = ID_MESSAGE) String refundId) {
        return refunds.get(orderId, refundId);
    }
}
