package io.pointsplatform.dashboard;

import static io.pointsplatform.testing.AuthMatrix.roles;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.pointsplatform.testing.AuthMatrix;
import io.pointsplatform.testing.PlatformTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Who may read the analytics (the README's role × endpoint table): analysts and admins, nobody else,
 * and nobody without a valid token. The page itself and ECharts are open: they hold no data.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = {
        @ResourceArg(name = "service", value = "analytics"), @ResourceArg(name = "kafka", value = "none")})
class AuthorisationMatrixTest {

    private static final Set<String> ANALYSTS = roles("analyst", "admin");

    @ConfigProperty(name = "points.test.database")
    String database;

    static AuthMatrix matrix() {
        return new AuthMatrix()
                .call("GET", "/api/v1/analytics/summary?from=2026-11-01&to=2026-11-07", null, ANALYSTS)
                .call("GET", "/api/v1/analytics/daily", null, ANALYSTS)
                .call("GET", "/api/v1/analytics/rewards/top?limit=5", null, ANALYSTS)
                .call("GET", "/api/v1/analytics/expiring?days=7", null, ANALYSTS)
                .call("GET", "/api/v1/analytics/tiers", null, ANALYSTS);
    }

    @BeforeEach
    void week() {
        new AnalyticsData(database).week();
    }

    @Test
    void onlyAnalystsAndAdminsReadTheAnalytics() {
        matrix().check();
    }

    @Test
    void everyOperationTheDashboardDocumentsIsInTheMatrix() {
        assertThat(matrix().coveredOperations()).containsExactlyElementsOf(AuthMatrix.documentedOperations());
    }

    @Test
    void healthThePageAndTheOperationsEndpointsAreOpen() {
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200);
        given().get("/q/openapi").then().statusCode(200);
        given().get("/").then().statusCode(200);
        given().get("/webjars/echarts/dist/echarts.min.js").then().statusCode(200);
    }
}
