package io.pointsplatform.notification.webhook.rest;

import io.pointsplatform.kit.Identifiers;
import io.pointsplatform.kit.idempotency.IdempotencyKeys;
import io.pointsplatform.kit.security.Caller;
import io.pointsplatform.kit.security.Roles;
import io.pointsplatform.notification.webhook.service.WebhookService;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.net.URI;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestResponse;

@Path("/api/v1/webhooks")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Webhooks", description = "Merchants' systems told of events, signed as Standard Webhooks 1.0")
public class WebhookResource {

    private static final String ID = "The endpoint's webhookId";
    private static final String BAD_ID = "VALIDATION_FAILED: webhookId is not an id (1-64 letters, digits or ._:-)";
    private static final String NOT_FOUND = "NOT_FOUND: no such endpoint";

    private final WebhookService webhooks;
    private final Caller caller;

    public WebhookResource(WebhookService webhooks, Caller caller) {
        this.webhooks = webhooks;
        this.caller = caller;
    }

    @Schema(name = "WebhookRegistration", description = "A receiver to register")
    public record RegistrationRequest(
            @Schema(description = "http(s) URL of an outside receiver, at most 2048 characters", required = true)
            @NotNull @Size(max = WebhookService.MAX_URL_CHARS) String url,
            @Schema(description = "The CloudEvent types to deliver (types of points.ledger, members, redemptions)",
                    required = true)
            @NotNull @Size(min = 1, max = WebhookService.MAX_EVENT_TYPES) List<@NotNull @Size(max = 64) String> eventTypes,
            @Schema(description = "whsec_ + base64 of 24-64 random bytes; omitted: one is made") @Size(max = 200) String secret) {
    }

