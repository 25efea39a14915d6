package io.pointsplatform.dashboard;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.pointsplatform.testing.PlatformTestResource;
import io.pointsplatform.testing.Tokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The analytics endpoints through HTTP on the week of fixtures/month.sql in real PostgreSQL: each
 * number equals what SQL on the events themselves gives, and the fixture's own totals (written out
 * in it) hold, so neither side can drift alone.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = {
        @ResourceArg(name = "service", value = "analytics"), @ResourceArg(name = "kafka", value = "none")})
class AnalyticsResourceTest {

    @ConfigProperty(name = "points.test.database")
    String database;

    private JsonPath get(String path) {
        return given().auth().oauth2(Tokens.analyst()).get("/api/v1/analytics" + path)
                .then().statusCode(200).contentType("application/json").extract().jsonPath();
    }

    /** An answer is kept nowhere; the page and its script are asked for again, not kept for a day. */
    @Test
    void answersAreNotStoredAndThePageIsRevalidated() {
        new AnalyticsData(database).week();
        var answer = given().auth().oauth2(Tokens.analyst()).get("/api/v1/analytics/summary").then().statusCode(200)
                .extract();
        assertThat(answer.header("Cache-Control")).isEqualTo("no-store");
        assertThat(answer.header("X-Content-Type-Options")).isEqualTo("nosniff");
        for (String file : List.of("/", "/dashboard.js", "/dashboard.css")) {
            var page = given().get(file).then().statusCode(200).extract();
            assertThat(page.header("Cache-Control")).as(file).contains("max-age=0").doesNotContain("no-store");
            assertThat(page.header("X-Content-Type-Options")).as(file).isEqualTo("nosniff");
            String lastModified = page.header("Last-Modified");
            assertThat(lastModified).as(file).isNotBlank();
            given().header("If-Modified-Since", lastModified).get(file).then().statusCode(304);
        }
    }

    @Test
    void theSummaryAddsUpTheWholeLog() {
        AnalyticsData data = new AnalyticsData(database).week();
        long issued = data.points("points.earned");
        long spent = data.points("points.spent") - data.points("points.returned");
        long expired = data.points("points.expired");

        JsonPath summary = get("/summary");

        assertThat(summary.getBoolean("empty")).isFalse();
        assertThat(summary.getString("from")).isEqualTo("2026-11-01");
        assertThat(summary.getString("to")).isEqualTo("2026-11-07");
        assertThat(summary.getLong("issued")).isEqualTo(issued).isEqualTo(18_800);
        assertThat(summary.getLong("spent")).isEqualTo(spent).isEqualTo(4_200);
        assertThat(summary.getLong("returned")).isEqualTo(data.points("points.returned")).isEqualTo(500);
        assertThat(summary.getLong("expired")).isEqualTo(expired).isEqualTo(300);
        assertThat(summary.getLong("reversed")).isEqualTo(data.points("points.reversed")).isEqualTo(60);
        assertThat(summary.getLong("adjusted")).isEqualTo(data.points("points.adjusted")).isEqualTo(150);
        assertThat(summary.getLong("outstandingPoints")).isEqualTo(data.outstanding()).isEqualTo(14_390)
                .isEqualTo(data.number("select sum(points - taken) from analytics.lots"));
        assertThat(new BigDecimal(summary.getString("outstandingYuan"))).isEqualByComparingTo("143.90");
        assertThat(summary.getLong("pointsPerYuan")).isEqualTo(100);
        assertThat(new BigDecimal(summary.getString("redemptionRate")))
                .isEqualByComparingTo(ratio(spent, issued)).isEqualByComparingTo("0.2234");
        assertThat(new BigDecimal(summary.getString("expiryRate")))
                .isEqualByComparingTo(ratio(expired, issued)).isEqualByComparingTo("0.0160");
        assertThat(summary.getLong("expiringPoints")).isEqualTo(data.expiring(30)).isEqualTo(2_540);
        assertThat(summary.getInt("expiringDays")).isEqualTo(30);
        assertThat(summary.getString("lastEventAt")).isEqualTo("2026-11-07T10:00:05Z");
        assertThat(summary.getString("replayUpdatedAt")).isNotNull();
        assertThat(summary.getLong("unreadableRecords")).isEqualTo(1);
    }

