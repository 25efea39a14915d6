package io.pointsplatform.catalog.reservation.rest;

import io.pointsplatform.catalog.reservation.service.ReservationOrder;
import io.pointsplatform.kit.Identifiers;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** {@code POST /api/v1/rewards/{rewardId}/reservations}. */
public record ReservationRequest(
        @Schema(description = "Chosen by the caller; the call is idempotent by it")
        @NotNull @Pattern(regexp = Identifiers.ID_PATTERN, message = "must be 1-64 letters, digits or ._:-") String reservationId,
        @NotNull @Pattern(regexp = Identifiers.ID_PATTERN, message = "must be 1-64 letters, digits or ._:-") String memberId,
        @Schema(description = "Units, 1 to 1000 (1 for a LOTTERY)")
        @NotNull @Positive @Max(ReservationRequest.MAX_QUANTITY) Integer quantity,
        @Schema(description = "How long the stock is held unless confirmed, 1 to 86400 seconds (default 900)")
        @Positive @Max(86_400) Integer ttlSeconds,
        @Schema(description = "LOTTERY, admin only: the seed to draw with (tests and audits); otherwise one is"
                + " generated with SecureRandom")
        @Pattern(regexp = "[A-Za-z0-9._:-]{1,128}", message = "must be 1-128 letters, digits or ._:-") String seed) {

    public static final int MAX_QUANTITY = 1_000;
    public static final int DEFAULT_TTL_SECONDS = 900;

    public ReservationOrder toOrder(String rewardId) {
        return new ReservationOrder(reservationId, rewardId, memberId, quantity,
                ttlSeconds == null ? DEFAULT_TTL_SECONDS : ttlSeconds, seed);
    }
}
