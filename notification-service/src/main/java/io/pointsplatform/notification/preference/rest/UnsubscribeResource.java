package io.pointsplatform.notification.preference.rest;

import io.pointsplatform.kit.Identifiers;
import io.pointsplatform.kit.problem.ApiException;
import io.pointsplatform.notification.preference.Preferences;
import io.pointsplatform.notification.preference.UnsubscribeLinks;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.PermitAll;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirements;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * One-click unsubscribe (RFC 8058): the URL of a marketing e-mail's {@code List-Unsubscribe} header,
 * which a mail client POSTs ({@code List-Unsubscribe=One-Click}) when the member presses its
 * unsubscribe button. No token: the link's signature says which member it is for. A mail client
 * without one-click support opens the URL in a browser instead: that GET changes nothing (link
 * scanners fetch URLs too, RFC 8058 section 3.2) and shows a page whose button POSTs it, answered
 * with a page as well.
 */
@Path("/api/v1/unsubscribe")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Notification preferences", description = "What a member does not want to be told, and where")
public class UnsubscribeResource {

    private static final String NOT_A_LINK = "VALIDATION_FAILED: member is not an id, list is not marketing, or sig"
            + " is missing";
    private static final String FORGED_LINK = "UNSUBSCRIBE_LINK_INVALID: the signature is not this service's for this"
            + " member and list";

    private final Preferences preferences;
    private final UnsubscribeLinks links;
    /** templates/unsubscribe/: Chinese and English, no script, no style. */
    private final Template confirm;
    private final Template done;

    public UnsubscribeResource(Preferences preferences, UnsubscribeLinks links,
                               @Location("unsubscribe/confirm") Template confirm,
                               @Location("unsubscribe/done") Template done) {
        this.preferences = preferences;
        this.links = links;
        this.confirm = confirm;
        this.done = done;
    }

    /** The link's query: which member, which list, and the signature that says the link is this service's. */
    public static class Link {
        @Parameter(description = "The member the link was made for")
        @QueryParam("member")
        @NotNull
        @Pattern(regexp = Identifiers.ID_PATTERN)
        String member;

        @Parameter(description = "The list: marketing")
        @QueryParam("list")
        @NotNull
        @Pattern(regexp = UnsubscribeLinks.MARKETING, message = "must be marketing")
        String list;

        @Parameter(description = "The link's signature")
        @QueryParam("sig")
        @NotNull
        @Pattern(regexp = "[A-Za-z0-9_-]{43}", message = "must be the link's signature")
        String sig;
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
    @APIResponse(responseCode = "200", description = "The member is off the list's e-mails (a page for a browser's form)",
            content = {@Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Unsubscribed.class)),
                @Content(mediaType = MediaType.TEXT_HTML, schema = @Schema(type = SchemaType.STRING))})
    @APIResponse(responseCode = "400", description = NOT_A_LINK)
    @APIResponse(responseCode = "403", description = FORGED_LINK)
    @Produces({MediaType.APPLICATION_JSON, MediaType.TEXT_HTML})
    public Uni<Response> unsubscribe(@BeanParam @Valid Link link, @Context HttpHeaders headers) {
        requireSigned(link);
        return preferences.unsubscribe(link.member, link.list).map(unsubscribed -> wantsPage(headers)
                ? page(done.instance())
                : Response.ok(new Unsubscribed(link.member, link.list, Preferences.EMAIL), MediaType.APPLICATION_JSON_TYPE)
                        .build());
    }

    @GET
    @PermitAll
    @SecurityRequirements
    @Produces(MediaType.TEXT_HTML)
    @Operation(operationId = "unsubscribePage", summary = "The unsubscribe link opened in a browser: a page to confirm",
            description = "For mail clients without one-click unsubscribe, which open the List-Unsubscribe URL in a"
                    + " browser. Changes nothing (link scanners fetch URLs too); its button POSTs the same URL.")
    @APIResponse(responseCode = "200", description = "A page asking to confirm, in Chinese and English",
            content = @Content(mediaType = MediaType.TEXT_HTML, schema = @Schema(type = SchemaType.STRING)))
    @APIResponse(responseCode = "400", description = NOT_A_LINK)
    @APIResponse(responseCode = "403", description = FORGED_LINK)
    public Response confirmationPage(@BeanParam @Valid Link link) {
        requireSigned(link);
        return page(confirm.data("action",
                "unsubscribe?member=" + link.member + "&list=" + link.list + "&sig=" + link.sig));
    }

    private void requireSigned(Link link) {
        if (!links.verify(link.member, link.list, link.sig)) {
            throw new ApiException(403, "UNSUBSCRIBE_LINK_INVALID", "Not an unsubscribe link of this service",
                    "The link's signature does not match its member and list");
        }
    }

    /** A browser's form (its Accept puts text/html first); a mail client's one-click POST gets JSON. */
    private static boolean wantsPage(HttpHeaders headers) {
        List<MediaType> acceptable = headers.getAcceptableMediaTypes();
        return !acceptable.isEmpty() && "text".equals(acceptable.get(0).getType())
                && "html".equals(acceptable.get(0).getSubtype());
    }

    /** No script, no frames, the signed URL not passed on as a referrer. */
    private static Response page(TemplateInstance page) {
        // Cache-Control: no-store is on every answer already (quarkus.http.header, service-kit).
        return Response.ok(page.render(), MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                .header("Content-Security-Policy", "default-src 'none'; form-action 'self'; frame-ancestors 'none'")
                .header("X-Frame-Options", "DENY")
                .header("Referrer-Policy", "no-referrer")
                .build();
    }
}
