package io.pointsplatform.ledger.account.rest;

import io.pointsplatform.events.ServiceHoldIds;
import io.pointsplatform.kit.problem.ApiException;
import io.pointsplatform.kit.security.Caller;
import io.pointsplatform.kit.security.Roles;

/**
 * Holds a service makes on a member's points for something it promised a third party (a payment at
 * checkout, a redemption's saga; named as points-events' {@link ServiceHoldIds} says) are the
 * service's to place, capture or release, as a card authorisation is the merchant's: if the member
 * could release it, the points a checkout was told were held could be spent elsewhere before the
 * order is paid. Told by the id alone, so a rebuild from the log keeps the rule.
 */
final class ServiceHolds {

    private ServiceHolds() {
    }

    /** Refuses a caller that is not a service a service's hold id: {@code 403 SERVICE_HOLD}. */
    static void requireMayTouch(Caller caller, String holdId) {
        if (ServiceHoldIds.isServiceHold(holdId) && !caller.hasRole(Roles.SERVICE)) {
            throw new ApiException(403, "SERVICE_HOLD", "A service's hold",
                    "Hold " + holdId + " is a service's (an id with ':' is kept for payments' and redemptions' holds):"
                            + " only that service places, captures or releases it; cancel the payment or the"
                            + " redemption instead");
        }
    }
}
