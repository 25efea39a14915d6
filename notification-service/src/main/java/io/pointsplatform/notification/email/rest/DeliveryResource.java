package io.pointsplatform.notification.email.rest;

import io.pointsplatform.kit.Identifiers;
import io.pointsplatform.kit.security.Roles;
import io.pointsplatform.notification.email.repository.DeliveryRepository;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/admin/notification-deliveries")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Notification deliveries", description = "Where each notice has been sent, per channel")
public class DeliveryResource {

    static final int MAX_PAGE = 100;

    private final DeliveryRepository deliveries;

    public DeliveryResource(DeliveryRepository deliveries) {
        this.deliveries = deliveries;
    }

    @GET
    @RolesAllowed(Roles.ADMIN)
    @Operation(operationId = "listNotificationDeliveries", summary = "Notice deliveries, most recently changed first",
            description = "Each notice's delivery per channel (email): PENDING (with attempts so far, the next "
                    + "attempt's time and the last failure), SENT, FAILED (tries used up; the reason) or SKIPPED "
                    + "(no address, opted out).")
    @APIResponse(responseCode = "200", description = "Deliveries",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Page.class)))
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED: status is not PENDING, SENT, FAILED or "
            + "SKIPPED, memberId is not an id, or limit is not a whole number from 1 to 100")
    public Uni<Page> list(
            @Parameter(description = "Only deliveries in this state")
            @QueryParam("status") @Pattern(regexp = "PENDING|SENT|FAILED|SKIPPED",
                    message = "must be PENDING, SENT, FAILED or SKIPPED") String status,
            @Parameter(description = "Only this member's")
            @QueryParam("memberId") @Pattern(regexp = Identifiers.ID_PATTERN) String memberId,
            @Parameter(description = "At most this many, 1 to 100")
            @QueryParam("limit") @DefaultValue("50") @Min(1) @Max(MAX_PAGE) int limit) {
        return deliveries.list(status, memberId, limit).map(Page::new);
    }

    @Schema(name = "NotificationDeliveries")
    public record Page(List<DeliveryRepository.Delivery> items) {
    }
}
