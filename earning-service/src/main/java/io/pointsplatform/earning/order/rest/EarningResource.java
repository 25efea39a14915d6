package io.pointsplatform.earning.order.rest;

import io.pointsplatform.earning.order.service.Earning;
import io.pointsplatform.earning.order.service.EarningService;
import io.pointsplatform.kit.idempotency.IdempotencyKeys;
import io.pointsplatform.kit.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
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
import org.jboss.resteasy.reactive.RestResponse;

@Path("/api/v1/earnings")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class EarningResource {

    private final EarningService earnings;
    private final IdempotencyKeys keys;

    public EarningResource(EarningService earnings, IdempotencyKeys keys) {
        this.earnings = earnings;
        this.keys = keys;
    }

    /** Records an order's earning once: 201 the first time, 200 with the same body for a repeat. */
    @POST
    @RolesAllowed(Roles.CHECKOUT)
    @Operation(operationId = "earnForOrder", summary = "Record what a paid order earns",
            description = "Applies the rules and campaigns to the order and credits the points once per orderId"
                    + " (points.earned on points.ledger, pending until the returns window has passed).")
    @APIResponse(responseCode = "201", description = "Recorded and credited",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Earning.class)))
    @APIResponse(responseCode = "200", description = "The same order again: the first answer, byte for byte",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Earning.class)))
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED: the body is not valid (JSON, types, unknown"
            + " properties, constraints, lines adding up to more than 100 000 000 yuan), purchasedAt later than now"
            + " plus 60 s of clock skew, or a bad Idempotency-Key")
    @APIResponse(responseCode = "409", description = "ORDER_CONFLICT: the orderId was recorded with other content;"
            + " IDEMPOTENCY_KEY_REUSED: the key was used for another body")
    @APIResponse(responseCode = "422", description = "UNKNOWN_MEMBER: the member was never enrolled"
            + " (points.earning.unknown-member=reject, the default); ORDER_TOO_OLD: bought so long ago that its"
            + " points would expire before they came (purchasedAt plus the member's tier's expiry months is past)")
    @APIResponse(responseCode = "503", description = "BUSY: more orders are waiting to be recorded than"
            + " points.earning.max-queued; nothing was recorded, send it again")
    public Uni<RestResponse<String>> earn(@Valid @NotNull OrderRequest order,
                                          @Parameter(description = "Makes a retry safe: the same key and body"
                                                  + " answer the first response again")
                                          @RestHeader(IdempotencyKeys.HEADER) String idempotencyKey,
                                          @Context UriInfo uri) {
        order.requireWithinLimits();
        return keys.once(idempotencyKey, uri, order, () -> earnings.record(order).map(recorded -> recorded.created()
                ? RestResponse.status(RestResponse.Status.CREATED, recorded.body())
                : RestResponse.ok(recorded.body())));
    }

    /** What the order would earn, and why each rule that does not fire does not; nothing is recorded. */
    @POST
    @Path("/preview")
    @RolesAllowed(Roles.CHECKOUT)
    @Operation(operationId = "previewEarning", summary = "What an order would earn, recording nothing",
            description = "The same calculation as recording the order, with skipped: each active rule or campaign"
                    + " that would not fire, and why.")
    @APIResponse(responseCode = "200", description = "The calculation",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Earning.class)))
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED: as for recording the order")
    @APIResponse(responseCode = "422", description = "UNKNOWN_MEMBER: the member was never enrolled"
            + " (points.earning.unknown-member=reject, the default); ORDER_TOO_OLD: bought so long ago that its"
            + " points would expire before they came (purchasedAt plus the member's tier's expiry months is past)")
    public Uni<Earning> preview(@Valid @NotNull OrderRequest order) {
        return earnings.preview(order.requireWithinLimits());
    }
}
