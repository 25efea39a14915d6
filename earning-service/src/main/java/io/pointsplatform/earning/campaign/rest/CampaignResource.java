package io.pointsplatform.earning.campaign.rest;

import io.pointsplatform.earning.campaign.service.Campaign;
import io.pointsplatform.earning.rule.service.RuleAdmin;
import io.pointsplatform.earning.rule.service.RuleAdmin.Change;
import io.pointsplatform.earning.rule.service.RuleAdmin.Mode;
import io.pointsplatform.kit.idempotency.IdempotencyKeys;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
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
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestResponse;

/** Admin: campaigns. Every change bumps the rule-set version; {@code spent} is kept across changes. */
@Path("/api/v1/campaigns")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class CampaignResource {

    private final RuleAdmin admin;
    private final IdempotencyKeys keys;

    public CampaignResource(RuleAdmin admin, IdempotencyKeys keys) {
        this.admin = admin;
        this.keys = keys;
    }

    @GET
    public Uni<List<Campaign>> list() {
        return admin.campaigns();
    }

    @GET
    @Path("/{campaignId}")
    public Uni<Campaign> get(@RestPath String campaignId) {
        return admin.campaign(campaignId);
    }

    @POST
    public Uni<RestResponse<Change<Campaign>>> create(@Valid @NotNull CampaignRequest request,
                                                      @RestHeader(IdempotencyKeys.HEADER) String idempotencyKey,
                                                      @Context UriInfo uri) {
        return keys.once(idempotencyKey, uri, request, () -> admin.save(request.toCampaign(request.campaignId()),
                        Mode.CREATE)
                .map(change -> RestResponse.status(RestResponse.Status.CREATED, change)));
    }

    @PUT
    @Path("/{campaignId}")
    public Uni<Change<Campaign>> change(@RestPath String campaignId, @Valid @NotNull CampaignRequest request) {
        return admin.save(request.toCampaign(campaignId), Mode.CHANGE);
    }

    @DELETE
    @Path("/{campaignId}")
    public Uni<Change<Campaign>> deactivate(@RestPath String campaignId) {
        return admin.deactivateCampaign(campaignId);
    }
}