    @Test
    void aRangeCountsItsOwnDaysAndOutstandingAtItsEnd() {
        AnalyticsData data = new AnalyticsData(database).week();
        long issued = data.number("select sum(points) from analytics.events where type = 'points.earned'"
                + " and day between '2026-11-02' and '2026-11-04'");
        long outstanding = data.number("select sum(outstanding_delta) from analytics.events where day <= '2026-11-04'");

        JsonPath summary = get("/summary?from=2026-11-02&to=2026-11-04");

        assertThat(summary.getLong("issued")).isEqualTo(issued).isEqualTo(12_800);
        assertThat(summary.getLong("spent")).isEqualTo(3_400 - 500);
        assertThat(summary.getLong("expired")).isZero();
        assertThat(summary.getLong("outstandingPoints")).isEqualTo(outstanding).isEqualTo(12_440);
        // The expiring points and the freshness do not depend on the range.
        assertThat(summary.getLong("expiringPoints")).isEqualTo(data.expiring(30));
        assertThat(summary.getString("lastEventAt")).isEqualTo("2026-11-07T10:00:05Z");
    }

    @Test
    void everyDayIsThereWithItsPointsAndTheOutstandingAtItsEnd() {
        AnalyticsData data = new AnalyticsData(database).week();

        List<Map<String, Object>> days = get("/daily").getList("$");

        assertThat(days).extracting(d -> d.get("day")).containsExactly("2026-11-01", "2026-11-02", "2026-11-03",
                "2026-11-04", "2026-11-05", "2026-11-06", "2026-11-07");
        for (Map<String, Object> day : days) {
            String on = " from analytics.events where day = '" + day.get("day") + "'";
            assertThat(number(day, "issued")).as("issued on " + day.get("day"))
                    .isEqualTo(data.number("select coalesce(sum(points), 0)" + on + " and type = 'points.earned'"));
            assertThat(number(day, "spent")).as("spent on " + day.get("day"))
                    .isEqualTo(data.number("select coalesce(sum(case type when 'points.spent' then points else -points end), 0)"
                            + on + " and type in ('points.spent', 'points.returned')"));
            assertThat(number(day, "expired")).isEqualTo(data.number("select coalesce(sum(points), 0)" + on
                    + " and type = 'points.expired'"));
            assertThat(number(day, "reversed")).isEqualTo(data.number("select coalesce(sum(points), 0)" + on
                    + " and type = 'points.reversed'"));
            assertThat(number(day, "outstanding")).as("outstanding at the end of " + day.get("day"))
                    .isEqualTo(data.number("select coalesce(sum(outstanding_delta), 0) from analytics.events where day <= '"
                            + day.get("day") + "'"));
        }
        // 11-05 in Shanghai holds m-1005's 3 000, earned at 16:30 UTC on 11-04; 11-06 had no event.
        assertThat(number(days.get(4), "issued")).isEqualTo(3_000);
        assertThat(days.get(5)).containsEntry("issued", 0).containsEntry("outstanding", 15_290);

        // An open end longer than ten years: the last 3 661 days, the newest kept.
        List<Map<String, Object>> decade = get("/daily?from=2000-01-01").getList("$");
        assertThat(decade).hasSize(3_661).last().extracting(d -> d.get("day")).isEqualTo("2026-11-07");
        assertThat(decade.get(decade.size() - 1)).containsEntry("outstanding", 14_390);

        // One end given, on the data's last or first day: a range of one day up to or from it.
        assertThat(get("/daily?from=2026-11-07").getList("day")).containsExactly("2026-11-07");
        assertThat(get("/daily?to=2026-11-01").getList("day")).containsExactly("2026-11-01");
        JsonPath lastDay = get("/summary?from=2026-11-07");
        assertThat(List.of(lastDay.getString("from"), lastDay.getString("to"))).containsExactly("2026-11-07", "2026-11-07");

        List<Map<String, Object>> range = get("/daily?from=2026-11-06&to=2026-11-09").getList("$");
        assertThat(range).extracting(d -> d.get("day")).containsExactly("2026-11-06", "2026-11-07", "2026-11-08", "2026-11-09");
        assertThat(range).extracting(d -> number(d, "outstanding")).containsExactly(15_290L, 14_390L, 14_390L, 14_390L);
    }

    @Test
    void topRewardsAreRankedByRedemptionsLessCancellations() {
        new AnalyticsData(database).week();

        List<Map<String, Object>> rewards = get("/rewards/top?limit=3").getList("$");

        assertThat(rewards).extracting(r -> r.get("rewardId")).containsExactly("r-donate", "r-mug", "r-voucher-5");
        assertThat(rewards.get(1)).containsEntry("name", "Travel mug").containsEntry("kind", "GIFT")
                .containsEntry("redeemed", 2).containsEntry("pointsSpent", 2400);
        assertThat(rewards.get(2)).containsEntry("name", "5 元代金券").containsEntry("completed", 3)
                .containsEntry("cancelled", 1).containsEntry("redeemed", 2);
        assertThat(get("/rewards/top").getList("rewardId")).hasSize(5).endsWith("r-lottery");
    }

