package io.pointsplatform.earning.rule;

import static io.pointsplatform.earning.Callers.asAdmin;
import static io.pointsplatform.earning.Orders.MID_MONTH;
import static io.pointsplatform.earning.Orders.earn;
import static io.pointsplatform.earning.Orders.id;
import static io.pointsplatform.earning.Orders.line;
import static io.pointsplatform.earning.Orders.member;
import static io.pointsplatform.earning.Orders.order;
import static io.pointsplatform.earning.Orders.preview;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;

import io.pointsplatform.testing.PlatformTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Rules and campaigns through the admin API, and what they do to orders. Each test uses its own category or SKU. */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "earning"))
class RulesAndCampaignsTest {

    @Inject
    Pool pool;

    @Inject
    io.pointsplatform.earning.rule.repository.RuleRepository rules;

    @Test
    void aCategoryMultiplierIsVersionedChangedAndDeactivated() {
        String category = id("cat");
        String ruleId = id("double");
        int before = asAdmin().get("/api/v1/rules/threshold-100").then().statusCode(200).extract().path("points");
        assertThat(before).isEqualTo(200);
        int v1 = post("/api/v1/rules", Map.of("ruleId", ruleId, "kind", "CATEGORY_MULTIPLIER", "category", category,
                "multiplier", "2")).statusCode(201).body("value.ruleId", equalTo(ruleId))
                .extract().path("ruleSetVersion");
        List<Map<String, Object>> lines = List.of(line("a", category, 1, "30.00", false), line("20.00"));
        earn(order(id("o"), member(), MID_MONTH, lines)).statusCode(201)
                .body("points", equalTo(80)).body("ruleSetVersion", equalTo(v1))
                .body("breakdown.rule", equalTo(List.of("base", ruleId)));

        int v2 = asAdmin().contentType(ContentType.JSON).body(Map.of("kind", "CATEGORY_MULTIPLIER", "category", category,
                "multiplier", "3")).put("/api/v1/rules/" + ruleId).then().statusCode(200)
                .body("ruleSetVersion", greaterThan(v1)).extract().path("ruleSetVersion");
        earn(order(id("o"), member(), MID_MONTH, lines)).statusCode(201).body("points", equalTo(110))
                .body("ruleSetVersion", equalTo(v2));

        asAdmin().delete("/api/v1/rules/" + ruleId).then().statusCode(200).body("value.active", equalTo(false));
        earn(order(id("o"), member(), MID_MONTH, lines)).statusCode(201).body("points", equalTo(50));
        asAdmin().get("/api/v1/rules").then().statusCode(200).body("ruleId", hasItem(ruleId));

        post("/api/v1/rules", Map.of("ruleId", ruleId, "kind", "FIRST_PURCHASE", "points", 5)).statusCode(409)
                .body("code", equalTo("RULE_EXISTS"));
        asAdmin().contentType(ContentType.JSON).body(Map.of("kind", "FIRST_PURCHASE", "points", 5))
                .put("/api/v1/rules/" + id("ghost")).then().statusCode(404).body("code", equalTo("NOT_FOUND"));
    }

    @Test
    void aCampaignFiresOnlyWithinItsHalfOpenWindowAndForItsFilters() {
        String sku = id("sku");
        String campaignId = id("c");
        post("/api/v1/campaigns", campaign(campaignId, sku, "2026-11-11T00:00:00Z", "2026-11-12T00:00:00Z", null))
                .statusCode(201);
        List<Map<String, Object>> lines = List.of(line(sku, "x", 2, "10.00", false), line("5.00"));
        earn(order(id("o"), member(), "2026-11-11T00:00:00Z", lines)).statusCode(201).body("points", equalTo(45))
                .body("breakdown.rule", equalTo(List.of("base", "campaign:" + campaignId)));
        earn(order(id("o"), member(), "2026-11-11T23:59:59.999Z", lines)).statusCode(201).body("points", equalTo(45));
        earn(order(id("o"), member(), "2026-11-12T00:00:00Z", lines)).statusCode(201).body("points", equalTo(25));
        earn(order(id("o"), member(), "2026-11-10T23:59:59.999Z", lines)).statusCode(201).body("points", equalTo(25));
        // A promotional line of the SKU is not covered.
        earn(order(id("o"), member(), "2026-11-11T10:00:00Z", List.of(line(sku, "x", 2, "10.00", true))))
                .statusCode(201).body("points", equalTo(0));

        Map<String, Object> gold = campaign(id("c"), sku, "2026-11-11T00:00:00Z", "2026-11-12T00:00:00Z", null);
        gold.put("minTier", "GOLD");
        post("/api/v1/campaigns", gold).statusCode(201);
        preview(order(id("o"), member(), "2026-11-11T10:00:00Z", lines)).statusCode(200)
                .body("points", equalTo(45))
                .body("skipped.find { it.rule == 'campaign:" + gold.get("campaignId") + "' }.reason",
                        equalTo("member tier MEMBER is below GOLD"));
    }

