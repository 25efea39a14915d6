package io.pointsplatform.catalog.reservation.service;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.pointsplatform.catalog.reservation.model.Reservation;
import io.pointsplatform.catalog.reservation.model.ReservationStatus;
import io.pointsplatform.catalog.reward.model.RewardKind;
import java.math.BigDecimal;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A reservation as callers see it: {@code pointsCost} is the total (unit × quantity). A lottery's
 * draw is in {@code lottery} from the start; a COUPON's code only once confirmed; a DONATION's
 * cause and its running total once confirmed; a VOUCHER's value (yuan) as priced at reservation;
 * the reward's name as it was then, for the receipts and notices of whoever reserved it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReservationView(String reservationId, String rewardId,
                              @Schema(description = "The reward's name as it was when reserved (absent for"
                                      + " reservations made before it was kept)") String rewardName,
                              String memberId, int quantity, String kind,
                              long pointsCost, String status, Instant expiresAt, Lottery lottery,
                              @Schema(description = "COUPON: the code, once CONFIRMED (VOID once RETURNED)") String couponCode,
                              Donation donation,
                              @Schema(description = "VOUCHER: its value in yuan (quantity × the reward's voucherValue),"
                                      + " fixed when reserved, as its points are") BigDecimal voucherValue,
                              @JsonIgnore boolean created) {

    /** The draw: the recorded seed and the prize won, prizeId null for no prize. */
    public record Lottery(String seed, @JsonInclude(JsonInclude.Include.ALWAYS) String prizeId,
                          @JsonInclude(JsonInclude.Include.ALWAYS) String prizeName) {
    }

    public record Donation(String cause, long totalPoints) {
    }

    static ReservationView of(Reservation r, Long causeTotal, boolean created) {
        boolean confirmedOnce = r.status() == ReservationStatus.CONFIRMED || r.status() == ReservationStatus.RETURNED;
        return new ReservationView(r.reservationId(), r.rewardId(), r.rewardName(), r.memberId(), r.quantity(), r.kind().name(),
                r.pointsCost(), r.status().name(), r.expiresAt(),
                r.kind() == RewardKind.LOTTERY ? new Lottery(r.seed(), r.prizeId(), r.prizeName()) : null,
                confirmedOnce ? r.couponCode() : null,
                confirmedOnce && r.cause() != null ? new Donation(r.cause(), causeTotal == null ? 0 : causeTotal) : null,
                r.voucherValue(), created);
    }
}
