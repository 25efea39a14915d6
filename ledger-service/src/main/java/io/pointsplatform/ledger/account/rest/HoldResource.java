package io.pointsplatform.ledger.account.rest;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.pointsplatform.events.Allocation;
import io.pointsplatform.events.PointsReleased;
import io.pointsplatform.events.PointsReserved;
import io.pointsplatform.events.PointsSpent;
import io.pointsplatform.events.ReleaseReason;
import io.pointsplatform.kit.Identifiers;
import io.pointsplatform.kit.limit.MemberRateLimits;
import io.pointsplatform.kit.security.Caller;
import io.pointsplatform.kit.security.Roles;
import io.pointsplatform.ledger.account.service.LedgerBook;
import io.pointsplatform.ledger.rest.ApiDocs;
import io.pointsplatform.ledger.rest.RequestIds;
import io.pointsplatform.ledger.account.service.LedgerBook.Decision;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
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
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Holds: points kept apart for a redemption or a payment, then captured or released. Called by
 * the member itself (its own account only) or by another service on its behalf.
 */
@Path("/api/v1/accounts/{memberId}/holds")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = ApiDocs.HOLDS, description = ApiDocs.HOLDS_ABOUT)
public class HoldResource {

    /** A hold, or what became of it. */
    @Schema(name = "Hold", description = "A hold, or what became of it")
    public record HoldView(String memberId, String holdId, long points, List<Allocation> allocations,
                           @Schema(enumeration = {"OPEN", "CAPTURED", "RELEASED_CANCELLED", "RELEASED_EXPIRED",
                                   "RELEASED_FAILED"}) String status,
                           @Schema(nullable = true) Instant holdExpiresAt,
                           @Schema(nullable = true) String reference, String eventId) {

        /** CONTRACT.md's name for {@code holdExpiresAt} in the answer to a new hold. */
        @JsonProperty("expiresAt")
        @Schema(nullable = true, description = "CONTRACT.md's name for holdExpiresAt")
        public Instant expiresAt() {
            return holdExpiresAt;
        }
    }

    private final LedgerBook book;
    private final Caller caller;
    private final MemberRateLimits limits;

