package io.pointsplatform.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.pointsplatform.testing.PlatformTestResource;
import io.pointsplatform.testing.Tokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The page in a real headless Chromium (Debian's chromium and chromium-driver, driven by Selenium):
 * the numbers it shows equal the fixture's totals computed by SQL on the events, in English and in
 * Chinese; a fresh stack shows its empty state; a missing or expired token says how to get one;
 * new events appear without a reload. Screenshots are kept under target/screenshots/.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = {
        @ResourceArg(name = "service", value = "analytics"), @ResourceArg(name = "kafka", value = "none")})
class DashboardPageTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private static WebDriver browser;

    @TestHTTPResource("/")
    URL page;

    @ConfigProperty(name = "points.test.database")
    String database;

    @BeforeAll
    static void startChromium() {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "Skipped: no headless Chromium here (" + CHROMIUM + " and " + CHROMEDRIVER
                        + "); apt-get install chromium chromium-driver, as .ci/run does");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1400,1200", "--lang=en-US");
        options.setExperimentalOption("prefs", Map.of("intl.accept_languages", "en-US,en"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    static void stopChromium() {
        if (browser != null) {
            browser.quit();
        }
    }

    /** Each test starts from a tab that knows no token and no language choice. */
    @BeforeEach
    void forget() {
        browser.get(page.toString());
        js("sessionStorage.clear(); localStorage.clear();");
        browser.get("about:blank");
    }

    @Test
    void theNumbersOnThePageAreTheLogsTotals() {
        AnalyticsData data = new AnalyticsData(database).week();
        open(Tokens.analyst());

        assertThat(value("kpi-issued")).isEqualTo(data.points("points.earned")).isEqualTo(18_800);
        assertThat(value("kpi-spent")).isEqualTo(data.points("points.spent") - data.points("points.returned"));
        assertThat(value("kpi-expired")).isEqualTo(data.points("points.expired"));
        assertThat(value("kpi-reversed")).isEqualTo(data.points("points.reversed"));
        assertThat(value("kpi-outstanding-points")).isEqualTo(data.outstanding());
        assertThat(value("kpi-expiring-points")).isEqualTo(data.expiring(30));
        assertThat(value("kpi-members")).isEqualTo(data.members());
        assertThat(text("kpi-issued")).isEqualTo("18,800");
        assertThat(text("kpi-outstanding-points")).isEqualTo("14,390");
        assertThat(text("kpi-outstanding-yuan")).isEqualTo("CN¥143.90");
        assertThat(text("kpi-redemption-rate")).isEqualTo("22.34%");
        assertThat(text("kpi-expiry-rate")).isEqualTo("1.6%");
        assertThat(text("range-shown")).isEqualTo("Nov 1, 2026 – Nov 7, 2026");
        assertThat(browser.findElement(By.id("freshness")).getDomAttribute("data-last-event-at"))
                .isEqualTo("2026-11-07T10:00:05Z");
        assertThat(browser.findElement(By.id("unreadable")).isDisplayed()).isTrue();
        // The token left the address bar once read; it stays in this tab's sessionStorage.
        assertThat(browser.getCurrentUrl()).doesNotContain("token");
        // The charts are ECharts', drawn with the API's numbers.
        assertThat(chartData("daily", 0)).containsExactly(2_600L, 12_800L, 0L, 0L, 3_000L, 0L, 400L);
        assertThat(chartData("daily", 4)).last().isEqualTo(data.outstanding());
        assertThat(chartData("expiring", 0)).hasSize(4).matches(l -> l.stream().mapToLong(Long::longValue).sum() == data.expiring(30));
        assertThat(chartData("tiers", 0)).hasSize(4);
        assertThat(browser.findElements(By.cssSelector("#chart-daily canvas"))).isNotEmpty();
        screenshot("dashboard-en");

        // Narrowed to 11-02..11-04: that range's totals, and the outstanding at its end.
        js("document.getElementById('from').value = '2026-11-02'; document.getElementById('to').value = '2026-11-04';");
        browser.findElement(By.id("range-apply")).click();
        await(d -> text("range-shown").startsWith("Nov 2, 2026"));
        assertThat(value("kpi-issued")).isEqualTo(data.number("select sum(points) from analytics.events"
                + " where type = 'points.earned' and day between '2026-11-02' and '2026-11-04'"));
        assertThat(value("kpi-outstanding-points")).isEqualTo(data.number("select sum(outstanding_delta)"
                + " from analytics.events where day <= '2026-11-04'"));
        assertThat(chartData("daily", 0)).containsExactly(12_800L, 0L, 0L);
        browser.findElement(By.id("range-clear")).click();
        await(d -> value("kpi-issued") == 18_800);
    }

    @Test
    void theLanguageSwitchFormatsNumbersAndDatesForChineseReaders() {
        AnalyticsData data = new AnalyticsData(database).week();
        open(Tokens.analyst());

        browser.findElement(By.id("lang-zh")).click();

        await(d -> "zh-CN".equals(js("return document.documentElement.lang")));
        assertThat(text("title")).isEqualTo("积分分析");
        assertThat(value("kpi-issued")).isEqualTo(data.points("points.earned"));
        assertThat(text("kpi-issued")).isEqualTo("18,800");
        assertThat(text("kpi-outstanding-yuan")).isEqualTo("¥143.90");
        assertThat(text("range-shown")).isEqualTo("2026年11月1日 至 2026年11月7日");
        assertThat(text("freshness")).contains("最新事件").contains("2026年11月7日");
        screenshot("dashboard-zh-CN");

        // The choice outlives a reload; English again on the other button.
        browser.navigate().refresh();
        await(d -> "积分分析".equals(text("title")) && !text("kpi-issued").isEmpty());
        browser.findElement(By.id("lang-en")).click();
        await(d -> "Points analytics".equals(text("title")));
        assertThat(text("range-shown")).isEqualTo("Nov 1, 2026 – Nov 7, 2026");
    }

    @Test
    void aFreshStackShowsNoEventsYetAndNoCharts() {
        new AnalyticsData(database).empty();
        browser.get(page + "#token=" + Tokens.analyst());

        await(d -> d.findElement(By.id("empty-state")).isDisplayed());
        assertThat(text("empty-state")).startsWith("No events yet");
        assertThat(browser.findElement(By.id("content")).isDisplayed()).isFalse();
        assertThat(text("freshness")).startsWith("No events yet");
        screenshot("dashboard-empty");
    }

    @Test
    void beforeTheReplaysFirstRunThePageSaysWhatMakesTheData() {
        AnalyticsData data = new AnalyticsData(database);
        data.run("drop schema if exists analytics cascade");
        try {
            browser.get(page + "#token=" + Tokens.analyst());
            await(d -> d.findElement(By.id("empty-state")).isDisplayed() && !text("empty-detail").isEmpty());
            assertThat(text("empty-detail")).contains("deploy/local/replay.sh");
            // The replay's first run makes the schema and writes: the page follows without a reload.
            data.week();
            await(d -> !text("kpi-issued").isEmpty() && d.findElement(By.id("content")).isDisplayed());
            assertThat(browser.findElement(By.id("empty-state")).isDisplayed()).isFalse();
        } finally {
            data.empty();
        }
    }

    @Test
    void aMissingOrExpiredTokenSaysHowToGetOneAndAPastedOneWorks() {
        new AnalyticsData(database).week();
        browser.get(page.toString());
        await(d -> d.findElement(By.id("token-panel")).isDisplayed());
        assertThat(browser.findElement(By.id("token-message")).getDomAttribute("data-state")).isEqualTo("missing");
        assertThat(text("token-panel")).contains("deploy/local/token.sh analyst");
        assertThat(browser.findElement(By.id("dashboard")).isDisplayed()).isFalse();

        browser.get("about:blank");
        browser.get(page + "#token=" + Tokens.expired("analyst", "analyst-1"));
        await(d -> "expired".equals(d.findElement(By.id("token-message")).getDomAttribute("data-state")));
        assertThat(text("token-message")).contains("expired");
        screenshot("dashboard-token-expired");

        browser.findElement(By.id("token-input")).sendKeys(Tokens.analyst());
        browser.findElement(By.id("token-save")).click();
        await(d -> !text("kpi-issued").isEmpty());
        assertThat(browser.findElement(By.id("token-panel")).isDisplayed()).isFalse();

        // A member's token is valid but may not read analytics: said so, not shown as expired.
        browser.findElement(By.id("token-forget")).click();
        browser.findElement(By.id("token-input")).sendKeys(Tokens.member("m-1001"));
        browser.findElement(By.id("token-save")).click();
        await(d -> "forbidden".equals(d.findElement(By.id("token-message")).getDomAttribute("data-state")));
    }

    @Test
    void newEventsAppearWithoutAReload() {
        AnalyticsData data = new AnalyticsData(database).week();
        open(Tokens.analyst());
        assertThat(value("kpi-issued")).isEqualTo(18_800);

        // What the live replay does for one more order: the event and its day's aggregate.
        data.run("insert into analytics.events (event_id, topic, kafka_partition, kafka_offset, type, occurred_at, day,"
                + " member_id, tier, points, outstanding_delta, lot_id, data) values ('e21', 'points.ledger', 1, 2,"
                + " 'points.earned', '2026-11-08 09:15:00+08', '2026-11-08', 'm-1001', 'MEMBER', 700, 700, 'l-8', '{}');"
                + " insert into analytics.daily_points values ('2026-11-08', 'points.earned', 'MEMBER', 1, 700, 700);");

        await(d -> value("kpi-issued") == 18_800 + 700);
        assertThat(value("kpi-outstanding-points")).isEqualTo(data.outstanding()).isEqualTo(14_390 + 700);
        assertThat(browser.findElement(By.id("freshness")).getDomAttribute("data-last-event-at"))
                .isEqualTo("2026-11-08T01:15:00Z");
        assertThat(chartData("daily", 0)).hasSize(8).last().isEqualTo(700L);
    }

    // --- helpers ----------------------------------------------------------------------------------

    /**
     * The page holds an analyst's token: it is served with a content security policy that the
     * browser enforces (an inline script added to it does not run) and that still lets the page
     * draw its charts, and with headers that keep it out of other sites' frames. Swagger UI, whose
     * page runs an inline script, is left out.
     */
    @Test
    void thePageIsServedWithAPolicyThatKeepsItsTokenToItself() {
        for (String path : new String[] {"/", "/dashboard.js", "/api/v1/analytics/summary"}) {
            io.restassured.response.Response answer = io.restassured.RestAssured.given()
                    .auth().oauth2(Tokens.analyst()).get(path);
            assertThat(answer.header("Content-Security-Policy")).as(path)
                    .contains("script-src 'self'", "frame-ancestors 'none'", "default-src 'none'")
                    .doesNotContain("'unsafe-eval'").doesNotContainPattern("script-src[^;]*unsafe-inline");
            assertThat(answer.header("X-Frame-Options")).as(path).isEqualTo("DENY");
            assertThat(answer.header("X-Content-Type-Options")).as(path).isEqualTo("nosniff");
            assertThat(answer.header("Referrer-Policy")).as(path).isEqualTo("no-referrer");
        }
        assertThat(io.restassured.RestAssured.get("/q/swagger-ui/").header("Content-Security-Policy")).isNull();

        new AnalyticsData(database).week();
        open(Tokens.analyst());
        assertThat(chartData("daily", 0)).isNotEmpty();
        assertThat(browser.findElements(By.cssSelector("#chart-daily canvas"))).isNotEmpty();
        Object ran = js("window.__inline = 'no'; const s = document.createElement('script');"
                + " s.textContent = 'window.__inline = \"yes\"'; document.head.appendChild(s); return window.__inline;");
        assertThat(ran).isEqualTo("no");
    }

    /** Opens the page with TOKEN in the fragment and waits for its first numbers. */
    private void open(String token) {
        browser.get(page + "#token=" + token);
        await(d -> !text("kpi-issued").isEmpty());
    }

    private void await(java.util.function.Function<WebDriver, Boolean> condition) {
        new WebDriverWait(browser, PATIENCE).ignoring(RuntimeException.class).until(condition::apply);
    }

    private static String text(String id) {
        return browser.findElement(By.id(id)).getText().trim();
    }

    /** The raw number behind a KPI (its data-value), as the API gave it. */
    private static long value(String id) {
        WebElement element = browser.findElement(By.id(id));
        return Long.parseLong(element.getDomAttribute("data-value"));
    }

    /** One series' data of one of the page's ECharts instances. */
    @SuppressWarnings("unchecked")
    private static List<Long> chartData(String chart, int series) {
        List<Object> data = (List<Object>) js("const c = echarts.getInstanceByDom(document.getElementById('chart-"
                + chart + "')); const d = c.getOption().series[" + series + "].data;"
                + " return d.map(x => typeof x === 'object' ? x.value : x);");
        return data.stream().map(x -> ((Number) x).longValue()).toList();
    }

    private static Object js(String script) {
        return ((JavascriptExecutor) browser).executeScript(script);
    }

    private static void screenshot(String name) {
        try {
            Path dir = Path.of(System.getProperty("screenshots.dir", "target/screenshots"));
            Files.createDirectories(dir);
            File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
            Files.copy(shot.toPath(), dir.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
