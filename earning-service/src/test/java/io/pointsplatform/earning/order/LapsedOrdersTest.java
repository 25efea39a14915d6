package io.pointsplatform.earning.order;

import static io.pointsplatform.earning.Orders.earn;
import static io.pointsplatform.earning.Orders.id;
import static io.pointsplatform.earning.Orders.line;
import static io.pointsplatform.earning.Orders.member;
import static io.pointsplatform.earning.Orders.order;
import static io.pointsplatform.earning.Orders.preview;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.pointsplatform.testing.PlatformTestResource;
import io.pointsplatform.testing.TopicReader;
import io.pointsplatform.events.Topics;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code points.earning.lapsed-orders=reject}, the default (the other earning tests take lapsed
 * orders, being of fixed dates): an order whose points would have expired before they came earns
 * nothing ({@code 422 ORDER_TOO_OLD}) and records nothing; an order recorded while its points were
 * young is still answered as it was once they have expired.
 */
@QuarkusTest
@TestProfile(LapsedOrdersTest.Refusing.class)
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "earning"))
class LapsedOrdersTest {

    public static class Refusing implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("points.earning.lapsed-orders", "reject");
        }
    }

    @Test
    void aPurchaseWhosePointsWouldHaveExpiredIsRefusedAndRecordsNothing() {
        String memberId = member();
        String orderId = id("o");
        // A new member's points expire 12 months after the purchase (points.expiry-months).
        Map<String, Object> lapsed = order(orderId, memberId, monthsAgo(12, Duration.ofMinutes(-1)), List.of(line("10.00")));
        earn(lapsed).statusCode(422).contentType("application/problem+json").body("code", equalTo("ORDER_TOO_OLD"))
                .body("detail", containsString("12 months"));
        preview(lapsed).statusCode(422).body("code", equalTo("ORDER_TOO_OLD"));
        // Three years old, past even a platinum member's 24 months.
        earn(order(id("o"), memberId, monthsAgo(36, Duration.ZERO), List.of(line("10.00")))).statusCode(422)
                .body("code", equalTo("ORDER_TOO_OLD"));
        assertThat(TopicReader.all(Topics.POINTS_LEDGER, r -> r.value().contains("order-" + orderId))).isEmpty();
        // Nothing recorded: the same order id, bought a month ago, earns.
        lapsed.put("paidAt", monthsAgo(1, Duration.ZERO));
        earn(lapsed).statusCode(201);
    }

    @Test
    void anOrderRecordedWhileItsPointsWereYoungIsAnsweredAsBeforeOnceTheyExpired() {
        String memberId = member();
        // Bought so that its points expire in a few seconds: taken; then a new order of that date is
        // refused, and a repeat of the first is answered with its first answer.
        // On 29 February no purchase of a year before expires that day (12 months from 28 February
        // end on the 28th): nothing to test then.
        Instant expiresAt = Instant.now().plusSeconds(8);
        org.junit.jupiter.api.Assumptions.assumeTrue(expiresAt.atOffset(ZoneOffset.UTC).minusMonths(12).plusMonths(12)
                .toInstant().equals(expiresAt), "no purchase time expires on 29 February");
        String buyAt = monthsAgo(12, Duration.ofSeconds(8));
        Map<String, Object> young = order(id("o"), memberId, buyAt, List.of(line("20.00")));
        String first = earn(young).statusCode(201).extract().asString();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> earn(order(id("o"), memberId, buyAt,
                List.of(line("20.00")))).statusCode(422).body("code", equalTo("ORDER_TOO_OLD")));
        assertThat(earn(young).statusCode(200).extract().asString()).isEqualTo(first);
    }

    /** {@code months} calendar months (UTC) before now, plus {@code later}. */
    private static String monthsAgo(int months, Duration later) {
        return Instant.now().plus(later).atOffset(ZoneOffset.UTC).minusMonths(months).toInstant().toString();
    }
}
