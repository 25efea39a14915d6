package io.pointsplatform.redemption;

import io.pointsplatform.kit.view.MemberPointsProjector;
import io.pointsplatform.testing.DeferredExpiry;
import io.pointsplatform.testing.PlatformTestResource;
import io.pointsplatform.testing.ReturnedPoints;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * redemption-service's member view applies the ledger's points.returned (spent goes down, available up) and
 * expiry.deferred (a lot past its expiresAt that the ledger deferred keeps its points available).
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "redemption"))
class MemberViewReturnTest {

    @Inject
    MemberPointsProjector projector;

    @Test
    void pointsReturnedAreAppliedNotDeadLettered() throws Exception {
        ReturnedPoints.assertAppliedBy("redemption-service", m -> projector.find(m).await().atMost(Duration.ofSeconds(10)));
    }

    @Test
    void aDeferredExpiryIsAppliedNotDeadLettered() throws Exception {
        DeferredExpiry.assertAppliedBy("redemption-service", m -> projector.find(m).await().atMost(Duration.ofSeconds(10)));
    }
}
