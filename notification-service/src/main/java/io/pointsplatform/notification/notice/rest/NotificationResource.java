package io.pointsplatform.notification.notice.rest;

import io.pointsplatform.kit.Identifiers;
import io.pointsplatform.kit.security.Caller;
import io.pointsplatform.kit.security.Roles;
import io.pointsplatform.notification.notice.service.NotificationService;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

@Path("/api/v1/members/{memberId}/notifications")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Notifications", description = "What members have been told")
public class NotificationResource {

    private final NotificationService notifications;
    private final Caller caller;

    public NotificationResource(NotificationService notifications, Caller caller) {
        this.notifications = notifications;
        this.caller = caller;
    }

    /** Newest first; pass {@code nextCursor} back as {@code cursor} for the next page. */
    @GET
    @RolesAllowed({Roles.MEMBER, Roles.ADMIN, Roles.ANALYST, Roles.SERVICE})
    @Operation(operationId = "listNotifications", summary = "A member's notifications, newest first",
            description = "A page of notifications; pass nextCursor back as cursor for the next one "
                    + "(nextCursor is null on the last page).")
    @APIResponse(responseCode = "200", description = "A page of the member's notifications",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = NotificationService.Page.class)))
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED: memberId is not an id (1-64 letters, "
            + "digits or ._:-), cursor is not one this service gave out, or limit is not a whole number from 1 to 100")
    @APIResponse(responseCode = "403", description = "FORBIDDEN: the token's role may not call this; NOT_OWN_ACCOUNT: "
            + "a member's token for another member")
    public Uni<NotificationService.Page> list(
            @Parameter(description = "The member (a member's token: its own id only)")
            @PathParam("memberId") @Pattern(regexp = Identifiers.ID_PATTERN) String memberId,
            @Parameter(description = "nextCursor of the previous page")
            @QueryParam("cursor") @Size(max = 512) String cursor,
            @Parameter(description = "Notifications per page, 1 to 100")
            @QueryParam("limit") @DefaultValue("20") @Min(1) @Max(NotificationService.MAX_PAGE) int limit) {
        caller.requireAccess(memberId);
        return notifications.page(memberId, cursor, limit);
    }

    /** Marks one notification read; reading it again keeps the first time. */
    @POST
    @Path("/{notificationId}/read")
    @RolesAllowed({Roles.MEMBER, Roles.ADMIN})
    @Operation(operationId = "markNotificationRead", summary = "Mark one of a member's notifications read",
            description = "Sets readAt (once: a second call keeps the first time). No body.")
    @APIResponse(responseCode = "204", description = "Marked read")
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED: memberId is not an id, or notificationId is "
            + "not 1-256 printable ASCII characters")
    @APIResponse(responseCode = "403", description = "FORBIDDEN: the token's role may not call this; NOT_OWN_ACCOUNT: "
            + "a member's token for another member")
    @APIResponse(responseCode = "404", description = "NOT_FOUND: the member has no notification of that id")
    public Uni<RestResponse<Void>> markRead(
            @Parameter(description = "The member (a member's token: its own id only)")
            @PathParam("memberId") @Pattern(regexp = Identifiers.ID_PATTERN) String memberId,
            @Parameter(description = "The notification's id")
            @PathParam("notificationId") @Pattern(regexp = NOTIFICATION_ID, message = "must be 1-256 printable ASCII characters")
            String notificationId) {
        caller.requireAccess(memberId);
        return notifications.markRead(memberId, notificationId).replaceWith(RestResponse.noContent());
    }

    @POST
    @Path("/read-all")
    @RolesAllowed({Roles.MEMBER, Roles.ADMIN})
    @Operation(operationId = "markAllNotificationsRead", summary = "Mark every unread notification of a member read",
            description = "No body; answers how many were unread.")
    @APIResponse(responseCode = "200", description = "How many were marked",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = NotificationService.ReadAll.class)))
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED: memberId is not an id")
    @APIResponse(responseCode = "403", description = "FORBIDDEN: the token's role may not call this; NOT_OWN_ACCOUNT: "
            + "a member's token for another member")
    public Uni<NotificationService.ReadAll> markAllRead(
            @Parameter(description = "The member (a member's token: its own id only)")
            @PathParam("memberId") @Pattern(regexp = Identifiers.ID_PATTERN) String memberId) {
        caller.requireAccess(memberId);
        return notifications.markAllRead(memberId);
    }

    @GET
    @Path("/unread-count")
    @RolesAllowed({Roles.MEMBER, Roles.ADMIN, Roles.ANALYST, Roles.SERVICE})
    @Operation(operationId = "countUnreadNotifications", summary = "How many of a member's notifications are unread")
    @APIResponse(responseCode = "200", description = "The unread count",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = NotificationService.Unread.class)))
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED: memberId is not an id")
    @APIResponse(responseCode = "403", description = "FORBIDDEN: the token's role may not call this; NOT_OWN_ACCOUNT: "
            + "a member's token for another member")
    public Uni<NotificationService.Unread> unread(
            @Parameter(description = "The member (a member's token: its own id only)")
            @PathParam("memberId") @Pattern(regexp = Identifiers.ID_PATTERN) String memberId) {
        caller.requireAccess(memberId);
        return notifications.unread(memberId);
    }

    /** Event ids as the log carries them; printable ASCII keeps U+0000 and the like away from PostgreSQL. */
    static final String NOTIFICATION_ID = "[\\x21-\\x7E]{1,256}";
}
