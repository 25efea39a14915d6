package io.pointsplatform.earning.activity.rest;

import io.pointsplatform.earning.activity.service.ActivityCredit;
import io.pointsplatform.earning.activity.service.ActivityService;
import io.pointsplatform.kit.idempotency.IdempotencyKeys;
import io.pointsplatform.kit.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
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
    @RolesAllowed(Roles.CHECKOUT)
    @Operation(operationId = "recordActivity", summary = "Credit an activity (check-in, birthday, a configured kind)",
            description = "Credits the activity's points once per member, kind and day (year for a birthday).")
    @APIResponse(responseCode = "201", description = "Credited",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = ActivityCredit.class)))
    @APIResponse(responseCode = "200", description = "Already credited for that period; nothing written",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = ActivityCredit.class)))
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED: the body is not valid (JSON, types, unknown"
            + " properties, constraints), a day in the future or more than 30 days back, occurredAt later than now"
            + " plus 60 s of clock skew, a kind this programme does not reward, or a bad Idempotency-Key")
    @APIResponse(responseCode = "409", description = "IDEMPOTENCY_KEY_REUSED: the key was used for another body")
    @APIResponse(responseCode = "422", description = "UNKNOWN_MEMBER: the member was never enrolled; NOT_ELIGIBLE: a"
            + " birthday on a day that is not the member's birthday")
    public Uni<RestResponse<ActivityCredit>> record(@Valid @NotNull ActivityRequest request,
                                                    @Parameter(description = "Makes a retry safe: the same key and"
                                                            + " body answer the first response again")
                                                    @RestHeader(IdempotencyKeys.HEADER) String idempotencyKey,
                                                    @Context UriInfo uri) {
        return keys.once(idempotencyKey, uri, request, () -> activities.record(request).map(credit -> credit.created()
                ? RestResponse.status(RestResponse.Status.CREATED, credit)
                : RestResponse.ok(credit)));
    }
}
