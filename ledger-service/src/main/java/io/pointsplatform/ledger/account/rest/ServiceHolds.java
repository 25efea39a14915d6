package io.pointsplatform.ledger.account.rest;

import io.pointsplatform.kit.problem.ApiException;
import io.pointsplatform.kit.security.Caller;
import io.pointsplatform.kit.security.Roles;

/**
 * Holds a service makes on a member's points for something it promised a third party: a payment
 * at checkout ({@code payment:<paymentId>}) or a redemption's saga ({@code redemption:<id>}). Such a
 * hold is the service's to capture or release, as a card authorisation is the merchant's: if the
 * member could release it, the points a checkout was told were held could be spent elsewhere
 * before the order is paid. A service's hold is told by its id: one with a colon. The rule needs
 * nothing stored, so a rebuild from the log keeps it. A member's own holds have ids without one.
 */
final class ServiceHolds {

    static final String CODE = "SERVICE_HOLD";

    private ServiceHolds() {
    }

    /** Whether {@code holdId} names a service's hold. */
    static boolean named(String holdId) {
        return holdId.indexOf(':') >= 0;
    }

    /** Refuses a caller that is not a service a hold id with a colon: {@code 403 SERVICE_HOLD}. */
    static void requireMayTouch(Caller caller, String holdId) {
        if (named(holdId) && !caller.hasRole(Roles.SERVICE)) {
            throw new ApiException(403, CODE, "A service's hold",
                    "Hold " + holdId + " is a service's (an id with ':' is kept for payments' and redemptions' holds):"
                            + " only that service places, captures or releases it; cancel the payment or the"
                            + " redemption instead");
        }
    }
}
