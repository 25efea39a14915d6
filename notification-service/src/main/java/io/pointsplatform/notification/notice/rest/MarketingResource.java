package io.pointsplatform.notification.notice.rest;

import io.pointsplatform.kit.idempotency.IdempotencyKeys;
import io.pointsplatform.kit.problem.ApiException;
import io.pointsplatform.kit.security.Roles;
import io.pointsplatform.notification.notice.service.MarketingService;
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
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestResponse;

@Path("/api/v1/notifications/marketing")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Notifications", description = "What members have been told")
public class MarketingResource {

    private final MarketingService marketing;
    private final IdempotencyKeys keys;

    public MarketingResource(MarketingService marketing, IdempotencyKeys keys) {
        this.marketing = marketing;
        this.keys = keys;
    }

    @POST
    @RolesAllowed(Roles.ADMIN)
    @Operation(operationId = "sendMarketing", summary = "Send a marketing message to members",
            description = "A notice of kind marketing (title and body as given) to each member named, or to every "
                    + "member known from the members topic; e-mailed to members with an address who have not opted "
                    + "out of marketing e-mail. Once per campaignId and member.")
    @APIResponse(responseCode = "201", description = "Sent",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = MarketingService.Sent.class)))
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED: the body is not valid (JSON, types, unknown "
            + "properties, constraints), neither or both of memberIds and all = true, or a bad Idempotency-Key")
    @APIResponse(responseCode = "409", description = "IDEMPOTENCY_KEY_REUSED: the key was used for another body")
    public Uni<RestResponse<MarketingService.Sent>> send(@Valid @NotNull MarketingRequest request,
                                                         @Parameter(description = "Makes a retry safe: the same key and "
                                                                 + "body answer the first response again")
                                                         @RestHeader(IdempotencyKeys.HEADER) String idempotencyKey,
                                                         @Context UriInfo uri) {
        boolean all = Boolean.TRUE.equals(request.all());
        if (all == (request.memberIds() != null)) {
            throw ApiException.validation("memberIds", "give either memberIds or all = true");
        }
        return keys.once(idempotencyKey, uri, request, () -> marketing.send(new MarketingService.Campaign(
                        request.campaignId(), request.title(), request.body(), all ? null : request.memberIds()))
                .map(sent -> RestResponse.status(RestResponse.Status.CREATED, sent)));
    }
}
