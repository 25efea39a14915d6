package io.pointsplatform.notification.preference.rest;

import io.pointsplatform.kit.Identifiers;
import io.pointsplatform.kit.security.Caller;
import io.pointsplatform.kit.security.Roles;
import io.pointsplatform.notification.preference.Preferences;
import io.pointsplatform.notification.preference.repository.PreferenceRepository.OptOut;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/members/{memberId}/notification-preferences")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Notification preferences", description = "What a member does not want to be told, and where")
public class PreferenceResource {

    public static final String KIND = "\\*|member\\.enrolled|points\\.(earned|spent|returned|expired|expiring|reversed|adjusted)"
            + "|tier\\.changed|redemption\\.(completed|failed|cancelled)|marketing";

    private final Preferences preferences;
    private final Caller caller;

    public PreferenceResource(Preferences preferences, Caller caller) {
        this.preferences = preferences;
        this.caller = caller;
    }

    @Schema(name = "NotificationOptOut", description = "Not this kind (or * for every kind) on this channel")
    public record OptOutBody(
            @Schema(enumeration = {"email", "webhook", "stream"})
            @NotNull @Pattern(regexp = "email|webhook|stream", message = "must be email, webhook or stream") String channel,
            @Schema(description = "A notice kind (an event type or marketing), or * for every kind")
            @NotNull @Pattern(regexp = KIND, message = "must be a notice kind or *") String kind) {
    }

    @Schema(name = "NotificationPreferences", description = "A member's opt-outs; everything else is on")
    public record Body(@NotNull @Size(max = Preferences.MAX_OPT_OUTS) List<@NotNull @Valid OptOutBody> optOuts) {
        static Body of(List<OptOut> optOuts) {
            return new Body(optOuts.stream().map(o -> new OptOutBody(o.channel(), o.kind())).toList());
        }
    }

    @GET
    @RolesAllowed({Roles.MEMBER, Roles.ADMIN})
    @Operation(operationId = "getNotificationPreferences", summary = "A member's notification preferences")
    @APIResponse(responseCode = "200", description = "The member's opt-outs (none: everything on)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Body.class)))
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED: memberId is not an id")
    @APIResponse(responseCode = "403", description = "FORBIDDEN: the token's role may not call this; NOT_OWN_ACCOUNT: "
            + "a member's token for another member")
    public Uni<Body> get(@Parameter(description = "The member (a member's token: its own id only)")
                         @PathParam("memberId") @Pattern(regexp = Identifiers.ID_PATTERN) String memberId) {
        caller.requireAccess(memberId);
        return preferences.optOuts(memberId).map(Body::of);
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.MEMBER, Roles.ADMIN})
    @Operation(operationId = "putNotificationPreferences", summary = "Replace a member's notification preferences",
            description = "The opt-outs given replace the member's. Notices about expiry (points.expiring, "
                    + "points.expired) must stay on for at least one channel.")
    @APIResponse(responseCode = "200", description = "The member's opt-outs as stored",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Body.class)))
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED: memberId is not an id, or the body is not "
            + "valid (JSON, types, unknown properties, an unknown channel or kind, more than 42 opt-outs)")
    @APIResponse(responseCode = "403", description = "FORBIDDEN: the token's role may not call this; NOT_OWN_ACCOUNT: "
            + "a member's token for another member")
    @APIResponse(responseCode = "422", description = "EXPIRY_NOTICES_REQUIRED: an expiry kind would be off on every "
            + "channel")
    public Uni<Body> put(@Parameter(description = "The member (a member's token: its own id only)")
                         @PathParam("memberId") @Pattern(regexp = Identifiers.ID_PATTERN) String memberId,
                         @Valid @NotNull Body body) {
        caller.requireAccess(memberId);
        return preferences.replace(memberId, body.optOuts().stream().map(o -> new OptOut(o.channel(), o.kind())).toList())
                .map(Body::of);
    }
}
