package io.pointsplatform.earning.grant.rest;

import io.pointsplatform.earning.grant.service.Grant;
import io.pointsplatform.earning.grant.service.GrantService;
import io.pointsplatform.kit.Identifiers;
import io.pointsplatform.kit.idempotency.IdempotencyKeys;
import io.pointsplatform.kit.security.Caller;
import io.pointsplatform.kit.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
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
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestResponse;

/** Admin: a campaign's points to many members at once, recorded as requested by the admin's token. */
@Path("/api/v1/campaigns/{campaignId}/grants")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class GrantResource {

    private final GrantService grants;
    private final IdempotencyKeys keys;
    private final Caller caller;

    public GrantResource(GrantService grants, IdempotencyKeys keys, Caller caller) {
        this.grants = grants;
        this.keys = keys;
        this.caller = caller;
    }

    /** 201 when granted; 200 with the first body when the same grant is repeated. */
    @POST
    @RolesAllowed(Roles.ADMIN)
    @Operation(operationId = "grantPoints", summary = "Grant a campaign's points to many members",
            description = "Credits points to each member, all or nothing, once per grantId; requestedBy is the"
                    + " subject of the admin's token.")
    @APIResponse(responseCode = "201", description = "Granted",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Grant.class)))
    @APIResponse(responseCode = "200", description = "The same grant again (members in any order): the first answer",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Grant.class)))
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED: the body is not valid (JSON, types, unknown"
            + " properties such as requestedBy, constraints), a member named twice, a bad campaignId in the path, or"
            + " a bad Idempotency-Key")
    @APIResponse(responseCode = "404", description = "NOT_FOUND: no such campaign")
    @APIResponse(responseCode = "409", description = "GRANT_CONFLICT: the grantId was made with other content;"
            + " CAMPAIGN_INACTIVE: the campaign is deactivated; BUDGET_EXHAUSTED: the budget left cannot cover it;"
            + " IDEMPOTENCY_KEY_REUSED: the key was used for another body")
    @APIResponse(responseCode = "422", description = "UNKNOWN_MEMBERS: members that were never enrolled (up to 20"
            + " named)")
    public Uni<RestResponse<String>> grant(@RestPath @Pattern(regexp = Identifiers.ID_PATTERN,
                                                   message = "must be 1-64 letters, digits or ._:-") String campaignId,
                                           @Valid @NotNull GrantRequest request,
                                           @Parameter(description = "Makes a retry safe: the same key and body"
                                                   + " answer the first response again")
                                           @RestHeader(IdempotencyKeys.HEADER) String idempotencyKey,
                                           @Context UriInfo uri) {
        String requestedBy = caller.subject();
        return keys.once(idempotencyKey, uri, request, () -> grants.grant(campaignId, request, requestedBy)
                .map(granted -> granted.created()
                        ? RestResponse.status(RestResponse.Status.CREATED, granted.body())
                        : RestResponse.ok(granted.body())));
    }
}
