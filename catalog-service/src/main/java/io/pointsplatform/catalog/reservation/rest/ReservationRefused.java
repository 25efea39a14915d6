package io.pointsplatform.catalog.reservation.rest;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A refused reservation as OpenAPI describes it ({@code 422 NOT_ELIGIBLE}, {@code 409 OUT_OF_STOCK},
 * {@code 409 LIMIT_REACHED}): the problem document with two extension members. Written by
 * service-kit's ProblemMappers from the refusal's ApiException and its members; this type only
 * documents the shape.
 */
@Schema(name = "ReservationRefused", description = "A problem document with the extension members of a refused"
        + " reservation")
public record ReservationRefused(String type, String title, int status, String detail, String code,
                                 @Schema(description = "NOT_ELIGIBLE only: every one of TIER_TOO_LOW, NOT_STARTED,"
                                         + " ENDED, RETIRED that applies")
                                 List<String> reasons,
                                 @Schema(description = "The refused reward's name as it was read")
                                 String rewardName) {
}
