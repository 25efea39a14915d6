package io.pointsplatform.catalog.reservation.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.pointsplatform.catalog.reservation.service.Refused;
import io.pointsplatform.kit.problem.Problem;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * A refused reservation ({@code 422 NOT_ELIGIBLE}, {@code 409 OUT_OF_STOCK}, {@code 409 LIMIT_REACHED})
 * as problem+json with two extension members: the {@code reasons} of NOT_ELIGIBLE a client can switch
 * on, and the {@code rewardName} of the reward refused.
 */
public class RefusedMapper {

    /** RFC 9457's members, the platform's code, the reasons (NOT_ELIGIBLE only) and the reward's name. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    @Schema(name = "ReservationRefused")
    public record RefusalProblem(String type, String title, int status, String detail, String code,
                                 @Schema(description = "NOT_ELIGIBLE only: every one of TIER_TOO_LOW, NOT_STARTED, "
                                         + "ENDED, RETIRED that applies")
                                 List<String> reasons,
                                 @Schema(description = "The refused reward's name as it was read")
                                 String rewardName) {
    }

    @ServerExceptionMapper
    public Response refused(Refused e) {
        return Response.status(e.status()).type(Problem.MEDIA_TYPE)
                .entity(new RefusalProblem(Problem.typeUri(e.code()),
                        e.title(), e.status(), e.getMessage(), e.code(), e.reasons(), e.rewardName()))
                .build();
    }
}
