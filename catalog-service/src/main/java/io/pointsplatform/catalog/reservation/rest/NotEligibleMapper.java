package io.pointsplatform.catalog.reservation.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.pointsplatform.catalog.reservation.service.NotEligible;
import io.pointsplatform.kit.problem.Problem;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** {@code 422 NOT_ELIGIBLE} as problem+json with a {@code reasons} member a client can switch on. */
public class NotEligibleMapper {

    static final String CODE = "NOT_ELIGIBLE";

    /** RFC 9457's members, the platform's code, and the reasons (an extension member). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record NotEligibleProblem(String type, String title, int status, String detail, String code,
                                     List<String> reasons) {
    }

    @ServerExceptionMapper
    public Response notEligible(NotEligible e) {
        return Response.status(422).type(Problem.MEDIA_TYPE)
                .entity(new NotEligibleProblem("urn:points:problem:not-eligible", "Not eligible", 422, e.getMessage(),
                        CODE, e.reasons()))
                .build();
    }
}
