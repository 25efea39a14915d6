package io.pointsplatform.ledger.account.rest;

import io.pointsplatform.events.Allocation;
import io.pointsplatform.events.PointsReversed;
import io.pointsplatform.kit.Identifiers;
import io.pointsplatform.ledger.account.service.LedgerBook;
import io.smallrye.mutiny.Uni;
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

/** A refund's points taken back: the order's own lot first, then other lots, the rest as debt. */
@Path("/api/v1/accounts/{memberId}/reversals")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ReversalResource {

    public record ReversalView(String refundId, String orderId, long points, long taken, long debt,
                               List<Allocation> allocations) {
    }

    private final LedgerBook book;

    public ReversalResource(LedgerBook book) {
        this.book = book;
    }

    @POST
    public Uni<Response> reverse(@PathParam("memberId") @Pattern(regexp = Identifiers.ID_PATTERN) String memberId,
                                 @Valid @NotNull ReversalRequest request) {
        return book.reverse(memberId, request.refundId(), request.orderId(), request.lotId(), request.points())
                .map(decision -> {
                    PointsReversed reversed = decision.data();
                    return HoldResource.respond(decision, new ReversalView(reversed.refundId(), reversed.orderId(),
                            reversed.points() + reversed.debt(), reversed.points(), reversed.debt(),
                            reversed.allocations()));
                });
    }
}
