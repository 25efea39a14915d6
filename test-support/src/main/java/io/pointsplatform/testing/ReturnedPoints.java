package io.pointsplatform.testing;

import io.pointsplatform.events.Account;
import io.pointsplatform.events.Allocation;
import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.PointsEarned;
import io.pointsplatform.events.PointsReserved;
import io.pointsplatform.events.PointsReturned;
import io.pointsplatform.events.PointsSpent;
import io.pointsplatform.events.PointsEvent;
import io.pointsplatform.events.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.Assertions;

/**
 * A member's history on {@code points.ledger} that ends with a {@code points.returned}, as the ledger
 * writes it: a credit, a hold on it, its capture, and part of the capture given back (a payment
 * refunded in part, unless another reference is asked for). For the
 * consumers of the log, to show they apply the return rather than set it aside.
 */
public final class ReturnedPoints {

    private ReturnedPoints() {
    }

    /**
     * {@code earned} points credited, {@code spent} of them held and captured, {@code returned} of
     * those given back: the member has {@code earned - spent + returned} available afterwards and
     * {@code spent - returned} spent. The events are a millisecond apart, the return last.
     */
    public static List<CloudEvent> history(String memberId, long earned, long spent, long returned) {
        return history(memberId, earned, spent, returned, "payment:pay-");
    }

    /**
     * As {@link #history(String, long, long, long)}, the hold, its capture and its return made for
     * {@code referencePrefix} followed by the hold's id (a payment's {@code payment:…} by default; a
     * redemption's {@code redemption:…}).
     */
    public static List<CloudEvent> history(String memberId, long earned, long spent, long returned,
                                           String referencePrefix) {
        CloudEvent credit = TestEvents.earned(memberId, earned);
        String lotId = ((PointsEarned) credit.data()).lotId();
        String holdId = "h-" + UUID.randomUUID();
        Instant now = credit.time();
        List<Allocation> held = List.of(new Allocation(lotId, spent));
        return List.of(credit,
                ledger("points.reserved:" + memberId + ":" + holdId, memberId, now.plusMillis(1),
                        new PointsReserved(memberId, holdId, spent, held, now.plusSeconds(900), referencePrefix + holdId)),
                ledger("points.spent:" + memberId + ":" + holdId, memberId, now.plusMillis(2),
                        new PointsSpent(memberId, holdId, spent, held, referencePrefix + holdId)),
                ledger("points.returned:" + memberId + ":rt-" + holdId, memberId, now.plusMillis(3),
                        new PointsReturned(memberId, holdId, "rt-" + holdId, returned,
                                List.of(new Allocation(lotId, returned)), referencePrefix + holdId)));
    }

    /**
     * Publishes a {@link #history} of a new member (100 earned, 60 spent, 25 given back) and waits
     * until {@code view} (a member view that folds the log, by member id) shows the return applied:
     * 35 spent, 65 available. Then nothing of the member may be on {@code service}'s dead-letter
     * topic of {@code points.ledger}.
     */
    public static void assertAppliedBy(String service, Function<String, Optional<Account>> view)
            throws InterruptedException {
        String dlq = Topics.dlq(Topics.POINTS_LEDGER, service);
        // Made before the first record, so that reading it at the end never waits for it to exist.
        if (!PlatformTestResource.kafka().topics().list().contains(dlq)) {
            PlatformTestResource.kafka().topics().createAndWait(dlq, 6);
        }
        String memberId = "m-return-" + UUID.randomUUID();
        history(memberId, 100, 60, 25).forEach(event -> TestEvents.publish(Topics.POINTS_LEDGER, event));
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        Optional<Account> seen = view.apply(memberId);
        while (seen.isEmpty() || seen.get().spent() != 35 || seen.get().balance(Instant.now()).available() != 65) {
            Assertions.assertTrue(Instant.now().isBefore(deadline), () -> service + " did not apply the return of "
                    + memberId + " within 60 s; its view: " + view.apply(memberId));
            Thread.sleep(200);
            seen = view.apply(memberId);
        }
        Assertions.assertEquals(List.of(), TopicReader.all(dlq, r -> memberId.equals(r.key())),
                "records of " + memberId + " dead-lettered by " + service);
    }

    private static CloudEvent ledger(String id, String memberId, Instant at, PointsEvent data) {
        return CloudEvent.of(id, "/ledger-service", memberId, at, data);
    }
}
