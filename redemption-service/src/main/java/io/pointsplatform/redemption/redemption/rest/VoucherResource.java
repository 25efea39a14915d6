package io.pointsplatform.redemption.redemption.rest;

import io.pointsplatform.kit.Identifiers;
import io.pointsplatform.kit.security.Roles;
import io.pointsplatform.redemption.redemption.service.RedemptionService;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** A shop accepts a voucher: once; afterwards its redemption cannot be cancelled. */
@Path("/api/v1/vouchers/{voucherCode}/use")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Redemptions", description = "Spending points on rewards")
public class VoucherResource {

    private final RedemptionService redemptions;

    public VoucherResource(RedemptionService redemptions) {
        this.redemptions = redemptions;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.CHECKOUT)
    @Operation(operationId = "useVoucher", summary = "A shop accepts a voucher for an order",
            description = "Once per voucher; the same order again answers the same (a retry). The redemption"
                    + " then cannot be cancelled.")
    @APIResponse(responseCode = "200", description = "Used for this order: the redemption",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RedemptionView.class)))
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED: the code or the body is not valid")
    @APIResponse(responseCode = "404", description = "NOT_FOUND: no such voucher")
    @APIResponse(responseCode = "409", description = "VOUCHER_USED: used for another order;"
            + " VOUCHER_CANCELLED: its redemption was cancelled")
    public Uni<RedemptionView> use(@PathParam("voucherCode") @Pattern(regexp = Identifiers.ID_PATTERN,
                                           message = "must be 1-64 letters, digits or ._:-") String voucherCode,
                                   @Valid @NotNull VoucherUseRequest request) {
        return redemptions.useVoucher(voucherCode, request.orderId()).map(r -> RedemptionView.of(r, null));
    }
}