    /**
     * An order decided with rules read before its campaign's budget was taken away still gets the
     * campaign's extra: its claim meets a campaign with no budget and spends freely. Until 2026-12-07
     * the claim's {@code spent + points <= null} refused it and the order lost the extra.
     */
    @Test
    void aClaimOnACampaignWhoseBudgetWasTakenAwaySpendsFreely() {
        String sku = id("sku");
        String campaignId = id("c");
        post("/api/v1/campaigns", campaign(campaignId, sku, "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z", 100L))
                .statusCode(201);
        asAdmin().contentType(ContentType.JSON)
                .body(campaign(campaignId, sku, "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z", null))
                .put("/api/v1/campaigns/" + campaignId).then().statusCode(200);
        // What a batch holding the rules of before the change does: claim the extra.
        boolean claimed = pool.withTransaction(c -> rules.spend(c, campaignId, 500)).await().indefinitely();
        assertThat(claimed).isTrue();
    }

    @Test
    void fiftyConcurrentOrdersNeverSpendMoreThanTheBudget() throws Exception {
        String sku = id("sku");
        String campaignId = id("c");
        post("/api/v1/campaigns", campaign(campaignId, sku, "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z", 1000L))
                .statusCode(201);
        ExecutorService pool = Executors.newFixedThreadPool(50);
        List<Callable<List<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            calls.add(() -> earn(order(id("o"), member(), MID_MONTH, List.of(line(sku, "x", 1, "30.00", false))))
                    .statusCode(201).extract().path("breakdown.rule"));
        }
        int fired = 0;
        try {
            for (Future<List<String>> future : pool.invokeAll(calls)) {
                fired += future.get().contains("campaign:" + campaignId) ? 1 : 0;
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(fired).isEqualTo(33);
        asAdmin().get("/api/v1/campaigns/" + campaignId).then().statusCode(200).body("spent", equalTo(990));
        preview(order(id("o"), member(), MID_MONTH, List.of(line(sku, "x", 1, "30.00", false)))).statusCode(200)
                .body("points", equalTo(30))
                .body("skipped.find { it.rule == 'campaign:" + campaignId + "' }.reason", startsWith("budget spent"));
        // Ten points still fit: a smaller order takes them, then the campaign has nothing left.
        earn(order(id("o"), member(), MID_MONTH, List.of(line(sku, "x", 1, "10.00", false)))).statusCode(201)
                .body("points", equalTo(20));
        asAdmin().get("/api/v1/campaigns/" + campaignId).then().body("spent", equalTo(1000));
    }

    /**
     * Twenty creates of one campaign id at once, each with its own name: one is created (201), the
     * others are told it exists (409), and the campaign is the one that was created. Until
     * 2026-12-05 each found no campaign and upserted it, so several were answered 201 and the last
     * writer's name stood.
     */
    @Test
    void concurrentCreatesOfOneCampaignCreateItOnce() throws Exception {
        String sku = id("sku");
        String campaignId = id("c");
        ExecutorService pool = Executors.newFixedThreadPool(20);
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(20);
        List<Callable<ValidatableResponse>> calls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Map<String, Object> body = campaign(campaignId, sku, "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z", null);
            body.put("name", "take " + i);
            calls.add(() -> {
                start.countDown();
                start.await();
                return post("/api/v1/campaigns", body);
            });
        }
        List<ValidatableResponse> answers = new ArrayList<>();
        try {
            for (Future<ValidatableResponse> future : pool.invokeAll(calls)) {
                answers.add(future.get());
            }
        } finally {
            pool.shutdownNow();
        }
        List<ValidatableResponse> created = answers.stream()
                .filter(a -> a.extract().statusCode() == 201).toList();
        assertThat(created).hasSize(1);
        assertThat(answers).extracting(a -> a.extract().statusCode()).containsOnly(201, 409);
        String name = created.get(0).extract().path("value.name");
        asAdmin().get("/api/v1/campaigns/" + campaignId).then().statusCode(200).body("name", equalTo(name));
    }

