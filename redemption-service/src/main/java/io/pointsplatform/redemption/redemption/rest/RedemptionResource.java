package io.pointsplatform.redemption.redemption.rest;

import io.pointsplatform.kit.Identifiers;
import io.pointsplatform.kit.idempotency.IdempotencyKeys;
import io.pointsplatform.kit.security.Caller;
import io.pointsplatform.kit.security.Roles;
import io.pointsplatform.kit.limit.MemberRateLimits;
import io.pointsplatform.redemption.redemption.service.Redemption;
import io.pointsplatform.redemption.redemption.service.RedemptionService;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestResponse;

/** Redemptions: a member spends points on a reward (the saga), reads them, cancels one. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Redemptions", description = "Spending points on rewards")
public class RedemptionResource {

    static final int MAX_PAGE = 200;
    private static final String ID_MESSAGE = "must be 1-64 letters, digits or ._:-";

    private final RedemptionService redemptions;
    private final MemberRateLimits limits;
    private final IdempotencyKeys keys;
    private final Caller caller;

    public RedemptionResource(RedemptionService redemptions, MemberRateLimits limits, IdempotencyKeys keys,
                              Caller caller) {
        this.redemptions = redemptions;
        this.limits = limits;
        this.keys = keys;
        this.caller = caller;
    }

    @POST
    @Path("/redemptions")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.MEMBER)
    @Operation(operationId = "createRedemption", summary = "Redeem a reward with points",
            description = "Records the redemption PENDING and runs the saga (reserve stock, hold points, capture,"
                    + " confirm, issue the code) for at most points.redemption.wait (3 s): 201 with COMPLETED or"
                    + " FAILED (code says why), else 202 PENDING with Location to poll. A member redeems for itself"
                    + " only. Idempotency-Key: a repeat answers the first response.")
    @APIResponse(responseCode = "201", description = "Settled: COMPLETED or FAILED (with its code)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RedemptionView.class)))
    @APIResponse(responseCode = "202", description = "Not settled yet: PENDING; poll Location",
            headers = @Header(name = "Location", description = "GET this for the outcome", schema = @Schema(type = SchemaType.STRING)),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RedemptionView.class)))
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED: the body is not valid")
    @APIResponse(responseCode = "403", description = "NOT_OWN_ACCOUNT: a member's token for another member")
    @APIResponse(responseCode = "409", description = "IDEMPOTENCY_KEY_REUSED: the key was used for another request")
    @APIResponse(responseCode = "429", description = "RATE_LIMITED: too many redemptions by this member; Retry-After says when",
            headers = @Header(name = "Retry-After", description = "seconds", schema = @Schema(type = SchemaType.INTEGER)))
    public Uni<RestResponse<RedemptionView>> create(
            @Parameter(description = "Makes the call idempotent: a repeat with the same body answers the first response")
            @RestHeader(IdempotencyKeys.HEADER) String idempotencyKey,
            @Valid @NotNull RedemptionRequest request, @Context UriInfo uri) {
        caller.requireAccess(request.memberId());
        return keys.once(idempotencyKey, uri, request, () -> {
            limits.acquire("redemptions", request.memberId());
            return redemptions.redeem(request.memberId(), request.rewardId(), request.quantityOrDefault(),
                    idempotencyKey).map(r -> answer(r, uri));
        });
    }

    @GET
    @Path("/redemptions/{redemptionId}")
    @RolesAllowed({Roles.MEMBER, Roles.ADMIN, Roles.ANALYST, Roles.SERVICE})
    @Operation(operationId = "getRedemption", summary = "A redemption as it stands",
            description = "A member reads its own redemptions only.")
    @APIResponse(responseCode = "200", description = "The redemption",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RedemptionView.class)))
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED: redemptionId is not an id")
    @APIResponse(responseCode = "403", description = "NOT_OWN_ACCOUNT: another member's redemption")
    @APIResponse(responseCode = "404", description = "NOT_FOUND: no such redemption")
    public Uni<RedemptionView> get(@PathParam("redemptionId") @Pattern(regexp = Identifiers.ID_PATTERN,
            message = ID_MESSAGE) String redemptionId) {
        return redemptions.find(redemptionId).map(r -> {
            caller.requireAccess(r.memberId());
            return view(r);
        });
    }

    @GET
    @Path("/members/{memberId}/redemptions")
    @RolesAllowed({Roles.MEMBER, Roles.ADMIN, Roles.ANALYST, Roles.SERVICE})
    @Operation(operationId = "listMemberRedemptions", summary = "A member's redemptions, newest first",
            description = "Cursor paging: nextCursor of a page gives the next; null on the last.")
    @APIResponse(responseCode = "200", description = "A page of redemptions",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RedemptionPage.class)))
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED: memberId, cursor or limit is not valid")
    @APIResponse(responseCode = "403", description = "NOT_OWN_ACCOUNT: a member's token for another member")
    public Uni<RedemptionPage> list(
            @PathParam("memberId") @Pattern(regexp = Identifiers.ID_PATTERN, message = ID_MESSAGE) String memberId,
            @Parameter(description = "nextCursor of the previous page; absent for the first")
            @QueryParam("cursor") @Pattern(regexp = "[0-9]{1,18}", message = "must be a cursor from a previous page") String cursor,
            @Parameter(description = "redemptions per page, 1 to 200 (default 50)")
            @QueryParam("limit") @Min(1) @Max(MAX_PAGE) Integer limit) {
        caller.requireAccess(memberId);
        int size = limit == null ? 50 : limit;
        long before = cursor == null ? Long.MAX_VALUE : Long.parseLong(cursor);
        return redemptions.ofMember(memberId, before, size).map(page -> {
            List<RedemptionView> items = page.stream().map(this::view).toList();
            String next = page.size() == size ? Long.toString(page.get(page.size() - 1).seq()) : null;
            return new RedemptionPage(items, next);
        });
    }

    @POST
    @Path("/redemptions/{redemptionId}/cancel")
    @RolesAllowed({Roles.MEMBER, Roles.ADMIN})
    @Operation(operationId = "cancelRedemption", summary = "Cancel a completed redemption",
            description = "Within points.redemption.cancel-window (24 h) of its completion: the stock goes back to"
                    + " catalog (a coupon code is voided) and the points to the member; redemption.cancelled. A used"
                    + " voucher, a LOTTERY draw and a DONATION are never cancelled. A redeemed reward is never"
                    + " exchanged: cancel and redeem another. 200 CANCELLED, or 202 CANCELLING when catalog or the"
                    + " ledger did not answer in time (it is finished later). A repeat answers where it stands.")
    @APIResponse(responseCode = "200", description = "CANCELLED",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RedemptionView.class)))
    @APIResponse(responseCode = "202", description = "CANCELLING: finished later; poll Location",
            headers = @Header(name = "Location", description = "GET this for the outcome", schema = @Schema(type = SchemaType.STRING)),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RedemptionView.class)))
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED: redemptionId is not an id")
    @APIResponse(responseCode = "403", description = "NOT_OWN_ACCOUNT: another member's redemption")
    @APIResponse(responseCode = "404", description = "NOT_FOUND: no such redemption")
    @APIResponse(responseCode = "409", description = "NOT_CANCELLABLE: not completed, or a kind never cancelled;"
            + " VOUCHER_USED: its voucher was used; CANCEL_WINDOW_PASSED: too late")
    public Uni<RestResponse<RedemptionView>> cancel(@PathParam("redemptionId") @Pattern(
            regexp = Identifiers.ID_PATTERN, message = ID_MESSAGE) String redemptionId, @Context UriInfo uri) {
        return redemptions.find(redemptionId)
                .invoke(r -> caller.requireAccess(r.memberId()))
                .chain(redemptions::cancel)
                .map(r -> Redemption.CANCELLED.equals(r.status()) ? RestResponse.ok(view(r))
                        : RestResponse.ResponseBuilder.create(RestResponse.Status.ACCEPTED, view(r))
                                .location(location(uri, r)).build());
    }

    private RestResponse<RedemptionView> answer(Redemption r, UriInfo uri) {
        if (r.settled()) {
            return RestResponse.status(RestResponse.Status.CREATED, view(r));
        }
        return RestResponse.ResponseBuilder.create(RestResponse.Status.ACCEPTED, view(r)).location(location(uri, r))
                .build();
    }

    private static URI location(UriInfo uri, Redemption r) {
        return uri.getBaseUriBuilder().path("/api/v1/redemptions/{id}").build(r.redemptionId());
    }

    private RedemptionView view(Redemption r) {
        return RedemptionView.of(r, redemptions.cancellableUntil(r));
    }

}
