package io.pointsplatform.catalog.reservation.rest;

import io.pointsplatform.catalog.reservation.service.DrawAudit;
import io.pointsplatform.catalog.reservation.service.ReservationService;
import io.pointsplatform.catalog.reservation.service.ReservationView;
import io.pointsplatform.kit.Identifiers;
import io.pointsplatform.kit.problem.ApiException;
import io.pointsplatform.kit.problem.Problem;
import io.pointsplatform.kit.security.Caller;
import io.pointsplatform.kit.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

/** Stock held for a redemption: reserve, confirm, release, return; and a lottery draw for an auditor. */
@Path("/api/v1/rewards/{rewardId}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Reservations", description = "Stock held for a redemption, by redemption-service (role service) or an admin")
public class ReservationResource {

    private static final String ID = "must be 1-64 letters, digits or ._:-";

    private final ReservationService reservations;
    private final Caller caller;

    public ReservationResource(ReservationService reservations, Caller caller) {
        this.reservations = reservations;
        this.caller = caller;
    }

    @POST
    @Path("/reservations")
    @RolesAllowed({Roles.SERVICE, Roles.ADMIN})
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "reserveStock", summary = "Reserve stock",
            description = "Holds quantity units for ttlSeconds (default 900), counting against the member's limit. A "
                    + "COUPON takes a code (shown at confirm); a LOTTERY draws now from a recorded seed and holds the "
                    + "prize won (prizeId null: no prize). Idempotent by reservationId: the same again answers 200 "
                    + "with the reservation as it now is. Publishes stock.changed when a level moved.")
    @APIResponse(responseCode = "201", description = "Reserved",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ReservationView.class)))
    @APIResponse(responseCode = "200", description = "This reservation was made before: it is answered as it now is",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ReservationView.class)))
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED: the body or rewardId is not valid, quantity is "
            + "not 1 for a LOTTERY or a COUPON (one draw, one code a reservation), or a seed was given by another role than admin")
    @APIResponse(responseCode = "404", description = "NOT_FOUND: no reward has this id")
    @APIResponse(responseCode = "409", description = "OUT_OF_STOCK: fewer units left than asked; LIMIT_REACHED: the "
            + "member's limit in its period is used (RESERVED and CONFIRMED count); both name the reward (rewardName). "
            + "RESERVATION_CONFLICT: the id names a reservation with another body",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = ReservationRefused.class)))
    @APIResponse(responseCode = "422", description = "NOT_ELIGIBLE: reasons lists every one of TIER_TOO_LOW, "
            + "NOT_STARTED, ENDED, RETIRED that applies; rewardName names the reward",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = ReservationRefused.class)))
    public Uni<RestResponse<ReservationView>> reserve(
            @Parameter(description = "The reward's id") @PathParam("rewardId") @Pattern(regexp = Identifiers.ID_PATTERN, message = ID) String rewardId,
            @Valid @NotNull ReservationRequest request) {
        if (request.seed() != null && !caller.hasRole(Roles.ADMIN)) {
            throw ApiException.validation("seed", "only an admin may choose a lottery's seed");
        }
        return reservations.reserve(request.toOrder(rewardId)).map(view -> view.created()
                ? RestResponse.status(RestResponse.Status.CREATED, view) : RestResponse.ok(view));
    }

    @POST
    @Path("/reservations/{reservationId}/confirm")
    @RolesAllowed({Roles.SERVICE, Roles.ADMIN})
    @Operation(operationId = "confirmReservation", summary = "Confirm a reservation",
            description = "The reward is given: a COUPON's code is issued and shown, a DONATION is added to its cause's "
                    + "total. Idempotent: a confirmed reservation answers as it is.")
    @APIResponse(responseCode = "200", description = "CONFIRMED",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ReservationView.class)))
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED: rewardId or reservationId is not an id")
    @APIResponse(responseCode = "404", description = "NOT_FOUND: no reservation has this id for this reward")
    @APIResponse(responseCode = "409", description = "RESERVATION_EXPIRED, RESERVATION_RELEASED or "
            + "RESERVATION_RETURNED: the stock is no longer held for it")
    public Uni<ReservationView> confirm(
            @Parameter(description = "The reward's id") @PathParam("rewardId") @Pattern(regexp = Identifiers.ID_PATTERN, message = ID) String rewardId,
            @Parameter(description = "The reservation's id") @PathParam("reservationId") @Pattern(regexp = Identifiers.ID_PATTERN, message = ID) String reservationId) {
        return reservations.confirm(rewardId, reservationId);
    }

    @POST
    @Path("/reservations/{reservationId}/release")
    @RolesAllowed({Roles.SERVICE, Roles.ADMIN})
    @Operation(operationId = "releaseReservation", summary = "Release a reservation",
            description = "The stock (a prize, a coupon code) and the member's limit come back. Idempotent: a released "
                    + "or expired reservation answers as it is.")
    @APIResponse(responseCode = "200", description = "RELEASED (or EXPIRED, if the job came first)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ReservationView.class)))
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED: rewardId or reservationId is not an id")
    @APIResponse(responseCode = "404", description = "NOT_FOUND: no reservation has this id for this reward")
    @APIResponse(responseCode = "409", description = "RESERVATION_CONFIRMED: it was confirmed; return it instead")
    public Uni<ReservationView> release(
            @Parameter(description = "The reward's id") @PathParam("rewardId") @Pattern(regexp = Identifiers.ID_PATTERN, message = ID) String rewardId,
            @Parameter(description = "The reservation's id") @PathParam("reservationId") @Pattern(regexp = Identifiers.ID_PATTERN, message = ID) String reservationId) {
        return reservations.release(rewardId, reservationId);
    }

    @POST
    @Path("/reservations/{reservationId}/return")
    @RolesAllowed({Roles.SERVICE, Roles.ADMIN})
    @Operation(operationId = "returnReservation", summary = "Return a confirmed reservation",
            description = "After a cancelled redemption: stock, a prize and the member's limit come back, a DONATION "
                    + "is taken off its cause's total; a COUPON's code is voided, never issued again (so its stock "
                    + "stays). With undelivered=true (the redemption failed after the confirm, so the member never "
                    + "saw what it was given) a COUPON's code goes back to be issued again, with its unit of stock. "
                    + "Idempotent: a returned reservation answers as it is.")
    @APIResponse(responseCode = "200", description = "RETURNED",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ReservationView.class)))
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED: rewardId or reservationId is not an id, or undelivered is not true or false")
    @APIResponse(responseCode = "404", description = "NOT_FOUND: no reservation has this id for this reward")
    @APIResponse(responseCode = "409", description = "RESERVATION_NOT_CONFIRMED: it is RESERVED, RELEASED or EXPIRED")
    public Uni<ReservationView> giveBack(
            @Parameter(description = "The reward's id") @PathParam("rewardId") @Pattern(regexp = Identifiers.ID_PATTERN, message = ID) String rewardId,
            @Parameter(description = "The reservation's id") @PathParam("reservationId") @Pattern(regexp = Identifiers.ID_PATTERN, message = ID) String reservationId,
            @Parameter(description = "true when the reward never reached the member (false by default: a cancel)")
            @QueryParam("undelivered") @DefaultValue("false") @Pattern(regexp = "true|false", message = "must be true or false") String undelivered) {
        return reservations.giveBackConfirmed(rewardId, reservationId, Boolean.parseBoolean(undelivered));
    }

    @GET
    @Path("/reservations/{reservationId}")
    @RolesAllowed({Roles.SERVICE, Roles.ADMIN, Roles.ANALYST})
    @Operation(operationId = "getReservation", summary = "Get a reservation")
    @APIResponse(responseCode = "200", description = "The reservation",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ReservationView.class)))
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED: rewardId or reservationId is not an id")
    @APIResponse(responseCode = "404", description = "NOT_FOUND: no reservation has this id for this reward")
    public Uni<ReservationView> get(
            @Parameter(description = "The reward's id") @PathParam("rewardId") @Pattern(regexp = Identifiers.ID_PATTERN, message = ID) String rewardId,
            @Parameter(description = "The reservation's id") @PathParam("reservationId") @Pattern(regexp = Identifiers.ID_PATTERN, message = ID) String reservationId) {
        return reservations.get(rewardId, reservationId);
    }

    @GET
    @Path("/draws/{reservationId}")
    @RolesAllowed({Roles.SERVICE, Roles.ADMIN, Roles.ANALYST})
    @Operation(operationId = "getDraw", summary = "Audit a lottery draw",
            description = "The reservation's recorded seed, the ticket it gives, the prize table as it was at the draw, "
                    + "the recorded outcome, and the draw run again from them, with whether the two match.")
    @APIResponse(responseCode = "200", description = "The draw",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = DrawAudit.class)))
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED: rewardId or reservationId is not an id")
    @APIResponse(responseCode = "404", description = "NOT_FOUND: no lottery reservation has this id for this reward")
    public Uni<DrawAudit> draw(
            @Parameter(description = "The reward's id") @PathParam("rewardId") @Pattern(regexp = Identifiers.ID_PATTERN, message = ID) String rewardId,
            @Parameter(description = "The reservation's id") @PathParam("reservationId") @Pattern(regexp = Identifiers.ID_PATTERN, message = ID) String reservationId) {
        return reservations.draw(rewardId, reservationId);
    }
}
