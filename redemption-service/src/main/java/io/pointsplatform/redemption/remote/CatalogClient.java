package io.pointsplatform.redemption.remote;

import io.pointsplatform.kit.remote.RemoteProblem;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.rest.client.reactive.ClientExceptionMapper;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

/**
 * catalog-service's stock reservations, as agreed with catalog (issue #20): every call idempotent
 * by the reservation id, which redemption-service derives from the redemption id. Every call
 * carries this service's {@code service} token.
 */
@RegisterRestClient(configKey = "catalog")
@Path("/api/v1/rewards/{rewardId}/reservations")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public interface CatalogClient {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ReservationRequest(String reservationId, String memberId, int quantity, Long ttlSeconds) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Lottery(String seed, String prizeId, String prizeName) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Reservation(String reservationId, String rewardId, String rewardName, String memberId, int quantity, String kind,
                       long pointsCost, String status, Instant expiresAt, Lottery lottery, String couponCode,
                       Map<String, Object> donation, BigDecimal voucherValue) {
    }

    @POST
    Uni<Reservation> reserve(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                             @RestPath String rewardId, ReservationRequest request);

    @POST
    @Path("/{reservationId}/confirm")
    Uni<Reservation> confirm(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                             @RestPath String rewardId, @RestPath String reservationId);

    @POST
    @Path("/{reservationId}/release")
    Uni<Reservation> release(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                             @RestPath String rewardId, @RestPath String reservationId);

    /**
     * A confirmed reservation back: {@code undelivered} when the redemption failed after the confirm
     * (a COUPON's code was never shown, so it is issued again), false after a member's cancel (voided).
     */
    @POST
    @Path("/{reservationId}/return")
    Uni<Reservation> giveBack(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                              @RestPath String rewardId, @RestPath String reservationId,
                              @RestQuery boolean undelivered);

    @GET
    @Path("/{reservationId}")
    Uni<Reservation> get(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                         @RestPath String rewardId, @RestPath String reservationId);

    @ClientExceptionMapper
    static RuntimeException problem(Response response) {
        return RemoteProblem.of(response);
    }
}
