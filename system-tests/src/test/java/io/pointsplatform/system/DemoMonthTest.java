package io.pointsplatform.system;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.pointsplatform.bench.demo.Demo;
import io.pointsplatform.testing.Tokens;
import io.restassured.path.json.JsonPath;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * deploy/local/demo.sh's month (the bench module's {@link Demo}) against the five services as
 * processes, with the local stack's one-minute last reminder window (deploy/local/services.env):
 * it finishes as its plan expected (exit 0: every answer expected, every kind redeemed, the lapsed
 * points expired, the ledger's verify clean), and the services say so on their own.
 */
class DemoMonthTest {

    private static final String RUN = "sys-demo";
    private static final int MEMBERS = 10;
    private static Platform platform;

    enum Kind { GIFT, VOUCHER, COUPON, LOTTERY, DONATION }

    @BeforeAll
    static void start() throws Exception {
        platform = Platform.start(Map.of(
                        "notification-service/points.reminders.windows", "P30D,P7D,PT1M",
                        "notification-service/points.reminders.every", "5s",
                        "ledger-service/points.expiry.last-reminder-lead", "PT1M"),
                "earning-service", "ledger-service", "catalog-service", "redemption-service", "notification-service");
    }

    @AfterAll
    static void stop() throws Exception {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void aMonthRunsAsPlannedAndTheLedgerAgreesWithItsLog() {
        int exit = new CommandLine(new Demo()).execute("--members", String.valueOf(MEMBERS), "--days", "10", "--seed", "5",
                "--run-id", RUN, "--progress", "plain",
                "--earning", platform.url("earning-service"), "--ledger", platform.url("ledger-service"),
                "--catalog", platform.url("catalog-service"), "--redemption", platform.url("redemption-service"),
                "--notification", platform.url("notification-service"),
                "--private-key", Tokens.privateKeyPem().toString(), "--issuer", Tokens.ISSUER, "--audience", Tokens.AUDIENCE);

        assertThat(exit).as("demo exit status (output above)").isZero();
        JsonPath verify = given().auth().oauth2(Tokens.analyst()).get(platform.url("ledger-service") + "/api/v1/admin/verify")
                .then().statusCode(200).extract().jsonPath();
        // The broker is shared with the other test classes, whose members this fresh ledger met only
        // half-way: this run's members are the ones to check.
        assertThat(verify.getBoolean("mismatchesTruncated")).isFalse();
        assertThat(verify.<String>getList("mismatches.memberId")).noneMatch(m -> m.startsWith(RUN + "-"));
        assertThat(verify.getLong("membersChecked")).isGreaterThanOrEqualTo(MEMBERS);
        Set<Kind> redeemed = EnumSet.noneOf(Kind.class);
        long expired = 0;
        for (int m = 1; m <= MEMBERS; m++) {
            String memberId = String.format("%s-m%04d", RUN, m);
            JsonPath redemptions = given().auth().oauth2(Tokens.analyst())
                    .get(platform.url("redemption-service") + "/api/v1/members/" + memberId + "/redemptions?limit=200")
                    .then().statusCode(200).extract().jsonPath();
            for (Map<String, Object> item : redemptions.<Map<String, Object>>getList("items")) {
                if ("COMPLETED".equals(item.get("status"))) {
                    redeemed.add(Kind.valueOf((String) item.get("kind")));
                    assertThat(item.get("rewardName")).as("the name of reward %s", item.get("rewardId")).isNotNull();
                }
            }
            expired += given().auth().oauth2(Tokens.analyst()).get(platform.url("ledger-service") + "/api/v1/accounts/" + memberId)
                    .then().statusCode(200).extract().jsonPath().getLong("expired");
        }
        assertThat(redeemed).containsExactlyInAnyOrder(Kind.values());
        // On 29 February no purchase of a year before expires today: the demo says so and skips the wait.
        if (!java.time.MonthDay.now(java.time.ZoneOffset.UTC).equals(java.time.MonthDay.of(2, 29))) {
            assertThat(expired).as("points expired").isPositive();
        }
    }
}
