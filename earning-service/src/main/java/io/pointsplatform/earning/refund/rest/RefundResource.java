package io.pointsplatform.earning.refund.rest;

import io.pointsplatform.earning.refund.service.Refund;
import io.pointsplatform.earning.refund.service.RefundService;
import io.pointsplatform.kit.idempotency.IdempotencyKeys;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestResponse;

@Path("/api/v1/earnings/{orderId}/refunds")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class RefundResource {

    private final RefundService refunds;
    private final IdempotencyKeys keys;

    public RefundResource(RefundService refunds, IdempotencyKeys keys) {
        this.refunds = refunds;
        this.keys = keys;
    }

    /** 201 for a new refund, 200 for a repeat; {@code status} says whether the ledger has confirmed yet. */
    @POST
    public Uni<RestResponse<Refund>> refund(@RestPath String orderId, @Valid @NotNull RefundRequest request,
                                            @RestHeader(IdempotencyKeys.HEADER) String idempotencyKey,
                                            @Context UriInfo uri) {
        return keys.once(idempotencyKey, uri, request, () -> refunds.refund(orderId, request)
                .map(refund -> refund.created()
                        ? RestResponse.status(RestResponse.Status.CREATED, refund)
                        : RestResponse.ok(refund)));
    }

    /** The refund as it is now, without trying its reversal again (a repeated POST would). */
    @GET
    @Path("/{refundId}")
    public Uni<Refund> get(@RestPath String orderId, @RestPath String refundId) {
        return refunds.get(orderId, refundId);
    }
}
