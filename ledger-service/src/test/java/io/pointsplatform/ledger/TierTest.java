package io.pointsplatform.ledger;

import static io.pointsplatform.ledger.Callers.asAnalyst;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.pointsplatform.events.Topics;
import io.pointsplatform.testing.PlatformTestResource;
import io.pointsplatform.testing.TestEvents;
import io.pointsplatform.testing.TopicReader;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Tiers follow the points earned in the last 12 months; an upgrade pays its bonus once. */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "ledger"))
class TierTest {

    @Test
    void reachingAThresholdExactlyUpgradesOnceWithTheBonusWhichDoesNotQualify() {
        String memberId = HoldTest.credited(1_500);
        asAnalyst().get("/api/v1/accounts/{m}", memberId).then().body("tier", equalTo("MEMBER"));

        TestEvents.publish(Topics.POINTS_LEDGER, TestEvents.earned(memberId, 500));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asAnalyst().get("/api/v1/accounts/{m}", memberId)
                .then().body("tier", equalTo("SILVER")).body("available", equalTo(3_000)));
        String changed = TopicReader.await(Topics.POINTS_LEDGER,
                r -> r.key().equals(memberId) && r.value().contains("\"tier.changed\""), 1, Duration.ofSeconds(30))
                .get(0).value();
        assertThat(changed).contains("\"from\":\"MEMBER\"").contains("\"to\":\"SILVER\"")
                .contains("\"qualifyingPoints\":2000");

