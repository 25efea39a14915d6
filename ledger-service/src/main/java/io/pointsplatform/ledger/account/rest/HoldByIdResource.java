package io.pointsplatform.ledger.account.rest;

import io.pointsplatform.events.Allocation;
import io.pointsplatform.events.PointsReturned;
import io.pointsplatform.kit.Identifiers;
import io.pointsplatform.kit.problem.ApiException;
import io.pointsplatform.kit.security.Caller;
import io.pointsplatform.kit.security.Roles;
import io.pointsplatform.ledger.account.repository.HoldOwners;
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
 * CONTRACT.md's capture and release by hold id alone, and the return of a captured hold's points
 * (a service's call only): the same decisions as under
 * {@code /api/v1/accounts/{memberId}/holds/{holdId}}, once the hold's member is found. A hold id
 * that two members used is refused with {@code 409 HOLD_AMBIGUOUS}: use the member's path then.
 *
 * <p>The hold belongs to its member: a member's token reaches only its own holds (a hold id that
 * another member used too is its own for it, never ambiguous), and a hold of another member is
 * {@code 403 NOT_OWN_ACCOUNT}. The member can only be known by looking the hold up, so a hold
 * that no one made is {@code 404} for every caller the endpoint admits.
 */
@Path("/api/v1/holds/{holdId}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = ApiDocs.HOLDS, description = ApiDocs.HOLDS_ABOUT)
public class HoldByIdResource {

    private final HoldOwners owners;
    private final LedgerBook book;
    private final Caller caller;

    public HoldByIdResource(HoldOwners owners, LedgerBook book, Caller caller) {
        this.owners = owners;
        this.book = book;
        this.caller = caller;
    }

    @POST
    @Path("/capture")
    @RolesAllowed({Roles.MEMBER, Roles.SERVICE})
    @Operation(operationId = "captureHold", summary = "Capture a hold found by its id: its points are spent")
    @APIResponse(responseCode = "201", description = "Captured now",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = HoldResource.HoldView.class)))
    @APIResponse(responseCode = "200", description = "Captured before: the first answer",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = HoldResource.HoldView.class)))
    @APIResponse(responseCode = "400", description = ApiDocs.BAD_ID)
    @APIResponse(responseCode = "403", description = ApiDocs.NOT_OWN_ACCOUNT + " " + ApiDocs.SERVICE_HOLD)
    @APIResponse(responseCode = "404", description = "NOT_FOUND: no member made a hold with this id")
    @APIResponse(responseCode = "409", description = ApiDocs.NOT_OPEN + " " + ApiDocs.HOLD_AMBIGUOUS)
    @APIResponse(responseCode = "503", description = ApiDocs.BUSY)
    public Uni<Response> capture(@PathParam("holdId") @Pattern(regexp = Identifiers.ID_PATTERN) String holdId) {
        ServiceHolds.requireMayTouch(caller, holdId);
        return owner(holdId).chain(memberId -> HoldResource.capture(book, memberId, holdId));
    }

    @POST
    @Path("/release")
    @RolesAllowed({Roles.MEMBER, Roles.SERVICE})
    @Operation(operationId = "releaseHold", summary = "Release a hold found by its id: its points are available again")
    @APIResponse(responseCode = "201", description = "Released now (status RELEASED_CANCELLED)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = HoldResource.HoldView.class)))
    @APIResponse(responseCode = "200", description = "Released before: the first answer; or reached at or"
            + " after its holdExpiresAt: released then as the ledger's job releases it (status RELEASED_EXPIRED)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = HoldResource.HoldView.class)))
    @APIResponse(responseCode = "400", description = ApiDocs.BAD_ID)
    @APIResponse(responseCode = "403", description = ApiDocs.NOT_OWN_ACCOUNT + " " + ApiDocs.SERVICE_HOLD)
    @APIResponse(responseCode = "404", description = "NOT_FOUND: no member made a hold with this id")
    @APIResponse(responseCode = "409", description = ApiDocs.NOT_OPEN + " " + ApiDocs.HOLD_AMBIGUOUS)
    @APIResponse(responseCode = "503", description = ApiDocs.BUSY)
    public Uni<Response> release(@PathParam("holdId") @Pattern(regexp = Identifiers.ID_PATTERN) String holdId) {
        ServiceHolds.requireMayTouch(caller, holdId);
        return owner(holdId).chain(memberId -> HoldResource.release(book, memberId, holdId));
    }

    /** What a return gave back, and to which lots. */
    @Schema(name = "HoldReturn", description = "Points of a captured hold given back to the lots its capture took"
            + " them from")
    public record ReturnView(String holdId, String returnId, String memberId, long points, List<Allocation> allocations,
                             String eventId) {
    }

    @POST
    @Path("/return")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.SERVICE)
    @Operation(operationId = "returnHold", summary = "Give back points of a captured hold",
            description = "A cancelled redemption or a refund of an order paid with points: the points go back to the"
                    + " lots the capture took them from, the latest-expiring first when only part is given back, as"
                    + " points.returned. Idempotent by returnId: the same again answers the first result. A lot that"
                    + " has expired meanwhile takes its points back too, and the expiry job expires them again.")
    @APIResponse(responseCode = "200", description = "Given back now, or before under this returnId: the first answer",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ReturnView.class)))
    @APIResponse(responseCode = "400", description = ApiDocs.BAD_BODY)
    @APIResponse(responseCode = "404", description = "NOT_FOUND: no member made a hold with this id")
    @APIResponse(responseCode = "409", description = ApiDocs.RETURN_REFUSED)
    @APIResponse(responseCode = "503", description = ApiDocs.BUSY)
    public Uni<ReturnView> giveBack(@PathParam("holdId") @Pattern(regexp = Identifiers.ID_PATTERN) String holdId,
                                    @Valid @NotNull ReturnRequest request) {
        return owner(holdId).chain(memberId -> book.giveBack(memberId, holdId, request.returnId(), request.points(),
                request.reference())).map(decision -> {
                    PointsReturned returned = decision.data();
                    return new ReturnView(returned.holdId(), returned.returnId(), returned.memberId(), returned.points(),
                            returned.allocations(), decision.event().id());
                });
    }

    /**
     * The hold's member, once the caller may reach it. A member's own hold comes first among the
     * members that used the id, so that another member's use of the same id neither hides nor
     * blurs it.
     */
    private Uni<String> owner(String holdId) {
        String own = caller.hasRole(Roles.MEMBER) ? caller.subject() : null;
        return owners.of(holdId, own).map(members -> owner(holdId, own, members));
    }

    private String owner(String holdId, String own, List<String> members) {
        if (members.isEmpty()) {
            throw ApiException.notFound("Hold", holdId);
        }
        String first = members.get(0);
        if (first.equals(own)) {
            return first;
        }
        caller.requireAccess(first);
        if (members.size() > 1) {
            throw ApiException.conflict("HOLD_AMBIGUOUS", "Hold id " + holdId
                    + " was used by more than one member; capture or release it under"
                    + " /api/v1/accounts/{memberId}/holds/" + holdId);
        }
        return first;
    }
}
