package io.pointsplatform.ledger.account.rest;

import io.pointsplatform.events.Allocation;
import io.pointsplatform.events.PointsReleased;
import io.pointsplatform.events.PointsReserved;
import io.pointsplatform.events.PointsSpent;
import io.pointsplatform.events.ReleaseReason;
import io.pointsplatform.kit.Identifiers;
import io.pointsplatform.ledger.account.service.LedgerBook;
import io.pointsplatform.ledger.account.service.LedgerBook.Decision;
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
import java.time.Instant;
import java.util.List;

/** Holds: points kept apart for a redemption or a payment, then captured or released. */
@Path("/api/v1/accounts/{memberId}/holds")
@Produces(MediaType.APPLICATION_JSON)
public class HoldResource {

    /** A hold, or what became of it. */
    public record HoldView(String memberId, String holdId, long points, List<Allocation> allocations,
                           String status, Instant holdExpiresAt, String reference, String eventId) {
    }

    private final LedgerBook book;

    public HoldResource(LedgerBook book) {
        this.book = book;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> hold(@PathParam("memberId") @Pattern(regexp = Identifiers.ID_PATTERN) String memberId,
                              @Valid @NotNull HoldRequest request) {
        return book.hold(memberId, request.holdId(), request.points(), request.ttlOrDefault(), request.reference())
                .map(decision -> respond(decision, reserved(decision)));
    }

    @POST
    @Path("/{holdId}/capture")
    public Uni<Response> capture(@PathParam("memberId") @Pattern(regexp = Identifiers.ID_PATTERN) String memberId,
                                 @PathParam("holdId") @Pattern(regexp = Identifiers.ID_PATTERN) String holdId) {
        return book.capture(memberId, holdId).map(decision -> {
            PointsSpent spent = decision.data();
            return respond(decision, new HoldView(memberId, holdId, spent.points(), spent.allocations(), "CAPTURED",
                    null, spent.reference(), decision.event().id()));
        });
    }

    @POST
    @Path("/{holdId}/release")
    public Uni<Response> release(@PathParam("memberId") @Pattern(regexp = Identifiers.ID_PATTERN) String memberId,
                                 @PathParam("holdId") @Pattern(regexp = Identifiers.ID_PATTERN) String holdId) {
        return book.release(memberId, holdId, ReleaseReason.CANCELLED).map(decision -> {
            PointsReleased released = decision.data();
            return respond(decision, new HoldView(memberId, holdId, released.points(), released.allocations(),
                    "RELEASED_" + released.reason(), null, null, decision.event().id()));
        });
    }

    private static HoldView reserved(Decision<PointsReserved> decision) {
        PointsReserved hold = decision.data();
        return new HoldView(hold.memberId(), hold.holdId(), hold.points(), hold.allocations(), "OPEN",
                hold.holdExpiresAt(), hold.reference(), decision.event().id());
    }

    /** 201 when this call decided it, 200 when it repeats an earlier call. */
    static Response respond(Decision<?> decision, Object body) {
        return Response.status(decision.created() ? 201 : 200).entity(body).build();
    }
}
