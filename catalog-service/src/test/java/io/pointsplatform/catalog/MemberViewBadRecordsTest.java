package io.pointsplatform.catalog;

import io.pointsplatform.kit.view.MemberPointsProjector;
import io.pointsplatform.testing.MemberViewBadRecords;
import io.pointsplatform.testing.PlatformTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * catalog-service's member view (service-kit MemberPointsConsumer on points.ledger) survives every kind
 * of bad record: each goes to points.ledger.dlq.catalog-service, once, with the reason in its headers,
 * and the credit sent after them (same partition, same poll) is applied. A credit off its member's
 * partition is left out; the ledger's copy on the member's partition is applied, once.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "catalog"))
class MemberViewBadRecordsTest {

    @Inject
    MemberPointsProjector projector;

    @Test
    void eachKindOfBadRecordIsDeadLetteredWithItsReasonAndTheNextCreditIsApplied() throws Exception {
        MemberViewBadRecords.assertDeadLetteredAndTheNextCreditApplied("catalog-service",
                m -> projector.find(m).await().atMost(Duration.ofSeconds(10)));
    }

    @Test
    void aCreditOffItsMembersPartitionIsLeftOutAndItsCopyOnThePartitionAppliedOnce() throws Exception {
        MemberViewBadRecords.assertAStrayCreditLeftOutAndItsCopyAppliedOnce("catalog-service",
                m -> projector.find(m).await().atMost(Duration.ofSeconds(10)));
    }

    @Test
    void aRecordTooLargeToSetAsideWholeIsSetAsideCutAndTheNextCreditIsApplied() throws Exception {
        MemberViewBadRecords.assertAHugeRecordSetAsideCutAndTheNextCreditApplied("catalog-service",
                m -> projector.find(m).await().atMost(Duration.ofSeconds(10)));
    }
}
