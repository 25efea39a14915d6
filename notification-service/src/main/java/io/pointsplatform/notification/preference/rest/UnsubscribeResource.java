package io.pointsplatform.notification.preference.rest;

import io.pointsplatform.kit.Identifiers;
import io.pointsplatform.kit.problem.ApiException;
import io.pointsplatform.notification.preference.Preferences;
import io.pointsplatform.notification.preference.UnsubscribeLinks;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.PermitAll;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirements;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * One-click unsubscribe (RFC 8058): the URL of a marketing e-mail's {@code List-Unsubscribe} header,
 * which a mail client POSTs ({@code List-Unsubscribe=One-Click}) when the member presses its
 * unsubscribe button. No token: the link's signature says which member it is for.
 */
@Path("/api/v1/unsubscribe")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Notification preferences", description = "What a member does not want to be told, and where")
public class UnsubscribeResource {

    private final Preferences preferences;
    private final UnsubscribeLinks links;

    public UnsubscribeResource(Preferences preferences, UnsubscribeLinks links) {
        this.preferences = preferences;
        this.links = links;
    }

    @Schema(name = "Unsubscribed", description = "The member no longer gets e-mails of this list")
    public record Unsubscribed(String memberId, String list, String channel) {
    }

    @POST
    @PermitAll
    @SecurityRequirements
    @Operation(operationId = "unsubscribe", summary = "One-click unsubscribe from a marketing e-mail's link",
            description = "The URL of a marketing e-mail's List-Unsubscribe header (RFC 8058), POSTed by the mail"
                    + " client with the body List-Unsubscribe=One-Click (any body is taken). Opts the member out of"
                    + " e-mail for the list (kind marketing); the same again changes nothing. Needs no token: the"
                    + " link's signature names the member.")
    @APIResponse(responseCode = "200", description = "The member is off the list's e-mails",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Unsubscribed.class)))
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED: member is not an id, list is not marketing,"
            + " or sig is missing")
    @APIResponse(responseCode = "403", description = "UNSUBSCRIBE_LINK_INVALID: the signature is not this service's"
            + " for this member and list")
    public Uni<Unsubscribed> unsubscribe(
            @Parameter(description = "The member the link was made for")
            @QueryParam("member") @NotNull @Pattern(regexp = Identifiers.ID_PATTERN) String member,
            @Parameter(description = "The list: marketing")
            @QueryParam("list") @NotNull @Pattern(regexp = UnsubscribeLinks.MARKETING, message = "must be marketing") String list,
            @Parameter(description = "The link's signature")
            @QueryParam("sig") @NotNull @Pattern(regexp = "[A-Za-z0-9_-]{43}", message = "must be the link's signature")
            String sig) {
        if (!links.verify(member, list, sig)) {
            throw new ApiException(403, "UNSUBSCRIBE_LINK_INVALID", "Not an unsubscribe link of this service",
                    "The link's signature does not match its member and list");
        }
        return preferences.unsubscribe(member, list).replaceWith(new Unsubscribed(member, list, Preferences.EMAIL));
    }
}