    @Schema(name = "WebhookSecretRotation", description = "Optionally, the new secret")
    public record RotationRequest(
            @Schema(description = "whsec_ + base64 of 24-64 random bytes; omitted: one is made") @Size(max = 200) String secret) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ADMIN)
    @Operation(operationId = "registerWebhook", summary = "Register a webhook endpoint",
            description = "Checks that the URL's host resolves to outside addresses only, stores the endpoint with its"
                    + " secret encrypted and answers the secret this once. With an Idempotency-Key (kept per caller) a"
                    + " repeat of the same request answers the same endpoint again, with its secret only while the"
                    + " secret has never been rotated (after a rotation, secret null).")
    @APIResponse(responseCode = "201", description = "Registered; the secret is shown only here",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = WebhookService.Created.class)))
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED: the body is not valid (JSON, types, unknown"
            + " properties), url is not an absolute http(s) URL without user info, an event type is unknown, the"
            + " secret is not whsec_ + base64 of 24-64 bytes, or a bad Idempotency-Key")
    @APIResponse(responseCode = "409", description = "IDEMPOTENCY_KEY_REUSED: the key was used for another registration")
    @APIResponse(responseCode = "422", description = "URL_NOT_ALLOWED: the host does not resolve or resolves to a"
            + " loopback, private, link-local or metadata address")
    public Uni<RestResponse<WebhookService.Created>> register(
            @Valid @NotNull RegistrationRequest request,
            @Parameter(description = "Makes a retry safe: the same key and body answer the first response again")
            @RestHeader(IdempotencyKeys.HEADER) String idempotencyKey) {
        return webhooks.register(new WebhookService.Registration(request.url(), request.eventTypes(), request.secret()),
                idempotencyKey, idempotencyKey == null ? null : caller.subject()).map(registered -> {
                    var answer = RestResponse.ResponseBuilder.create(RestResponse.Status.CREATED, registered.endpoint())
                            .location(URI.create("/api/v1/webhooks/" + registered.endpoint().webhookId()));
                    if (registered.replayed()) {
                        answer.header(IdempotencyKeys.REPLAYED_HEADER, "true");
                    }
                    return answer.build();
                });
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.ANALYST})
    @Operation(operationId = "listWebhooks", summary = "Registered webhook endpoints, in id order (no secrets)",
            description = "An analyst sees each url's scheme and host only (its path and query as /…: they may hold a"
                    + " receiver's token).")
    @APIResponse(responseCode = "200", description = "A page of endpoints",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = WebhookService.Page.class)))
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED: after is not an id or limit is not 1-100")
    public Uni<WebhookService.Page> list(
            @Parameter(description = "nextAfter of the previous page") @QueryParam("after")
            @Pattern(regexp = Identifiers.ID_PATTERN) String after,
            @Parameter(description = "Endpoints per page, 1 to 100") @QueryParam("limit") @DefaultValue("20")
            @Min(1) @Max(WebhookService.MAX_PAGE) int limit) {
        return webhooks.list(after, limit).map(page -> caller.hasRole(Roles.ADMIN) ? page : page.withoutPaths());
    }

    @GET
    @Path("/{webhookId}")
    @RolesAllowed({Roles.ADMIN, Roles.ANALYST})
    @Operation(operationId = "getWebhook", summary = "One webhook endpoint (no secret)",
            description = "An analyst sees the url's scheme and host only (its path and query as /…).")
    @APIResponse(responseCode = "200", description = "The endpoint",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = WebhookService.View.class)))
    @APIResponse(responseCode = "400", description = BAD_ID)
    @APIResponse(responseCode = "404", description = NOT_FOUND)
    public Uni<WebhookService.View> get(@Parameter(description = ID) @PathParam("webhookId")
                                        @Pattern(regexp = Identifiers.ID_PATTERN) String webhookId) {
        return webhooks.get(webhookId).map(view -> caller.hasRole(Roles.ADMIN) ? view : view.withoutPath());
    }

    @DELETE
    @Path("/{webhookId}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(operationId = "deleteWebhook", summary = "Delete a webhook endpoint and its deliveries (pending ones"
            + " are not sent)")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "400", description = BAD_ID)
    @APIResponse(responseCode = "404", description = NOT_FOUND)
    public Uni<Void> delete(@Parameter(description = ID) @PathParam("webhookId")
                            @Pattern(regexp = Identifiers.ID_PATTERN) String webhookId) {
        return webhooks.delete(webhookId);
    }

    @POST
    @Path("/{webhookId}/rotate-secret")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ADMIN)
    @Operation(operationId = "rotateWebhookSecret", summary = "Rotate an endpoint's signing secret",
            description = "The new secret signs every delivery from now on; the old one keeps signing beside it"
                    + " (two signatures in webhook-signature) for points.webhooks.rotation-overlap (24 h).")
    @APIResponse(responseCode = "200", description = "Rotated; the new secret is shown only here",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = WebhookService.Rotated.class)))
    @APIResponse(responseCode = "400", description = BAD_ID + "; the body is not valid or the secret is not whsec_ +"
            + " base64 of 24-64 bytes")
    @APIResponse(responseCode = "404", description = NOT_FOUND)
    public Uni<WebhookService.Rotated> rotate(@Parameter(description = ID) @PathParam("webhookId")
                                              @Pattern(regexp = Identifiers.ID_PATTERN) String webhookId,
                                              @Valid RotationRequest request) {
        return webhooks.rotate(webhookId, request == null ? null : request.secret());
    }

    @GET
    @Path("/{webhookId}/dead-letters")
    @RolesAllowed({Roles.ADMIN, Roles.ANALYST})
    @Operation(operationId = "listWebhookDeadLetters", summary = "An endpoint's dead deliveries, oldest first",
            description = "Deliveries given up after their retry window (points.webhooks.retry-window, 24 h).")
    @APIResponse(responseCode = "200", description = "A page of dead deliveries",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = WebhookService.DeliveryPage.class)))
    @APIResponse(responseCode = "400", description = BAD_ID + "; after is not a delivery id or limit is not 1-100")
    @APIResponse(responseCode = "404", description = NOT_FOUND)
    public Uni<WebhookService.DeliveryPage> deadLetters(
            @Parameter(description = ID) @PathParam("webhookId") @Pattern(regexp = Identifiers.ID_PATTERN) String webhookId,
            @Parameter(description = "nextAfter of the previous page") @QueryParam("after") @Min(0) Long after,
            @Parameter(description = "Deliveries per page, 1 to 100") @QueryParam("limit") @DefaultValue("20")
            @Min(1) @Max(WebhookService.MAX_PAGE) int limit) {
        return webhooks.deadLetters(webhookId, after, limit);
    }

    @POST
    @Path("/{webhookId}/dead-letters/{deliveryId}/resend")
    @RolesAllowed(Roles.ADMIN)
    @Operation(operationId = "resendWebhookDeadLetter", summary = "Send a dead delivery again",
            description = "It becomes PENDING with a new retry window, first in its member's queue for the endpoint.")
    @APIResponse(responseCode = "202", description = "Queued again",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = WebhookService.DeliveryView.class)))
    @APIResponse(responseCode = "400", description = BAD_ID + "; deliveryId is not a whole number")
    @APIResponse(responseCode = "404", description = "NOT_FOUND: no such endpoint or no such delivery of it")
    @APIResponse(responseCode = "409", description = "DELIVERY_NOT_DEAD: the delivery is pending or delivered")
    public Uni<RestResponse<WebhookService.DeliveryView>> resend(
            @Parameter(description = ID) @PathParam("webhookId") @Pattern(regexp = Identifiers.ID_PATTERN) String webhookId,
            @Parameter(description = "The dead delivery's deliveryId") @PathParam("deliveryId") @Min(1) long deliveryId) {
        return webhooks.resend(webhookId, deliveryId)
                .map(view -> RestResponse.status(RestResponse.Status.ACCEPTED, view));
    }
}