    @Test
    void theFirstPurchaseBonusIsOncePerMember() {
        withAFirstPurchaseBonusOf88(member -> {
            earn(order(id("o"), member, MID_MONTH, List.of(line("10.00")))).statusCode(201).body("points", equalTo(98));
            earn(order(id("o"), member, MID_MONTH, List.of(line("10.00")))).statusCode(201).body("points", equalTo(10));
        });
    }

    /** Runs {@code check} for a new member while a FIRST_PURCHASE rule of 88 points is active. */
    private static void withAFirstPurchaseBonusOf88(Consumer<String> check) {
        String ruleId = id("first");
        post("/api/v1/rules", Map.of("ruleId", ruleId, "kind", "FIRST_PURCHASE", "points", 88)).statusCode(201);
        try {
            check.accept(member());
        } finally {
            asAdmin().delete("/api/v1/rules/" + ruleId).then().statusCode(200);
        }
    }

    /**
     * A member's first order takes the first purchase even when it earns no bonus (nothing eligible):
     * it is recorded as the member's first, so an order of the member in a concurrent batch is not
     * taken for the first too. Until 2026-12-06 only an order that earned the bonus claimed it, and
     * a second order racing a 0-point first order in another batch got the bonus as well.
     */
    @Test
    void aFirstOrderThatEarnsNothingStillTakesTheFirstPurchase() {
        withAFirstPurchaseBonusOf88(member -> {
            String first = id("o");
            earn(order(first, member, MID_MONTH, List.of(line("0.50")))).statusCode(201).body("points", equalTo(0));
            assertThat(pool.preparedQuery("select order_id from first_purchase where member_id = $1")
                    .execute(Tuple.of(member)).await().indefinitely().iterator().next().getString("order_id"))
                    .isEqualTo(first);
            earn(order(id("o"), member, MID_MONTH, List.of(line("10.00")))).statusCode(201).body("points", equalTo(10));
        });
    }

