package io.pointsplatform.catalog.reservation.service;

import java.util.List;

/**
 * A reservation refused for what the member or the moment is ({@code 422 NOT_ELIGIBLE}), with every
 * reason that applies: TIER_TOO_LOW, NOT_STARTED, ENDED, RETIRED.
 */
public class NotEligible extends RuntimeException {

    private final List<String> reasons;

    public NotEligible(String detail, List<String> reasons) {
        super(detail, null, false, false);
        this.reasons = List.copyOf(reasons);
    }

    public List<String> reasons() {
        return reasons;
    }
}
