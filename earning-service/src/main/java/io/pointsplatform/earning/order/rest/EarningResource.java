package io.pointsplatform.earning.order.rest;

import io.pointsplatform.earning.order.service.Earning;
import io.pointsplatform.earning.order.service.EarningService;
import io.pointsplatform.kit.idempotency.IdempotencyKeys;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestResponse;

@Path("/api/v1/earnings")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class EarningResource {

    private final EarningService earnings;
    private final IdempotencyKeys keys;

    public EarningResource(EarningService earnings, IdempotencyKeys keys) {
        this.earnings = earnings;
        this.keys = keys;
    }

    /** Records an order's earning once: 201 the first time, 200 with the same body for a repeat. */
    @POST
    public Uni<RestResponse<String>> earn(@Valid @NotNull OrderRequest order,
                                          @RestHeader(IdempotencyKeys.HEADER) String idempotencyKey,
                                          @Context UriInfo uri) {
        order.requireWithinLimits();
        return keys.once(idempotencyKey, uri, order, () -> earnings.record(order).map(recorded -> recorded.created()
                ? RestResponse.status(RestResponse.Status.CREATED, recorded.body())
                : RestResponse.ok(recorded.body())));
    }

    /** What the order would earn, and why each rule that does not fire does not; nothing is recorded. */
    @POST
    @Path("/preview")
    public Uni<Earning> preview(@Valid @NotNull OrderRequest order) {
        return earnings.preview(order.requireWithinLimits());
    }
}
