package io.pointsplatform.earning.member;

import static io.pointsplatform.earning.Callers.asAdmin;
import static io.pointsplatform.earning.Orders.MID_MONTH;
import static io.pointsplatform.earning.Orders.earn;
import static io.pointsplatform.earning.Orders.id;
import static io.pointsplatform.earning.Orders.line;
import static io.pointsplatform.earning.Orders.member;
import static io.pointsplatform.earning.Orders.order;
import static io.pointsplatform.earning.Orders.preview;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.TierChanged;
import io.pointsplatform.events.Topics;
import io.pointsplatform.testing.PlatformTestResource;
import io.pointsplatform.testing.TestEvents;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The member's tier comes from the ledger's tier.changed: tier multipliers and expiry per tier. */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "earning"))
class TierTest {

    @Test
    void aTierFromTheLedgerDrivesTheTierMultiplierAndTheExpiry() {
        String gold = member();
        String platinum = member();
        String ruleId = id("gold");
        asAdmin().contentType(ContentType.JSON).body(Map.of("ruleId", ruleId, "kind", "TIER_MULTIPLIER", "tier", "GOLD",
                "multiplier", "1.5")).post("/api/v1/rules").then().statusCode(201);
        try {
            TestEvents.publish(Topics.POINTS_LEDGER, CloudEvent.of("tier.changed:" + gold, "/ledger-service", gold,
                    Instant.now(), new TierChanged(gold, "MEMBER", "GOLD", 10_000)));
            TestEvents.publish(Topics.POINTS_LEDGER, CloudEvent.of("tier.changed:" + platinum, "/ledger-service",
                    platinum, Instant.now(), new TierChanged(platinum, "GOLD", "PLATINUM", 50_000)));
            Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    preview(order(id("o"), gold, MID_MONTH, List.of(line("100.00")))).statusCode(200)
                            .body("breakdown.rule", hasItem(ruleId)));
            earn(order(id("o"), gold, MID_MONTH, List.of(line("100.00")))).statusCode(201)
                    .body("points", equalTo(350)).body("breakdown.rule", equalTo(List.of("base", "threshold-100", ruleId)));
            Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    preview(order(id("o"), platinum, MID_MONTH, List.of(line("10.00")))).statusCode(200)
                            .body("points", equalTo(10)).body("expiresAt", equalTo("2028-11-15T04:00:00Z")));
        } finally {
            asAdmin().delete("/api/v1/rules/" + ruleId).then().statusCode(200);
        }
    }
}
