package io.pointsplatform.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a closed hold's state is named from the event that closed it. */
class ClosedHoldStatesTest {

    private static final List<Allocation> LOT = List.of(new Allocation("lot-1", 10));

    @Test
    void aCaptureIsCapturedAReleaseByExpiryIsExpiredAndAnyOtherReleaseIsReleased() {
        assertThat(ClosedHoldStates.of(new PointsSpent("m-1", "h-1", 10, LOT, null)))
                .isEqualTo(ClosedHoldStates.CAPTURED);
        assertThat(ClosedHoldStates.of(new PointsReleased("m-1", "h-1", 10, LOT, ReleaseReason.EXPIRED)))
                .isEqualTo(ClosedHoldStates.EXPIRED);
        assertThat(ClosedHoldStates.of(new PointsReleased("m-1", "h-1", 10, LOT, ReleaseReason.CANCELLED)))
                .isEqualTo(ClosedHoldStates.RELEASED);
        assertThat(ClosedHoldStates.of(new PointsReleased("m-1", "h-1", 10, LOT, ReleaseReason.FAILED)))
                .isEqualTo(ClosedHoldStates.RELEASED);
    }

    @Test
    void anEventThatClosesNoHoldHasNoState() {
        assertThat(ClosedHoldStates.of(new PointsReserved("m-1", "h-1", 10, LOT,
                Instant.parse("2026-12-06T00:00:00Z"), null))).isNull();
    }
}
