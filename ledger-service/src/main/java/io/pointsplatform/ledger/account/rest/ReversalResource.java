package io.pointsplatform.ledger.account.rest;

import io.pointsplatform.events.Allocation;
import io.pointsplatform.events.PointsReversed;
import io.pointsplatform.kit.problem.ApiException;
import io.pointsplatform.kit.Identifiers;
import io.pointsplatform.kit.security.Roles;
import io.pointsplatform.ledger.account.service.LedgerBook;
import io.pointsplatform.ledger.rest.ApiDocs;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * A refund's points taken back: the order's own lot first, then (not taking again what of it
 * expired) other lots, the rest as debt.
 * Only earning-service asks for this (with its {@code service} token), when checkout refunds an order.
 */
@Path("/api/v1/accounts/{memberId}/reversals")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = ApiDocs.REVERSALS, description = ApiDocs.REVERSALS_ABOUT)
public class ReversalResource {

    @Schema(name = "Reversal", description = "points asked back = taken (from lots) + debt (settled from later"
            + " credits, and from held points as they come back) + alreadyExpired (what had already expired from the"
            + " order's lot: not taken a second time)")
    public record ReversalView(String refundId, String orderId, long points, long taken, long debt,
                               long alreadyExpired, List<Allocation> allocations) {
    }

    private final LedgerBook book;

    public ReversalResource(LedgerBook book) {
        this.book = book;
    }

    @POST
    @RolesAllowed(Roles.SERVICE)
    @Operation(operationId = "reversePoints", summary = "Take a refund's points back from a member (once per refundId)")
    @APIResponse(responseCode = "201", description = "Reversed now",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ReversalView.class)))
    @APIResponse(responseCode = "200", description = "The same refund again: the first decision",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ReversalView.class)))
    @APIResponse(responseCode = "400", description = ApiDocs.BAD_BODY)
    @APIResponse(responseCode = "404", description = ApiDocs.NO_ACCOUNT + "; or NOT_FOUND for a lotId the ledger has not"
            + " applied yet (the order's credit is still on its way): try again")
    @APIResponse(responseCode = "409", description = "REVERSAL_CONFLICT: the refundId was reversed before with another"
            + " orderId or points")
    @APIResponse(responseCode = "503", description = ApiDocs.BUSY)
    public Uni<Response> reverse(@PathParam("memberId") @Pattern(regexp = Identifiers.ID_PATTERN) String memberId,
                                 @Valid @NotNull ReversalRequest request) {
        if (PointsReversed.isSettlementName(request.refundId())) {
            throw ApiException.validation("refundId", PointsReversed.OWN_NAMES_REFUSAL);
        }
        return book.reverse(memberId, request.refundId(), request.orderId(), request.lotId(), request.points())
                .map(decision -> {
                    PointsReversed reversed = decision.data();
                    return HoldResource.respond(decision, new ReversalView(reversed.refundId(), reversed.orderId(),
                            reversed.asked(), reversed.points(), reversed.debt(), reversed.alreadyExpired(),
                            reversed.allocations()));
                });
    }
}
