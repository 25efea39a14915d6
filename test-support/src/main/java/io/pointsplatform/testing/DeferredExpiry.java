package io.pointsplatform.testing;

import io.pointsplatform.events.Account;
import io.pointsplatform.events.BreakdownLine;
import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.ExpiryDeferred;
import io.pointsplatform.events.Origin;
import io.pointsplatform.events.OriginKind;
import io.pointsplatform.events.PointsEarned;
import io.pointsplatform.events.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.Assertions;

/**
 * A member's lot past its expiresAt that the ledger deferred ({@code expiry.deferred}: its member was
 * not reminded in time), for the consumers of the log to show that they keep its points available
 * until the ledger expires them, as the ledger does (docs/contract-extensions.md, "Expiry reminders").
 */
public final class DeferredExpiry {

    private DeferredExpiry() {
    }

    /**
     * Publishes a credit of 80 points that expired a day ago and its deferral to a week from now, and
     * waits until {@code view} shows the 80 available with the lot's new expiresAt; nothing of the
     * member may be on {@code service}'s dead-letter topic of {@code points.ledger}.
     */
    public static void assertAppliedBy(String service, Function<String, Optional<Account>> view)
            throws InterruptedException {
        String dlq = Topics.dlq(Topics.POINTS_LEDGER, service);
        if (!PlatformTestResource.kafka().topics().list().contains(dlq)) {
            PlatformTestResource.kafka().topics().createAndWait(dlq, 6);
        }
        String memberId = "m-deferred-" + UUID.randomUUID();
        String lotId = "order-" + memberId;
        Instant now = Instant.now();
        Instant expiredAt = now.minus(Duration.ofDays(1));
        Instant deferredTo = now.plus(Duration.ofDays(7));
        TestEvents.publish(Topics.POINTS_LEDGER, CloudEvent.of("points.earned:" + lotId, "/earning-service", memberId,
                now, new PointsEarned(memberId, lotId, 80, new Origin(OriginKind.ORDER, lotId),
                        List.of(new BreakdownLine("base", 80)), now.minus(Duration.ofDays(30)), expiredAt)));
        TestEvents.publish(Topics.POINTS_LEDGER, CloudEvent.of("expiry.deferred:" + memberId + ":" + lotId, "/ledger-service",
                memberId, now.plusMillis(1), new ExpiryDeferred(memberId, lotId, expiredAt, deferredTo, null)));
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        Optional<Account> seen = view.apply(memberId);
        while (seen.isEmpty() || seen.get().balance(Instant.now()).available() != 80) {
            Assertions.assertTrue(Instant.now().isBefore(deadline), () -> service + " did not apply the deferral of "
                    + memberId + " within 60 s; its view: " + view.apply(memberId));
            Thread.sleep(200);
            seen = view.apply(memberId);
        }
        Assertions.assertEquals(deferredTo, seen.get().lot(lotId).expiresAt());
        Assertions.assertEquals(List.of(), TopicReader.all(dlq, r -> memberId.equals(r.key())),
                "records of " + memberId + " dead-lettered by " + service);
    }
}
