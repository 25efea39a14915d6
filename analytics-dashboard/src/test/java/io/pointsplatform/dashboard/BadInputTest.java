package io.pointsplatform.dashboard;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.pointsplatform.testing.BadInputs;
import io.pointsplatform.testing.PlatformTestResource;
import io.pointsplatform.testing.Tokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Bad query parameters on every analytics endpoint, each a 400 problem naming the parameter (never a
 * 500, never an empty answer that looks like data), and methods the endpoints do not have.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = {
        @ResourceArg(name = "service", value = "analytics"), @ResourceArg(name = "kafka", value = "none")})
class BadInputTest {

    private static final String A = "/api/v1/analytics";
    private static final String V = "VALIDATION_FAILED";

    @ConfigProperty(name = "points.test.database")
    String database;

    private static BadInputs table() {
        BadInputs table = new BadInputs(Tokens.analyst());
        for (String path : List.of(A + "/summary", A + "/daily")) {
            table.call(path + ": from not a date", "GET", path + "?from=yesterday", 400, V, "from")
                    .call(path + ": to not a date", "GET", path + "?to=2026-13-01", 400, V, "to")
                    .call(path + ": from with a time", "GET", path + "?from=2026-11-01T00:00:00Z", 400, V, "from")
                    .call(path + ": from without leading zeros", "GET", path + "?from=2026-1-1", 400, V, "from")
                    .call(path + ": the 30th of February", "GET", path + "?to=2026-02-30", 400, V, "to")
                    .call(path + ": from in the year 10000", "GET", path + "?from=%2B10000-01-01", 400, V, "from")
                    .call(path + ": from before 2000", "GET", path + "?from=1999-12-31", 400, V, "from")
                    .call(path + ": to before from", "GET", path + "?from=2026-11-07&to=2026-11-01", 400, V, "to")
                    // One end given: the other is the first or last day with events (2026-11-01, 2026-11-07).
                    .call(path + ": from alone after the last day", "GET", path + "?from=2026-11-08", 400, V, "from")
                    .call(path + ": to alone before the first day", "GET", path + "?to=2026-10-31", 400, V, "to")
                    .call(path + ": more than 3661 days", "GET", path + "?from=2000-01-01&to=2026-01-01", 400, V, "to")
                    .call(path + ": from holding U+0000", "GET", path + "?from=2026-11-0%00", 400, V, "from")
                    .call(path + ": POST", "POST", path, 405, "METHOD_NOT_ALLOWED", null);
        }
        return table
                .call("expiringDays 0", "GET", A + "/summary?expiringDays=0", 400, V, "expiringDays")
                .call("expiringDays 367", "GET", A + "/summary?expiringDays=367", 400, V, "expiringDays")
                .call("expiringDays a word", "GET", A + "/summary?expiringDays=month", 400, V, "expiringDays")
                .call("limit 0", "GET", A + "/rewards/top?limit=0", 400, V, "limit")
                .call("limit given twice", "GET", A + "/rewards/top?limit=5&limit=6", 400, V, "limit")
                .call("limit 51", "GET", A + "/rewards/top?limit=51", 400, V, "limit")
                .call("limit -1", "GET", A + "/rewards/top?limit=-1", 400, V, "limit")
                .call("limit 1.5", "GET", A + "/rewards/top?limit=1.5", 400, V, "limit")
                .call("limit beyond an int", "GET", A + "/rewards/top?limit=2147483648", 400, V, "limit")
                .call("days 0", "GET", A + "/expiring?days=0", 400, V, "days")
                .call("days 367", "GET", A + "/expiring?days=367", 400, V, "days")
                .call("days a word", "GET", A + "/expiring?days=thirty", 400, V, "days")
                .call("DELETE on the tiers", "DELETE", A + "/tiers", 405, "METHOD_NOT_ALLOWED", null)
                .call("an endpoint that does not exist", "GET", A + "/revenue", 404, "NOT_FOUND", null);
    }

    @Test
    void everyBadParameterIsAProblemNamingIt() {
        new AnalyticsData(database).week();
        assertThat(table().wrongAnswers()).as("bad inputs answered wrongly").isEmpty();
    }

    /** Quarkus reads {@code ?from=} as no from at all: the whole log, as without it. */
    @Test
    void anEmptyParameterIsTheSameAsNone() {
        new AnalyticsData(database).week();
        String all = given().auth().oauth2(Tokens.analyst()).get(A + "/summary").then().statusCode(200).extract().asString();
        given().auth().oauth2(Tokens.analyst()).urlEncodingEnabled(false).get(A + "/summary?from=&to=")
                .then().statusCode(200).body(org.hamcrest.Matchers.equalTo(all));
    }
}
