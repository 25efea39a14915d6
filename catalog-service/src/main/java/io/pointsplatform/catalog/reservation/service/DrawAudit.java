package io.pointsplatform.catalog.reservation.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;
import java.util.List;

/**
 * A lottery draw for an auditor: the recorded seed, the ticket it gives, the prize table as it was
 * (each prize's odds and whether any was left), the outcome recorded at reservation, the outcome of
 * running the draw again now, and whether they match.
 */
public record DrawAudit(String reservationId, String rewardId, String seed, int ticket, List<Line> prizeTable,
                        Outcome recorded, Outcome rerun, boolean matches) {

    public record Line(String prizeId, String name, BigDecimal odds, boolean inStock) {
    }

    /** prizeId null: no prize. */
    public record Outcome(@JsonInclude(JsonInclude.Include.ALWAYS) String prizeId,
                          @JsonInclude(JsonInclude.Include.ALWAYS) String prizeName) {
    }
}
