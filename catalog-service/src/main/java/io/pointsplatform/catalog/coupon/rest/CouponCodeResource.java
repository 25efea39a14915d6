package io.pointsplatform.catalog.coupon.rest;

import io.pointsplatform.catalog.coupon.service.CouponImport;
import io.pointsplatform.kit.Identifiers;
import io.pointsplatform.kit.idempotency.IdempotencyKeys;
import io.pointsplatform.kit.problem.ApiException;
import io.pointsplatform.kit.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestResponse;

@Path("/api/v1/rewards/{rewardId}/coupon-codes")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Rewards")
public class CouponCodeResource {

    static final String TEXT_CSV = "text/csv";

    private final CouponImport imports;
    private final IdempotencyKeys keys;

    public CouponCodeResource(CouponImport imports, IdempotencyKeys keys) {
        this.imports = imports;
        this.keys = keys;
    }

    @POST
    @RolesAllowed(Roles.ADMIN)
    // Any body reaches the method, so that a caller without a token or the role is refused (401, 403)
    // before its Content-Type is looked at; the method then takes text/csv only.
    @Consumes(MediaType.WILDCARD)
    @Operation(operationId = "importCouponCodes", summary = "Import a COUPON's codes",
            description = "One code a line (an optional first line 'code'), UTF-8, up to 50 000 codes and 1 MiB. All or "
                    + "none: a code repeated in the file or imported before (for any reward) refuses the file, naming "
                    + "each line. The reward's stock grows by the codes imported; stock.changed is published.")
    @RequestBody(content = @Content(mediaType = TEXT_CSV, schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.STRING)))
    @APIResponse(responseCode = "200", description = "Imported",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = CouponImport.Imported.class)))
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED: rewardId is not an id, or a bad Idempotency-Key")
    @APIResponse(responseCode = "404", description = "NOT_FOUND: no reward has this id")
    @APIResponse(responseCode = "409", description = "NOT_A_COUPON: the reward is of another kind; REWARD_RETIRED: "
            + "it is retired; IMPORT_CONFLICT: another import added one of the codes at the same moment; "
            + "IDEMPOTENCY_KEY_REUSED: the key was used for another file")
    @APIResponse(responseCode = "422", description = "COUPON_CODES_REFUSED: errors names each line at fault (a duplicate "
            + "in the file, a code imported before, an empty line or one that is not a code, a body not UTF-8)")
    public Uni<RestResponse<CouponImport.Imported>> importCodes(
            @Parameter(description = "The COUPON reward's id") @PathParam("rewardId")
            @Pattern(regexp = Identifiers.ID_PATTERN, message = "must be 1-64 letters, digits or ._:-") String rewardId,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            @Parameter(description = "Makes a retry safe: the same key and file answer the first response again"
                    + " (without it, a file sent again is refused: its codes were imported before)")
            @RestHeader(IdempotencyKeys.HEADER) String idempotencyKey,
            @Context UriInfo uri,
            byte[] csv) {
        if (contentType == null || !MediaType.valueOf(contentType).isCompatible(MediaType.valueOf(TEXT_CSV))) {
            throw new ApiException(415, "UNSUPPORTED_MEDIA_TYPE", "Unsupported Media Type",
                    "This endpoint takes the codes as text/csv");
        }
        return keys.once(idempotencyKey, uri, csv, () -> imports.importCodes(rewardId, csv).map(RestResponse::ok));
    }
}
