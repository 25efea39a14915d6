package io.pointsplatform.earning.campaign.rest;

import io.pointsplatform.earning.campaign.service.Campaign;
import io.pointsplatform.earning.rule.service.RuleAdmin;
import io.pointsplatform.earning.rule.service.RuleAdmin.Change;
import io.pointsplatform.earning.rule.service.RuleAdmin.Mode;
import io.pointsplatform.kit.Identifiers;
import io.pointsplatform.kit.idempotency.IdempotencyKeys;
import io.pointsplatform.kit.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestResponse;

/** Admin: campaigns. Every change bumps the rule-set version; {@code spent} is kept across changes. */
@Path("/api/v1/campaigns")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class CampaignResource {

    private static final String ID_MESSAGE = "must be 1-64 letters, digits or ._:-";

    private final RuleAdmin admin;
    private final IdempotencyKeys keys;

    public CampaignResource(RuleAdmin admin, IdempotencyKeys keys) {
        this.admin = admin;
        this.keys = keys;
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.ANALYST, Roles.SERVICE})
    @Operation(operationId = "listCampaigns", summary = "Every campaign, active or not, by campaign id, with spent")
    @APIResponse(responseCode = "200", description = "The campaigns")
    public Uni<List<Campaign>> list() {
        return admin.campaigns();
    }

    @GET
    @Path("/{campaignId}")
    @RolesAllowed({Roles.ADMIN, Roles.ANALYST, Roles.SERVICE})
    @Operation(operationId = "getCampaign", summary = "One campaign, with what its budget has spent")
    @APIResponse(responseCode = "200", description = "The campaign")
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED: a bad campaignId in the path")
    @APIResponse(responseCode = "404", description = "NOT_FOUND: no such campaign")
    public Uni<Campaign> get(@RestPath @Pattern(regexp = Identifiers.ID_PATTERN, message = ID_MESSAGE)
                             String campaignId) {
        return admin.campaign(campaignId);
    }

    @POST
    @RolesAllowed(Roles.ADMIN)
    @Operation(operationId = "createCampaign", summary = "Create a campaign",
            description = "A multiplier within [startsAt, endsAt), optionally for a category, a SKU or a minimum"
                    + " tier, with an optional budget; the rule-set version is bumped.")
    @APIResponse(responseCode = "201", description = "Created: the campaign as saved and the new rule-set version",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "ChangeCampaign")))
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED: the body is not valid (JSON, types, unknown"
            + " properties, multiplier, window, budget), or a bad Idempotency-Key; every field at fault is listed")
    @APIResponse(responseCode = "409", description = "CAMPAIGN_EXISTS: a campaign has that id;"
            + " IDEMPOTENCY_KEY_REUSED: the key was used for another body")
    public Uni<RestResponse<Change<Campaign>>> create(@Valid @NotNull CampaignRequest request,
                                                      @Parameter(description = "Makes a retry safe: the same key"
                                                              + " and body answer the first response again")
                                                      @RestHeader(IdempotencyKeys.HEADER) String idempotencyKey,
                                                      @Context UriInfo uri) {
        return keys.once(idempotencyKey, uri, request, () -> admin.save(request.toCampaign(request.campaignId()),
                        Mode.CREATE)
                .map(change -> RestResponse.status(RestResponse.Status.CREATED, change)));
    }

    @PUT
    @Path("/{campaignId}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(operationId = "replaceCampaign", summary = "Replace a campaign",
            description = "The whole campaign is replaced (the path's id counts); spent is kept and a budget"
                    + " cannot go below it; the rule-set version is bumped.")
    @APIResponse(responseCode = "200", description = "The campaign as saved and the new rule-set version")
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED: the body is not valid, a budget below spent,"
            + " or a bad campaignId in the path; every field at fault is listed")
    @APIResponse(responseCode = "404", description = "NOT_FOUND: no such campaign")
    public Uni<Change<Campaign>> change(@RestPath @Pattern(regexp = Identifiers.ID_PATTERN, message = ID_MESSAGE)
                                        String campaignId,
                                        @Valid @NotNull CampaignRequest request) {
        return admin.save(request.toCampaign(campaignId), Mode.CHANGE);
    }

    @DELETE
    @Path("/{campaignId}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(operationId = "deactivateCampaign", summary = "Deactivate a campaign",
            description = "The campaign stops firing and stays listed with what it spent; the rule-set version is"
                    + " bumped.")
    @APIResponse(responseCode = "200", description = "The campaign, inactive, and the new rule-set version")
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED: a bad campaignId in the path")
    @APIResponse(responseCode = "404", description = "NOT_FOUND: no such campaign")
    public Uni<Change<Campaign>> deactivate(@RestPath @Pattern(regexp = Identifiers.ID_PATTERN, message = ID_MESSAGE)
                                            String campaignId) {
        return admin.deactivateCampaign(campaignId);
    }
}
