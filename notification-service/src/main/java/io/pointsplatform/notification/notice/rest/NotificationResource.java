package io.pointsplatform.notification.notice.rest;

import io.pointsplatform.kit.Identifiers;
import io.pointsplatform.notification.notice.service.NotificationService;
import io.smallrye.mutiny.Uni;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

@Path("/api/v1/members/{memberId}/notifications")
@Produces(MediaType.APPLICATION_JSON)
public class NotificationResource {

    private final NotificationService notifications;

    public NotificationResource(NotificationService notifications) {
        this.notifications = notifications;
    }

    /** Newest first; pass {@code nextCursor} back as {@code cursor} for the next page. */
    @GET
    public Uni<NotificationService.Page> list(
            @PathParam("memberId") @Pattern(regexp = Identifiers.ID_PATTERN) String memberId,
            @QueryParam("cursor") @Size(max = 512) String cursor,
            @QueryParam("limit") @DefaultValue("20") @Min(1) @Max(NotificationService.MAX_PAGE) int limit) {
        return notifications.page(memberId, cursor, limit);
    }
}
