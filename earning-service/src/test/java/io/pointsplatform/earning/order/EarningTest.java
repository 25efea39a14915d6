package io.pointsplatform.earning.order;

import static io.pointsplatform.earning.Orders.MID_MONTH;
import static io.pointsplatform.earning.Orders.earn;
import static io.pointsplatform.earning.Orders.id;
import static io.pointsplatform.earning.Orders.line;
import static io.pointsplatform.earning.Orders.member;
import static io.pointsplatform.earning.Orders.order;
import static io.pointsplatform.earning.Orders.preview;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import io.pointsplatform.earning.Orders;
import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.EventCodec;
import io.pointsplatform.events.OriginKind;
import io.pointsplatform.events.PointsEarned;
import io.pointsplatform.events.Topics;
import io.pointsplatform.testing.PlatformTestResource;
import io.pointsplatform.testing.TopicReader;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Orders through HTTP with the default rules: base 1 point per yuan, +200 from 100 yuan, member day +50. */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "earning"))
class EarningTest {

    private final EventCodec codec = new EventCodec();

    @Test
    void anOrderEarnsFloorOfEligibleYuanAndCreditsItOnceThroughTheOutbox() {
        String memberId = member();
        String orderId = id("o");
        Map<String, Object> order = order(orderId, memberId, MID_MONTH, List.of(
                line("a", "grocery", 3, "33.33", false), line("b", "grocery", 1, "50.00", true)));

        String first = earn(order).statusCode(201)
                .body("earningId", equalTo("order-" + orderId))
                .body("points", equalTo(99))
                .body("breakdown.rule", equalTo(List.of("base")))
                .body("availableAt", equalTo("2026-11-22T04:00:00Z"))
                .body("expiresAt", equalTo("2027-11-15T04:00:00Z"))
                .extract().asString();
        assertThat(earn(order).statusCode(200).extract().asString()).isEqualTo(first);

        CloudEvent event = codec.read(TopicReader.awaitKey(Topics.POINTS_LEDGER, memberId, 1).get(0).value());
        assertThat(event.id()).isEqualTo("points.earned:order-" + orderId);
        PointsEarned credit = (PointsEarned) event.data();
        assertThat(credit.lotId()).isEqualTo("order-" + orderId);
        assertThat(credit.points()).isEqualTo(99);
        assertThat(credit.origin().kind()).isEqualTo(OriginKind.ORDER);
        assertThat(credit.origin().ref()).isEqualTo(orderId);
        assertThat(credit.availableAt()).isEqualTo(Instant.parse("2026-11-22T04:00:00Z"));
    }

    @Test
    void fractionsOfAYuanAndPromotionalLinesEarnNothing() {
        earn(order(id("o"), member(), MID_MONTH, List.of(line("0.99")))).statusCode(201).body("points", equalTo(0));
        earn(order(id("o"), member(), MID_MONTH, List.of(line("x", "food", 2, "500.00", true))))
                .statusCode(201).body("points", equalTo(0)).body("eligibleAmount", equalTo(0));
        earn(order(id("o"), member(), MID_MONTH, List.of(line("1.99"), line("2.99")))).statusCode(201)
                .body("points", equalTo(4));
    }

    @Test
    void theThresholdBonusStartsAtExactlyOneHundredYuanOfEligibleSpend() {
        earn(order(id("o"), member(), MID_MONTH, List.of(line("100.00")))).statusCode(201)
                .body("points", equalTo(300))
                .body("breakdown.rule", equalTo(List.of("base", "threshold-100")))
                .body("breakdown.points", equalTo(List.of(100, 200)));
        earn(order(id("o"), member(), MID_MONTH, List.of(line("99.99"), line("p", "x", 1, "10.00", true))))
                .statusCode(201).body("points", equalTo(99));
        preview(order(id("o"), member(), MID_MONTH, List.of(line("99.99")))).statusCode(200)
                .body("skipped.rule", hasItem("threshold-100"))
                .body("skipped.find { it.rule == 'threshold-100' }.reason",
                        equalTo("eligible spend 99.99 is below 100.00"));
    }

    @Test
    void memberDayIsTheFirstOfTheMonthInTheProgrammesTimeZone() {
        // 2026-12-01 00:00 in Shanghai is 2026-11-30 16:00 UTC.
        earn(order(id("o"), member(), "2026-11-30T16:00:00Z", List.of(line("10.00")))).statusCode(201)
                .body("points", equalTo(60)).body("breakdown.rule", equalTo(List.of("base", "member-day")));
        earn(order(id("o"), member(), "2026-11-30T15:59:59.999Z", List.of(line("10.00")))).statusCode(201)
                .body("points", equalTo(10));
        earn(order(id("o"), member(), "2026-12-01T15:59:59Z", List.of(line("10.00")))).statusCode(201)
                .body("points", equalTo(60));
        earn(order(id("o"), member(), "2026-12-01T16:00:00Z", List.of(line("10.00")))).statusCode(201)
                .body("points", equalTo(10));
        // Only promotional lines: member day is for a purchase that earns.
        earn(order(id("o"), member(), "2026-11-30T16:00:00Z", List.of(line("x", "y", 1, "10.00", true))))
                .statusCode(201).body("points", equalTo(0));
    }

