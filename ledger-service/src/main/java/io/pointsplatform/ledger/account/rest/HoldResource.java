package io.pointsplatform.ledger.account.rest;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.pointsplatform.events.Allocation;
import io.pointsplatform.events.PointsReleased;
import io.pointsplatform.events.PointsReserved;
import io.pointsplatform.events.PointsSpent;
import io.pointsplatform.events.ReleaseReason;
import io.pointsplatform.kit.Identifiers;
import io.pointsplatform.kit.problem.ApiException;
import io.pointsplatform.ledger.account.service.LedgerBook;
import io.pointsplatform.ledger.account.service.LedgerBook.Decision;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Holds: points kept apart for a redemption or a payment, then captured or released. */
@Path("/api/v1/accounts/{memberId}/holds")
@Produces(MediaType.APPLICATION_JSON)
public class HoldResource {

    /** A hold, or what became of it. */
    public record HoldView(String memberId, String holdId, long points, List<Allocation> allocations,
                           String status, Instant holdExpiresAt, String reference, String eventId) {

        /** CONTRACT.md's name for {@code holdExpiresAt} in the answer to a new hold. */
        @JsonProperty("expiresAt")
        public Instant expiresAt() {
            return holdExpiresAt;
        }
    }

    private final LedgerBook book;

    public HoldResource(LedgerBook book) {
        this.book = book;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> hold(@PathParam("memberId") @Pattern(regexp = Identifiers.ID_PATTERN) String memberId,
                              @HeaderParam("Idempotency-Key") String idempotencyKey,
                              @Valid @NotNull HoldRequest request) {
        return book.hold(memberId, holdId(request, idempotencyKey), request.points(), request.ttlOrDefault(),
                        request.reference())
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

    /** The body's holdId, else the Idempotency-Key, else a new id; the two must agree when both are given. */
    static String holdId(HoldRequest request, String idempotencyKey) {
        if (idempotencyKey != null && !idempotencyKey.matches(Identifiers.ID_PATTERN)) {
            throw ApiException.validation("Idempotency-Key", "must be 1-64 letters, digits or ._:-");
        }
        if (request.holdId() != null && idempotencyKey != null && !request.holdId().equals(idempotencyKey)) {
            throw ApiException.validation("holdId", "differs from the Idempotency-Key header; give one, or both alike");
        }
        if (request.holdId() != null) {
            return request.holdId();
        }
        return idempotencyKey != null ? idempotencyKey : "h-" + UUID.randomUUID();
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