    /**
     * Many concurrent orders are recorded in batches (group commit): each order once, repeats answered
     * with the first body, conflicts refused, and a member's first purchase rewarded once however
     * the member's orders fall into batches.
     */
    @Test
    void concurrentOrdersInBatchesEarnOnceEachAndTheFirstPurchaseOncePerMember() throws Exception {
        String ruleId = id("first");
        post("/api/v1/rules", Map.of("ruleId", ruleId, "kind", "FIRST_PURCHASE", "points", 88)).statusCode(201);
        ExecutorService pool = Executors.newFixedThreadPool(40);
        try {
            List<String> members = new ArrayList<>();
            for (int m = 0; m < 20; m++) {
                members.add(member());
            }
            List<Map<String, Object>> orders = new ArrayList<>();
            Map<String, Map<String, Object>> twins = new java.util.HashMap<>();
            List<Callable<String>> calls = new ArrayList<>();
            for (int n = 0; n < 100; n++) {
                Map<String, Object> order = order(id("o"), members.get(n % 20), MID_MONTH, List.of(line("10.00")));
                String orderId = (String) order.get("orderId");
                orders.add(order);
                calls.add(() -> earn(order).extract().statusCode() + " " + orderId);
                calls.add(() -> earn(order).extract().statusCode() + " " + orderId);
                if (n % 10 == 0) {
                    Map<String, Object> twin = order(orderId, members.get(n % 20), MID_MONTH, List.of(line("11.00")));
                    twins.put(orderId, twin);
                    calls.add(() -> earn(twin).extract().statusCode() + " twin " + orderId);
                }
            }
            java.util.Collections.shuffle(calls, new java.util.Random(7));
            List<String> answers = new ArrayList<>();
            for (Future<String> future : pool.invokeAll(calls)) {
                answers.add(future.get());
            }
            // They were recorded in batches, not one transaction each.
            String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
            assertThat(metrics.lines().filter(l -> l.startsWith("points_earning_batch_size_max"))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).max().orElse(0))
                    .isGreaterThan(1);
            // Each order id is recorded once, with whichever content came first; the other content is a 409.
            assertThat(answers).allMatch(a -> a.startsWith("201 ") || a.startsWith("200 ") || a.startsWith("409 "));
            List<String> created = answers.stream().filter(a -> a.startsWith("201 "))
                    .map(a -> a.substring(a.lastIndexOf(' ') + 1)).toList();
            assertThat(created).hasSize(100).doesNotHaveDuplicates();
            java.util.Set<String> twinWon = new java.util.HashSet<>();
            answers.stream().filter(a -> a.startsWith("201 twin ")).forEach(a -> twinWon.add(a.substring(9)));
            for (String orderId : twins.keySet()) {
                long refused = answers.stream().filter(a -> a.startsWith("409 ") && a.endsWith(" " + orderId)).count();
                assertThat(refused).as("409s for order %s", orderId).isEqualTo(twinWon.contains(orderId) ? 2 : 1);
            }
            // Every order again: 200 with what was recorded; first purchases exactly once per member.
            Map<String, Integer> pointsByMember = new java.util.HashMap<>();
            Map<String, Integer> expected = new java.util.HashMap<>();
            for (Map<String, Object> order : orders) {
                String orderId = (String) order.get("orderId");
                Map<String, Object> recorded = twinWon.contains(orderId) ? twins.get(orderId) : order;
                int points = earn(recorded).statusCode(200).extract().path("points");
                String member = (String) order.get("memberId");
                pointsByMember.merge(member, points, Integer::sum);
                expected.merge(member, twinWon.contains(orderId) ? 11 : 10, Integer::sum);
            }
            assertThat(pointsByMember).hasSize(20).allSatisfy((member, points) -> assertThat(points)
                    .as("member %s: its orders and one first-purchase bonus", member)
                    .isEqualTo(expected.get(member) + 88));
        } finally {
            pool.shutdownNow();
            asAdmin().delete("/api/v1/rules/" + ruleId).then().statusCode(200);
        }
    }

    @Test
    void invalidRulesAndCampaignsAreRefusedWithEveryFieldAtFault() {
        Map<String, Object> bad = campaign(id("c"), "s", "2026-11-11T00:00:00Z", "2026-11-11T00:00:00Z", -5L);
        bad.put("multiplier", "0");
        post("/api/v1/campaigns", bad).statusCode(400).body("code", equalTo("VALIDATION_FAILED"))
                .body("errors.field", containsInAnyOrder("multiplier", "endsAt", "budget"));
        post("/api/v1/rules", Map.of("ruleId", id("r"), "kind", "CATEGORY_MULTIPLIER", "multiplier", "0"))
                .statusCode(400).body("errors.field", containsInAnyOrder("category", "multiplier"));
        post("/api/v1/rules", Map.of("ruleId", id("r"), "kind", "THRESHOLD_BONUS", "thresholdYuan", "-1",
                "points", 0)).statusCode(400).body("errors.field", containsInAnyOrder("thresholdYuan", "points"));
        post("/api/v1/rules", Map.of("ruleId", id("r"), "kind", "NO_SUCH_KIND")).statusCode(400)
                .body("code", equalTo("VALIDATION_FAILED"));
    }

    private static Map<String, Object> campaign(String campaignId, String sku, String startsAt, String endsAt, Long budget) {
        Map<String, Object> campaign = new LinkedHashMap<>();
        campaign.put("campaignId", campaignId);
        campaign.put("name", "Double points on " + sku);
        campaign.put("multiplier", "2");
        campaign.put("startsAt", startsAt);
        campaign.put("endsAt", endsAt);
        campaign.put("sku", sku);
        campaign.put("budget", budget);
        return campaign;
    }

    private static ValidatableResponse post(String path, Map<String, ?> body) {
        return asAdmin().contentType(ContentType.JSON).body(body).post(path).then();
    }
}
