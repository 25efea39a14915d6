package io.pointsplatform.events;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The names services give their holds are the ones the ledger keeps to services, and a member's are not. */
class ServiceHoldIdsTest {

    @Test
    void paymentAndRedemptionHoldsAreServiceHoldsAndAMembersAreNot() {
        assertThat(ServiceHoldIds.payment("pay-1")).isEqualTo("payment:pay-1");
        assertThat(ServiceHoldIds.redemption("rd-1")).isEqualTo(RedemptionEvent.holdReference("rd-1"))
                .isEqualTo("redemption:rd-1");
        assertThat(ServiceHoldIds.isServiceHold(ServiceHoldIds.payment("pay-1"))).isTrue();
        assertThat(ServiceHoldIds.isServiceHold(RedemptionEvent.holdReference("rd-1"))).isTrue();
        assertThat(RedemptionEvent.isRedemptionReference(ServiceHoldIds.redemption("rd-1"))).isTrue();
        assertThat(ServiceHoldIds.isServiceHold("h-1")).isFalse();
        assertThat(ServiceHoldIds.isServiceHold("h-0b6c1e7a-5f0e-4a1b-9f51-2f1c6f7d9a10")).isFalse();
    }
}