    public HoldResource(LedgerBook book, Caller caller, MemberRateLimits limits) {
        this.book = book;
        this.caller = caller;
        this.limits = limits;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.MEMBER, Roles.SERVICE})
    @Operation(operationId = "createHold", summary = "Hold points of a member's account",
            description = "Idempotent by holdId, else by the Idempotency-Key header; without either the ledger names"
                    + " the hold and a repeat makes a second one.")
    @APIResponse(responseCode = "201", description = "The hold was made",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = HoldView.class)))
    @APIResponse(responseCode = "200", description = "The same hold again: the first answer",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = HoldView.class)))
    @APIResponse(responseCode = "400", description = ApiDocs.BAD_BODY)
    @APIResponse(responseCode = "403", description = ApiDocs.NOT_OWN_ACCOUNT + " " + ApiDocs.SERVICE_HOLD)
    @APIResponse(responseCode = "404", description = ApiDocs.NO_ACCOUNT)
    @APIResponse(responseCode = "409", description = "INSUFFICIENT_POINTS: the account has fewer points available;"
            + " TOO_MANY_LOTS: the points are there but in more lots than one debit takes (10 000; the detail says"
            + " how many points fit); HOLD_CONFLICT: the hold id was used before with other content (points, reference or ttlSeconds)")
    @APIResponse(responseCode = "429", description = "RATE_LIMITED: too many holds placed with this member's token"
            + " (points.rate-limit.permits a points.rate-limit.period, 10 a minute; a service's calls are not"
            + " limited); Retry-After says when",
            headers = @Header(name = "Retry-After", description = "seconds", schema = @Schema(type = SchemaType.INTEGER)))
    @APIResponse(responseCode = "503", description = ApiDocs.BUSY)
    public Uni<Response> hold(@PathParam("memberId") @Pattern(regexp = Identifiers.ID_PATTERN) String memberId,
                              @Parameter(description = "The hold's id when the body has none (1-64 letters, digits"
                                      + " or ._:-); both given must be equal")
                              @HeaderParam("Idempotency-Key") String idempotencyKey,
                              @Valid @NotNull HoldRequest request) {
        caller.requireAccess(memberId);
        String holdId = holdId(request, idempotencyKey);
        ServiceHolds.requireMayTouch(caller, holdId);
        if (!caller.hasRole(Roles.SERVICE)) {
            limits.acquire("holds", memberId);
        }
        return book.hold(memberId, holdId, request.points(), request.ttlOrDefault(), request.reference())
                .map(decision -> respond(decision, reserved(decision)));
    }

    @POST
    @Path("/{holdId}/capture")
    @RolesAllowed({Roles.MEMBER, Roles.SERVICE})
    @Operation(operationId = "captureMemberHold", summary = "Capture a hold of a member's account: its points are spent")
    @APIResponse(responseCode = "201", description = "Captured now",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = HoldView.class)))
    @APIResponse(responseCode = "200", description = "Captured before: the first answer",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = HoldView.class)))
    @APIResponse(responseCode = "400", description = ApiDocs.BAD_ID)
    @APIResponse(responseCode = "403", description = ApiDocs.NOT_OWN_ACCOUNT + " " + ApiDocs.SERVICE_HOLD)
    @APIResponse(responseCode = "404", description = ApiDocs.NO_ACCOUNT)
    @APIResponse(responseCode = "409", description = ApiDocs.NOT_OPEN)
    @APIResponse(responseCode = "503", description = ApiDocs.BUSY)
    public Uni<Response> capture(@PathParam("memberId") @Pattern(regexp = Identifiers.ID_PATTERN) String memberId,
                                 @PathParam("holdId") @Pattern(regexp = Identifiers.ID_PATTERN) String holdId) {
        caller.requireAccess(memberId);
        ServiceHolds.requireMayTouch(caller, holdId);
        return capture(book, memberId, holdId);
    }

    @POST
    @Path("/{holdId}/release")
    @RolesAllowed({Roles.MEMBER, Roles.SERVICE})
    @Operation(operationId = "releaseMemberHold", summary = "Release a hold of a member's account: its points are available again")
    @APIResponse(responseCode = "201", description = "Released now (status RELEASED_CANCELLED)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = HoldView.class)))
    @APIResponse(responseCode = "200", description = "Released before: the first answer; or reached at or"
            + " after its holdExpiresAt: released then as the ledger's job releases it (status RELEASED_EXPIRED)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = HoldView.class)))
    @APIResponse(responseCode = "400", description = ApiDocs.BAD_ID)
    @APIResponse(responseCode = "403", description = ApiDocs.NOT_OWN_ACCOUNT + " " + ApiDocs.SERVICE_HOLD)
    @APIResponse(responseCode = "404", description = ApiDocs.NO_ACCOUNT)
    @APIResponse(responseCode = "409", description = ApiDocs.NOT_OPEN)
    @APIResponse(responseCode = "503", description = ApiDocs.BUSY)
    public Uni<Response> release(@PathParam("memberId") @Pattern(regexp = Identifiers.ID_PATTERN) String memberId,
                                 @PathParam("holdId") @Pattern(regexp = Identifiers.ID_PATTERN) String holdId) {
        caller.requireAccess(memberId);
        ServiceHolds.requireMayTouch(caller, holdId);
        return release(book, memberId, holdId);
    }

    /** The capture of a member's hold, once the caller may reach that member: shared with the hold-id path. */
    static Uni<Response> capture(LedgerBook book, String memberId, String holdId) {
        return book.capture(memberId, holdId).map(decision -> {
            PointsSpent spent = decision.data();
            return respond(decision, new HoldView(memberId, holdId, spent.points(), spent.allocations(), "CAPTURED",
                    null, spent.reference(), decision.event().id()));
        });
    }

    /** The release of a member's hold, once the caller may reach that member: shared with the hold-id path. */
    static Uni<Response> release(LedgerBook book, String memberId, String holdId) {
        return book.release(memberId, holdId, ReleaseReason.CANCELLED).map(decision -> {
            PointsReleased released = decision.data();
            return respond(decision, new HoldView(memberId, holdId, released.points(), released.allocations(),
                    "RELEASED_" + released.reason(), null, null, decision.event().id()));
        });
    }

    /** The body's holdId, else the Idempotency-Key, else a new id; the two must agree when both are given. */
    static String holdId(HoldRequest request, String idempotencyKey) {
        String given = RequestIds.fromBodyOrKey("holdId", request.holdId(), idempotencyKey);
        return given != null ? given : "h-" + UUID.randomUUID();
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