        // 2 000 earned + 1 000 bonus: the bonus does not count towards GOLD (10 000).
        TestEvents.publish(Topics.POINTS_LEDGER, TestEvents.earned(memberId, 7_999));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asAnalyst().get("/api/v1/accounts/{m}", memberId)
                .then().body("available", equalTo(10_999)));
        asAnalyst().get("/api/v1/accounts/{m}", memberId).then().body("tier", equalTo("SILVER"));
        TestEvents.publish(Topics.POINTS_LEDGER, TestEvents.earned(memberId, 1));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asAnalyst().get("/api/v1/accounts/{m}", memberId)
                .then().body("tier", equalTo("GOLD")).body("available", equalTo(12_000)));
    }

    /**
     * An order whose points are pending (a return window) lifts the tier at once, but its bonus is
     * pending as long as the order's points: until 2026-12-06 the bonus was spendable at once, so a
     * member could spend it and return the order (leaving debt).
     */
    @Test
    void theBonusOfAnUpgradeByPendingPointsIsPendingAsLong() {
        String memberId = "m-" + UUID.randomUUID();
        java.time.Instant now = java.time.Instant.now();
        java.time.Instant availableAt = now.plus(Duration.ofDays(7));
        String lotId = "lot-" + UUID.randomUUID();
        TestEvents.publish(Topics.POINTS_LEDGER, io.pointsplatform.events.CloudEvent.of("points.earned:" + lotId,
                "/earning-service", memberId, now, new io.pointsplatform.events.PointsEarned(memberId, lotId, 2_000,
                        new io.pointsplatform.events.Origin(io.pointsplatform.events.OriginKind.ORDER, "order-" + lotId),
                        List.of(new io.pointsplatform.events.BreakdownLine("base", 2_000)), availableAt,
                        now.plus(Duration.ofDays(365)))));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asAnalyst().get("/api/v1/accounts/{m}", memberId)
                .then().body("tier", equalTo("SILVER")).body("available", equalTo(0)).body("pending", equalTo(3_000)));
        String bonus = TopicReader.await(Topics.POINTS_LEDGER, r -> r.key().equals(memberId)
                && r.value().contains("\"TIER_BONUS\""), 1, Duration.ofSeconds(30)).get(0).value();
        java.util.regex.Matcher at = java.util.regex.Pattern.compile("\"availableAt\":\"([^\"]+)\"").matcher(bonus);
        assertThat(at.find()).as("the bonus's availableAt in %s", bonus).isTrue();
        assertThat(Duration.between(availableAt, java.time.Instant.parse(at.group(1))).abs())
                .as("the bonus is available when the order's points are").isLessThan(Duration.ofMillis(1));
    }

    @Test
    void creditsFoldedInOneBatchChangeTheTierAtTheSameCreditsAsOneByOne() {
        String memberId = "m-" + java.util.UUID.randomUUID();
        io.pointsplatform.events.EventCodec codec = new io.pointsplatform.events.EventCodec();
        java.util.List<org.apache.kafka.clients.producer.ProducerRecord<String, String>> records = new java.util.ArrayList<>();
        for (long points : new long[] {1_500, 500, 7_999, 1}) {
            records.add(new org.apache.kafka.clients.producer.ProducerRecord<>(Topics.POINTS_LEDGER, memberId,
                    codec.write(TestEvents.earned(memberId, points))));
        }
        PlatformTestResource.kafka().produceStrings().fromRecords(records).awaitCompletion();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asAnalyst().get("/api/v1/accounts/{m}", memberId)
                .then().body("tier", equalTo("GOLD")).body("available", equalTo(12_000)));
        java.util.List<String> changes = TopicReader.await(Topics.POINTS_LEDGER,
                r -> r.key().equals(memberId) && r.value().contains("\"tier.changed\""), 2, Duration.ofSeconds(30))
                .stream().map(r -> r.value()).toList();
        assertThat(changes).hasSize(2);
        assertThat(changes.get(0)).contains("\"to\":\"SILVER\"").contains("\"qualifyingPoints\":2000");
        assertThat(changes.get(1)).contains("\"to\":\"GOLD\"").contains("\"qualifyingPoints\":10000");
    }

    /**
     * The window is the last 12 months to the instant: credits just before its start count for
     * nothing, in the month it starts in as in whole months before; those just after it, in that
     * month, in later months and now, all count (read from the month sums and the entries of the
     * window's first month, V7).
     */
    @Test
    void onlyCreditsWithinTheLastTwelveMonthsQualify() {
        String memberId = "m-" + UUID.randomUUID();
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        ZonedDateTime since = now.minusMonths(12);
        long available = 0;
        // Outside: 13 months ago, and an hour before the window opens. Inside: an hour after it
        // opens, six months ago. Each is folded before the next is sent, so the sum is read back.
        Object[][] credits = {{since.minusMonths(1), 1_000L}, {since.minusHours(1), 700L},
                {since.plusHours(1), 600L}, {now.minusMonths(6), 900L}};
        for (Object[] credit : credits) {
            long points = (Long) credit[1];
            TestEvents.publish(Topics.POINTS_LEDGER,
                    TestEvents.earnedAt(memberId, points, ((ZonedDateTime) credit[0]).toInstant()));
            available += points;
            int expected = (int) available;
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asAnalyst().get("/api/v1/accounts/{m}", memberId)
                    .then().statusCode(200).body("available", equalTo(expected)));
        }
        // 1 500 qualify so far: had the 1 700 outside counted, SILVER (2 000) would have come already.
        asAnalyst().get("/api/v1/accounts/{m}", memberId).then().body("tier", equalTo("MEMBER"));

        TestEvents.publish(Topics.POINTS_LEDGER, TestEvents.earned(memberId, 500));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asAnalyst().get("/api/v1/accounts/{m}", memberId)
                .then().body("tier", equalTo("SILVER")));
        List<String> changes = TopicReader.await(Topics.POINTS_LEDGER,
                r -> r.key().equals(memberId) && r.value().contains("\"tier.changed\""), 1, Duration.ofSeconds(30))
                .stream().map(r -> r.value()).toList();
        assertThat(changes).hasSize(1);
        assertThat(changes.get(0)).contains("\"to\":\"SILVER\"").contains("\"qualifyingPoints\":2000");
    }
}
