package io.pointsplatform.redemption.remote;

import io.pointsplatform.kit.remote.RemoteProblem;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.rest.client.reactive.ClientExceptionMapper;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;
import org.jboss.resteasy.reactive.RestPath;

/**
 * ledger-service's holds and returns: idempotent by the hold id (derived from the redemption or
 * payment id) and by the return id. Every call carries this service's {@code service} token.
 */
@RegisterRestClient(configKey = "ledger")
@Path("/api/v1")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public interface LedgerClient {

    record HoldRequest(String holdId, long points, String reference, long ttlSeconds) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Hold(String holdId, Instant expiresAt) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ReturnRequest(String returnId, Long points, String reference) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Returned(String holdId, String returnId, String memberId, long points) {
    }

    @POST
    @Path("/accounts/{memberId}/holds")
    Uni<Hold> hold(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @RestPath String memberId,
                   HoldRequest request);

    /** Under the member's account: the ledger need not look the hold's member up first. */
    @POST
    @Path("/accounts/{memberId}/holds/{holdId}/capture")
    Uni<Response> capture(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @RestPath String memberId,
                          @RestPath String holdId);

    @POST
    @Path("/accounts/{memberId}/holds/{holdId}/release")
    Uni<Response> release(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @RestPath String memberId,
                          @RestPath String holdId);

    @POST
    @Path("/holds/{holdId}/return")
    Uni<Returned> giveBack(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @RestPath String holdId,
                           ReturnRequest request);

    @ClientExceptionMapper
    static RuntimeException problem(Response response) {
        return RemoteProblem.of(response);
    }
}
