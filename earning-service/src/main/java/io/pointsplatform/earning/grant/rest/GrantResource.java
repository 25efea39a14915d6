package io.pointsplatform.earning.grant.rest;

import io.pointsplatform.earning.grant.service.GrantService;
import io.pointsplatform.kit.idempotency.IdempotencyKeys;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestResponse;

/** Admin: a campaign's points to many members at once. */
@Path("/api/v1/campaigns/{campaignId}/grants")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class GrantResource {

    private final GrantService grants;
    private final IdempotencyKeys keys;

    public GrantResource(GrantService grants, IdempotencyKeys keys) {
        this.grants = grants;
        this.keys = keys;
    }

    /** 201 when granted; 200 with the first body when the same grant is repeated. */
    @POST
    public Uni<RestResponse<String>> grant(@RestPath String campaignId, @Valid @NotNull GrantRequest request,
                                           @RestHeader(IdempotencyKeys.HEADER) String idempotencyKey,
                                           @Context UriInfo uri) {
        return keys.once(idempotencyKey, uri, request, () -> grants.grant(campaignId, request)
                .map(granted -> granted.created()
                        ? RestResponse.status(RestResponse.Status.CREATED, granted.body())
                        : RestResponse.ok(granted.body())));
    }
}
