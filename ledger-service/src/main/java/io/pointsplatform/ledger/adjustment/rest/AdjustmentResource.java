package io.pointsplatform.ledger.adjustment.rest;

import io.pointsplatform.kit.Identifiers;
import io.pointsplatform.ledger.adjustment.service.Adjustments;
import io.pointsplatform.ledger.adjustment.service.Adjustments.Adjustment;
import io.pointsplatform.ledger.adjustment.service.Adjustments.Outcome;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Manual adjustments with a second admin's approval (maker-checker). */
@Path("/api/v1/adjustments")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class AdjustmentResource {

    private final Adjustments adjustments;

    public AdjustmentResource(Adjustments adjustments) {
        this.adjustments = adjustments;
    }

    @POST
    public Uni<Response> request(@Valid @NotNull AdjustmentRequest request) {
        return adjustments.request(request.adjustmentId(), request.memberId(), request.points(), request.reason(),
                request.requestedBy()).map(AdjustmentResource::respond);
    }

    @GET
    @Path("/{adjustmentId}")
    public Uni<Adjustment> get(@PathParam("adjustmentId") @Pattern(regexp = Identifiers.ID_PATTERN) String adjustmentId) {
        return adjustments.get(adjustmentId);
    }

    @POST
    @Path("/{adjustmentId}/approve")
    public Uni<Adjustment> approve(@PathParam("adjustmentId") @Pattern(regexp = Identifiers.ID_PATTERN) String adjustmentId,
                                 @Valid @NotNull AdjustmentDecision decision) {
        return adjustments.approve(adjustmentId, decision.by(), decision.note()).map(Outcome::adjustment);
    }

    @POST
    @Path("/{adjustmentId}/reject")
    public Uni<Adjustment> reject(@PathParam("adjustmentId") @Pattern(regexp = Identifiers.ID_PATTERN) String adjustmentId,
                                @Valid @NotNull AdjustmentDecision decision) {
        return adjustments.reject(adjustmentId, decision.by(), decision.note()).map(Outcome::adjustment);
    }

    private static Response respond(Outcome outcome) {
        return Response.status(outcome.changed() ? 201 : 200).entity(outcome.adjustment()).build();
    }
}
