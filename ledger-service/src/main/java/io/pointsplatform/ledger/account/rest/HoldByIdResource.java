package io.pointsplatform.ledger.account.rest;

import io.pointsplatform.kit.Identifiers;
import io.pointsplatform.kit.problem.ApiException;
import io.pointsplatform.ledger.account.repository.HoldOwners;
import io.smallrye.mutiny.Uni;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * CONTRACT.md's capture and release by hold id alone: the same decisions as under
 * {@code /api/v1/accounts/{memberId}/holds/{holdId}}, once the hold's member is found. A hold id
 * that two members used is refused with {@code 409 HOLD_AMBIGUOUS}: use the member's path then.
 */
@Path("/api/v1/holds/{holdId}")
@Produces(MediaType.APPLICATION_JSON)
public class HoldByIdResource {

    private final HoldOwners owners;
    private final HoldResource holds;

    public HoldByIdResource(HoldOwners owners, HoldResource holds) {
        this.owners = owners;
        this.holds = holds;
    }

    @POST
    @Path("/capture")
    public Uni<Response> capture(@PathParam("holdId") @Pattern(regexp = Identifiers.ID_PATTERN) String holdId) {
        return owner(holdId).chain(memberId -> holds.capture(memberId, holdId));
    }

    @POST
    @Path("/release")
    public Uni<Response> release(@PathParam("holdId") @Pattern(regexp = Identifiers.ID_PATTERN) String holdId) {
        return owner(holdId).chain(memberId -> holds.release(memberId, holdId));
    }

    private Uni<String> owner(String holdId) {
        return owners.of(holdId).map(members -> switch (members.size()) {
            case 0 -> throw ApiException.notFound("Hold", holdId);
            case 1 -> members.get(0);
            default -> throw ApiException.conflict("HOLD_AMBIGUOUS", "Hold id " + holdId
                    + " was used by more than one member; capture or release it under"
                    + " /api/v1/accounts/{memberId}/holds/" + holdId);
        });
    }
}