    @Test
    void theSameOrderWithOtherContentIsAConflict() {
        String orderId = id("o");
        String memberId = member();
        earn(order(orderId, memberId, MID_MONTH, List.of(line("10.00")))).statusCode(201);
        earn(order(orderId, memberId, MID_MONTH, List.of(line("10.01")))).statusCode(409)
                .contentType("application/problem+json").body("code", equalTo("ORDER_CONFLICT"));
        earn(order(orderId, member(), MID_MONTH, List.of(line("10.00")))).statusCode(409)
                .body("code", equalTo("ORDER_CONFLICT"));
        // The same price written differently is the same order.
        earn(order(orderId, memberId, MID_MONTH, List.of(line("10.0")))).statusCode(200);
    }

    @Test
    void concurrentDuplicatesRecordOneEarningAndOneCredit() throws Exception {
        String orderId = id("o");
        String memberId = member();
        Map<String, Object> order = order(orderId, memberId, MID_MONTH, List.of(line("120.00")));
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            List<Callable<String>> calls = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                calls.add(() -> {
                    var response = earn(order).extract();
                    return response.statusCode() + " " + response.asString();
                });
            }
            List<String> answers = new ArrayList<>();
            for (Future<String> future : pool.invokeAll(calls)) {
                answers.add(future.get());
            }
            assertThat(answers).filteredOn(a -> a.startsWith("201 ")).hasSize(1);
            assertThat(answers).filteredOn(a -> a.startsWith("200 ")).hasSize(19);
            assertThat(answers.stream().map(a -> a.substring(4)).distinct()).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
        TopicReader.awaitKey(Topics.POINTS_LEDGER, memberId, 1);
        // Another member's credit published after ours proves ours had its chance to be duplicated.
        String later = member();
        earn(order(id("o"), later, MID_MONTH, List.of(line("1.00")))).statusCode(201);
        TopicReader.awaitKey(Topics.POINTS_LEDGER, later, 1);
        assertThat(TopicReader.all(Topics.POINTS_LEDGER, r -> memberId.equals(r.key()))).hasSize(1);
    }

    @Test
    void aPreviewRecordsNothing() {
        Map<String, Object> order = order(id("o"), member(), MID_MONTH, List.of(line("150.00")));
        preview(order).statusCode(200).body("points", equalTo(350)).body("ruleSetVersion", not(equalTo(0)));
        preview(order).statusCode(200).body("points", equalTo(350));
        earn(order).statusCode(201).body("points", equalTo(350)).body("$", not(org.hamcrest.Matchers.hasKey("skipped")));
    }

    @Test
    void badOrdersAreRefusedWithTheFieldsAtFault() {
        earn(order(id("o"), member(), MID_MONTH, List.of(line("1.005")))).statusCode(400)
                .body("code", equalTo("VALIDATION_FAILED")).body("errors[0].field", equalTo("lines[0].unitPrice"));
        Map<String, Object> usd = order(id("o"), member(), MID_MONTH, List.of(line("1.00")));
        usd.put("currency", "USD");
        earn(usd).statusCode(400).body("errors[0].field", equalTo("currency"));
        earn(order(id("o"), member(), MID_MONTH, List.of())).statusCode(400).body("errors[0].field", equalTo("lines"));
        earn(order("has space", member(), MID_MONTH, List.of(line("1.00")))).statusCode(400)
                .body("errors[0].field", equalTo("orderId"));
        earn(order(id("o"), member(), MID_MONTH, List.of(line("-1.00")))).statusCode(400);
    }

    @Test
    void aValueOfTheWrongJsonTypeIsRefusedNotConverted() {
        // A quantity of 1.7 was once counted as 1, "3" as 3, and a sku of true as the text "true".
        String orderId = id("o");
        earn(orderWithLine(orderId, "quantity", 1.7)).statusCode(400).body("code", equalTo("VALIDATION_FAILED"))
                .body("errors[0].field", equalTo("lines[0].quantity"))
                .body("errors[0].message", equalTo("got 1.7, must be a whole number (a JSON number without a fraction)"));
        earn(orderWithLine(orderId, "quantity", "3")).statusCode(400).body("errors[0].field", equalTo("lines[0].quantity"));
        earn(orderWithLine(orderId, "sku", true)).statusCode(400).body("errors[0].field", equalTo("lines[0].sku"))
                .body("errors[0].message", equalTo("must be a string"));
        Map<String, Object> misspelt = orderWithLine(orderId, "quantity", 1);
        misspelt.put("paidAtt", MID_MONTH);
        earn(misspelt).statusCode(400).body("errors[0].field", equalTo("paidAtt"))
                .body("errors[0].message", equalTo("is not a property of this request"));
        // A year Java reads but PostgreSQL cannot store (a preview of it once overflowed: a 500).
        Map<String, Object> farFuture = orderWithLine(orderId, "quantity", 1);
        // The field is named as CONTRACT.md names it, purchasedAt, whichever of its two names was sent.
        farFuture.put("paidAt", "+999999999-12-31T23:59:59Z");
        earn(farFuture).statusCode(400).body("errors[0].field", equalTo("purchasedAt"))
                .body("errors[0].message", equalTo("must be within the years 0001 to 9999"));
        preview(farFuture).statusCode(400).body("errors[0].field", equalTo("purchasedAt"));
        Map<String, Object> notATime = orderWithLine(orderId, "quantity", 1);
        notATime.remove("paidAt");
        notATime.put("purchasedAt", "yesterday");
        earn(notATime).statusCode(400).body("errors[0].field", equalTo("purchasedAt"));
        // None of them was recorded: the order id is still free for the order written properly.
        earn(orderWithLine(orderId, "quantity", 2)).statusCode(201).body("points", equalTo(20));
    }

    @Test
    void anOrderOfMoreThanAHundredMillionYuanIsRefusedAndOneOfExactlyThatIsTaken() {
        // 1 000 lines' worth in one: once a 500 from the database (numeric overflow) or, previewed
        // under a campaign, from a long overflowing; and it failed every order sharing its batch.
        Map<String, Object> huge = line("x", "home", 100_000, "9999999999.99", false);
        earn(order(id("o"), member(), MID_MONTH, List.of(huge))).statusCode(400)
                .body("code", equalTo("VALIDATION_FAILED")).body("errors[0].field", equalTo("lines"))
                .body("errors[0].message", equalTo("must add up to at most 100000000.00 yuan (was 999999999999000.00)"));
        preview(order(id("o"), member(), MID_MONTH, List.of(huge))).statusCode(400).body("errors[0].field", equalTo("lines"));
        // Promotional lines count towards the total too: it is the order's size, not its points.
        earn(order(id("o"), member(), MID_MONTH, List.of(line("60000000.00"),
                line("p", "home", 1, "40000000.01", true)))).statusCode(400).body("errors[0].field", equalTo("lines"));
        earn(order(id("o"), member(), MID_MONTH, List.of(line("60000000.00"),
                line("p", "home", 1, "40000000.00", true)))).statusCode(201).body("points", equalTo(60_000_200));
    }

    @Test
    void anOrderForAMemberNeverEnrolledIsRefusedAndRecordsNothing() {
        String ghost = id("ghost");
        Map<String, Object> order = order(id("o"), ghost, MID_MONTH, List.of(line("10.00")));
        earn(order).statusCode(422).contentType("application/problem+json").body("code", equalTo("UNKNOWN_MEMBER"))
                .body("detail", containsString(ghost));
        preview(order).statusCode(422).body("code", equalTo("UNKNOWN_MEMBER"));
        // Nothing was recorded: once the member is enrolled, the same order is a new one.
        Orders.enrol(ghost);
        earn(order).statusCode(201).body("points", equalTo(10));
    }

    @Test
    void anUnknownMemberIsRefusedAloneAndTheOrdersSharingItsBatchAreRecorded() throws Exception {
        List<Map<String, Object>> orders = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            orders.add(order(id("o"), i % 2 == 0 ? member() : id("ghost"), MID_MONTH, List.of(line("10.00"))));
        }
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            List<Callable<String>> calls = new ArrayList<>();
            for (Map<String, Object> order : orders) {
                calls.add(() -> {
                    var answer = earn(order).extract();
                    return order.get("memberId").toString().substring(0, 2) + " " + answer.statusCode() + " "
                            + (answer.statusCode() == 201 ? answer.path("points") : answer.path("code"));
                });
            }
            List<String> answers = new ArrayList<>();
            for (Future<String> future : pool.invokeAll(calls)) {
                answers.add(future.get());
            }
            assertThat(answers).filteredOn(a -> a.startsWith("m-")).hasSize(20).containsOnly("m- 201 10");
            assertThat(answers).filteredOn(a -> a.startsWith("gh")).hasSize(20).containsOnly("gh 422 UNKNOWN_MEMBER");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aPurchaseDatedLaterThanNowPlusTheClockSkewIsRefused() {
        Instant now = Instant.now();
        // A checkout's clock a little ahead of ours: within the 60 s of skew, taken.
        earn(order(id("o"), member(), now.plusSeconds(20).toString(), List.of(line("10.00")))).statusCode(201);
        String orderId = id("o");
        Map<String, Object> ahead = order(orderId, member(), now.plusSeconds(120).toString(), List.of(line("10.00")));
        earn(ahead).statusCode(400).contentType("application/problem+json")
                .body("code", equalTo("VALIDATION_FAILED")).body("errors[0].field", equalTo("purchasedAt"));
        preview(ahead).statusCode(400).body("errors[0].field", equalTo("purchasedAt"));
        // Nothing recorded: the order id is still free.
        ahead.put("paidAt", MID_MONTH);
        earn(ahead).statusCode(201);
    }

    /** An order of one 10-yuan line, that line's {@code field} set to {@code value}. */
    private static Map<String, Object> orderWithLine(String orderId, String field, Object value) {
        Map<String, Object> line = line("10.00");
        line.put(field, value);
        Orders.enrol("m-wrong-types");
        return order(orderId, "m-wrong-types", MID_MONTH, List.of(line));
    }
}
