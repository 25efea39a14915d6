package io.pointsplatform.kit.limit;

import io.pointsplatform.kit.problem.Problem;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** {@code 429 RATE_LIMITED} as problem+json with {@code Retry-After} in seconds. */
public class RateLimitedMapper {

    @ServerExceptionMapper
    public Response rateLimited(MemberRateLimits.RateLimited e) {
        return Response.status(429).type(Problem.MEDIA_TYPE).entity(e.toProblem())
                .header("Retry-After", Long.toString(e.retryAfterSeconds())).build();
    }
}
