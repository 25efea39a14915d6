package io.pointsplatform.catalog.reservation.service;

import java.util.List;

/**
 * A reservation refused for what the reward, the member or the moment is: {@code 422 NOT_ELIGIBLE}
 * with every reason that applies (TIER_TOO_LOW, NOT_STARTED, ENDED, RETIRED), or {@code 409}
 * {@code OUT_OF_STOCK} or {@code LIMIT_REACHED}. Each names the reward as it was read, so a caller
 * that keeps the refusal (redemption-service's FAILED redemption, its member's notice) can say which
 * reward was refused by its name, not only its id.
 */
public class Refused extends RuntimeException {

    private final int status;
    private final String code;
    private final String title;
    private final List<String> reasons;
    private final String rewardName;

    private Refused(int status, String code, String title, String detail, List<String> reasons, String rewardName) {
        super(detail, null, false, false);
        this.status = status;
        this.code = code;
        this.title = title;
        this.reasons = List.copyOf(reasons);
        this.rewardName = rewardName;
    }

    public static Refused notEligible(String detail, List<String> reasons, String rewardName) {
        return new Refused(422, "NOT_ELIGIBLE", "Not eligible", detail, reasons, rewardName);
    }

    public static Refused outOfStock(String detail, String rewardName) {
        return conflict("OUT_OF_STOCK", detail, rewardName);
    }

    public static Refused limitReached(String detail, String rewardName) {
        return conflict("LIMIT_REACHED", detail, rewardName);
    }

    private static Refused conflict(String code, String detail, String rewardName) {
        return new Refused(409, code, "The request conflicts with the current state", detail, List.of(), rewardName);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String title() {
        return title;
    }

    /** NOT_ELIGIBLE's reasons; empty for the others. */
    public List<String> reasons() {
        return reasons;
    }

    public String rewardName() {
        return rewardName;
    }
}