    @Test
    void expiringPointsAreWhatIsLeftInLotsWithinTheWindow() {
        AnalyticsData data = new AnalyticsData(database).week();

        JsonPath in30 = get("/expiring");
        JsonPath in7 = get("/expiring?days=7");

        assertThat(in30.getLong("points")).isEqualTo(data.expiring(30)).isEqualTo(40 + 400 + 1_700 + 400);
        assertThat(in30.getLong("members")).isEqualTo(4);
        assertThat(in30.getList("byDay.points", Long.class).stream().mapToLong(Long::longValue).sum())
                .isEqualTo(in30.getLong("points"));
        assertThat(in30.getList("byDay")).hasSize(4);
        assertThat(in7.getLong("points")).isEqualTo(data.expiring(7)).isEqualTo(1_700 + 400);
        assertThat(in7.getInt("days")).isEqualTo(7);
    }

    @Test
    void membersPerTierNameEveryTierOfTheProgramme() {
        AnalyticsData data = new AnalyticsData(database).week();
        data.run("insert into analytics.members (member_id, tier) values ('m-1007', 'DIAMOND')");

        List<Map<String, Object>> tiers = get("/tiers").getList("$");

        assertThat(tiers).extracting(t -> t.get("tier")).containsExactly("MEMBER", "SILVER", "GOLD", "PLATINUM", "DIAMOND");
        assertThat(tiers).extracting(t -> number(t, "members")).containsExactly(3L, 2L, 1L, 0L, 1L);
        assertThat(tiers.stream().mapToLong(t -> number(t, "members")).sum()).isEqualTo(data.members());
    }

    @Test
    void aFreshStackSaysItIsEmptyAndAnswersEveryEndpoint() {
        new AnalyticsData(database).empty();

        JsonPath summary = get("/summary");
        assertThat(summary.getBoolean("empty")).isTrue();
        assertThat(summary.getString("from")).isNull();
        assertThat(summary.getLong("issued")).isZero();
        assertThat(summary.getString("redemptionRate")).isNull();
        assertThat(summary.getString("lastEventAt")).isNull();
        assertThat(get("/daily").getList("$")).isEmpty();
        // An end alone on an empty stack: nothing either (until 2026-12-08 ?to= gave ten years of zeros).
        assertThat(get("/daily?to=2026-12-01").getList("$")).isEmpty();
        assertThat(get("/daily?from=2026-12-01").getList("$")).isEmpty();
        assertThat(get("/rewards/top").getList("$")).isEmpty();
        assertThat(get("/expiring").getLong("points")).isZero();
        assertThat(get("/tiers").getList("members", Long.class)).containsOnly(0L);
        // One end alone has no default to be out of order with: no day has events.
        assertThat(get("/summary?from=2999-01-01").getString("from")).isEqualTo("2999-01-01");
        // A range on an empty stack is still its days, all zero.
        assertThat(get("/daily?from=2026-11-01&to=2026-11-03").getList("issued", Long.class)).containsExactly(0L, 0L, 0L);
    }

    @Test
    void beforeTheReplayMadeTheSchemaEveryEndpointSaysSoWith503() {
        AnalyticsData data = new AnalyticsData(database);
        data.run("drop schema if exists analytics cascade");
        try {
            for (String path : List.of("/summary", "/daily", "/rewards/top", "/expiring", "/tiers")) {
                given().auth().oauth2(Tokens.analyst()).get("/api/v1/analytics" + path).then().statusCode(503)
                        .contentType("application/problem+json").body("code", org.hamcrest.Matchers.equalTo("ANALYTICS_NOT_READY"));
            }
        } finally {
            data.empty();
        }
    }

    @Test
    void thePageAndEChartsAreServedWithoutAToken() {
        given().get("/").then().statusCode(200).contentType("text/html");
        given().get("/dashboard.js").then().statusCode(200);
        given().get("/webjars/echarts/dist/echarts.min.js").then().statusCode(200);
    }

    private static long number(Map<String, Object> row, String key) {
        return ((Number) row.get(key)).longValue();
    }

    private static BigDecimal ratio(long part, long whole) {
        return BigDecimal.valueOf(part).divide(BigDecimal.valueOf(whole), 4, RoundingMode.HALF_EVEN);
    }
}
