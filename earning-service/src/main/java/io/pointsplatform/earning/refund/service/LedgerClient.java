package io.pointsplatform.earning.refund.service;

import io.pointsplatform.kit.remote.RemoteProblem;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.pointsplatform.kit.security.ServiceTokens;
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
import java.util.List;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;
import org.jboss.resteasy.reactive.RestPath;

/**
 * ledger-service's reversal endpoint, as agreed with the ledger: idempotent per refundId. Every
 * call carries earning-service's own {@code service} token (service-kit's {@link ServiceTokens}),
 * the role the ledger admits for reversals: the {@code authorization} parameter, so no call can be
 * written without it.
 */
@RegisterRestClient(configKey = "ledger")
@Path("/api/v1/accounts")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public interface LedgerClient {

    record ReversalRequest(String refundId, String orderId, String lotId, long points) {
    }

    /** Answers are read tolerantly: the ledger may say more than this client needs. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Allocation(String lotId, long points) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record ReversalResult(String refundId, String orderId, long points, long taken, long debt, long alreadyExpired,
                          List<Allocation> allocations) {
    }

    /**
     * 201 (or 200 for a repeat) with what was taken; 409 REVERSAL_CONFLICT for the same refundId
     * with other content; any error status fails with a {@link RemoteProblem}.
     */
    @POST
    @Path("/{memberId}/reversals")
    Uni<ReversalResult> reverse(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                                @RestPath String memberId, ReversalRequest request);

    @ClientExceptionMapper
    static RuntimeException problem(Response response) {
        return RemoteProblem.of(response);
    }
}
