package io.pointsplatform.ledger.adjustment.rest;

import io.pointsplatform.kit.Identifiers;
import io.pointsplatform.kit.problem.ApiException;
import io.pointsplatform.kit.security.Caller;
import io.pointsplatform.kit.security.Roles;
import io.pointsplatform.ledger.adjustment.service.Adjustments;
import io.pointsplatform.ledger.adjustment.service.Adjustments.Adjustment;
import io.pointsplatform.ledger.adjustment.service.Adjustments.Outcome;
import io.pointsplatform.ledger.rest.ApiDocs;
import io.pointsplatform.ledger.rest.RequestIds;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Manual adjustments with a second admin's approval (maker-checker, by identity): the requester
 * and the decider are the subjects of their tokens, and an admin cannot decide its own request.
 */
@Path("/api/v1/adjustments")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = ApiDocs.ADJUSTMENTS, description = ApiDocs.ADJUSTMENTS_ABOUT)
public class AdjustmentResource {

    private static final String SELF = "SELF_APPROVAL: the token's subject requested this adjustment; another admin"
            + " must decide it (nothing changed). FORBIDDEN: the token's role may not call this operation.";
    private static final String DECIDED = "ADJUSTMENT_DECIDED: it was approved or rejected otherwise already.";

    private final Adjustments adjustments;
    private final Caller caller;

    public AdjustmentResource(Adjustments adjustments, Caller caller) {
        this.adjustments = adjustments;
        this.caller = caller;
    }

    @POST
    @RolesAllowed(Roles.ADMIN)
    @Operation(operationId = "requestAdjustment", summary = "Request a manual adjustment (the token's subject is the"
            + " requester); it takes effect when another admin approves it")
    @APIResponse(responseCode = "201", description = "Requested: PENDING",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Adjustment.class)))
    @APIResponse(responseCode = "200", description = "The same request again: the adjustment as it is",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Adjustment.class)))
    @APIResponse(responseCode = "400", description = ApiDocs.BAD_BODY + " points must not be 0; adjustmentId absent"
            + " without an Idempotency-Key, or differing from it.")
    @APIResponse(responseCode = "409", description = "ADJUSTMENT_CONFLICT: the adjustmentId was requested before with"
            + " other content or by another admin")
    public Uni<Response> request(@Parameter(description = "The adjustment's id when the body has none (1-64 letters,"
                                         + " digits or ._:-); both given must be equal")
                                 @HeaderParam("Idempotency-Key") String idempotencyKey,
                                 @Valid @NotNull AdjustmentRequest request) {
        String adjustmentId = RequestIds.fromBodyOrKey("adjustmentId", request.adjustmentId(), idempotencyKey);
        if (adjustmentId == null) {
            throw ApiException.validation("adjustmentId", "must not be null (or send an Idempotency-Key header)");
        }
        return adjustments.request(adjustmentId, request.memberId(), request.points(), request.reason(),
                caller.subject()).map(AdjustmentResource::respond);
    }

    @GET
    @Path("/{adjustmentId}")
    @RolesAllowed({Roles.ADMIN, Roles.ANALYST, Roles.SERVICE})
    @Operation(operationId = "getAdjustment", summary = "An adjustment: the request and its decision")
    @APIResponse(responseCode = "200", description = "The adjustment",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Adjustment.class)))
    @APIResponse(responseCode = "400", description = ApiDocs.BAD_ID)
    @APIResponse(responseCode = "404", description = "NOT_FOUND: no such adjustment")
    public Uni<Adjustment> get(@PathParam("adjustmentId") @Pattern(regexp = Identifiers.ID_PATTERN) String adjustmentId) {
        return adjustments.get(adjustmentId);
    }

    @POST
    @Path("/{adjustmentId}/approve")
    @RolesAllowed(Roles.ADMIN)
    @Operation(operationId = "approveAdjustment", summary = "Approve an adjustment another admin requested: the points"
            + " move now, in the same transaction")
    @RequestBody(description = "{} or {\"note\": …}; the decider is the token's subject")
    @APIResponse(responseCode = "200", description = "APPROVED (also for a repeat by the same admin)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Adjustment.class)))
    @APIResponse(responseCode = "400", description = ApiDocs.BAD_BODY)
    @APIResponse(responseCode = "404", description = "NOT_FOUND: no such adjustment, or (a debit) no account for its"
            + " member")
    @APIResponse(responseCode = "403", description = SELF)
    @APIResponse(responseCode = "409", description = DECIDED + " INSUFFICIENT_POINTS: a debit the account cannot"
            + " cover; TOO_MANY_LOTS: a debit over more lots than one debit takes (10 000); either way it stays"
            + " PENDING.")
    public Uni<Adjustment> approve(@PathParam("adjustmentId") @Pattern(regexp = Identifiers.ID_PATTERN) String adjustmentId,
                                   @Valid AdjustmentDecision decision) {
        return adjustments.approve(adjustmentId, caller.subject(), note(decision)).map(Outcome::adjustment);
    }

    @POST
    @Path("/{adjustmentId}/reject")
    @RolesAllowed(Roles.ADMIN)
    @Operation(operationId = "rejectAdjustment", summary = "Reject an adjustment another admin requested: nothing moves")
    @RequestBody(description = "{} or {\"note\": …}; the decider is the token's subject")
    @APIResponse(responseCode = "200", description = "REJECTED (also for a repeat by the same admin)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Adjustment.class)))
    @APIResponse(responseCode = "400", description = ApiDocs.BAD_BODY)
    @APIResponse(responseCode = "404", description = "NOT_FOUND: no such adjustment")
    @APIResponse(responseCode = "403", description = SELF)
    @APIResponse(responseCode = "409", description = DECIDED)
    public Uni<Adjustment> reject(@PathParam("adjustmentId") @Pattern(regexp = Identifiers.ID_PATTERN) String adjustmentId,
                                  @Valid AdjustmentDecision decision) {
        return adjustments.reject(adjustmentId, caller.subject(), note(decision)).map(Outcome::adjustment);
    }

    /** A decision needs no more than the token: {@code {}}, or an empty JSON body, has no note. */
    private static String note(AdjustmentDecision decision) {
        return decision == null ? null : decision.note();
    }

    private static Response respond(Outcome outcome) {
        return Response.status(outcome.changed() ? 201 : 200).entity(outcome.adjustment()).build();
    }
}
