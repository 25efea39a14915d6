package io.pointsplatform.earning.activity.rest;

import io.pointsplatform.earning.activity.service.ActivityCredit;
import io.pointsplatform.earning.activity.service.ActivityService;
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
import org.jboss.resteasy.reactive.RestResponse;

@Path("/api/v1/activities")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class ActivityResource {

    private final ActivityService activities;
    private final IdempotencyKeys keys;

    public ActivityResource(ActivityService activities, IdempotencyKeys keys) {
        this.activities = activities;
        this.keys = keys;
    }

    /** 201 when credited, 200 when this activity was already credited for its period. */
    @POST
    public Uni<RestResponse<ActivityCredit>> record(@Valid @NotNull ActivityRequest request,
                                                    @RestHeader(IdempotencyKeys.HEADER) String idempotencyKey,
                                                    @Context UriInfo uri) {
        return keys.once(idempotencyKey, uri, request, () -> activities.record(request).map(credit -> credit.created()
                ? RestResponse.status(RestResponse.Status.CREATED, credit)
                : RestResponse.ok(credit)));
    }
}
