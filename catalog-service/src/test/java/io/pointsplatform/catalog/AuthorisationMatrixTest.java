package io.pointsplatform.catalog;

import static io.pointsplatform.testing.AuthMatrix.roles;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.pointsplatform.testing.AuthMatrix;
import io.pointsplatform.testing.PlatformTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Who may call what on catalog-service (the README's role × endpoint table): every endpoint with
 * no token, bad tokens, every role, and another member's token where a member names an account.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "catalog"))
class AuthorisationMatrixTest {

    private static final String MEMBER = "m-matrix-catalog";
    private static final Set<String> READERS = roles("member", "checkout", "admin", "analyst", "service");

    private static final Set<String> SERVICE_OR_ADMIN = roles("service", "admin");
    private static final Set<String> AUDITORS = roles("service", "admin", "analyst");

    /**
     * Every endpoint; the reward is created by the first row, so the later rows find it, and the
     * reservation by the reserve row, so confirm, return and the reads find it. Retire comes last.
     */
    static AuthMatrix matrix() {
        String reward = "{\"rewardId\":\"r-matrix\",\"name\":\"Voucher 5 yuan\",\"kind\":\"VOUCHER\","
                + "\"voucherValue\":5,\"pointsCost\":500,\"stock\":10}";
        String reservation = "{\"reservationId\":\"res-matrix\",\"memberId\":\"" + MEMBER + "\",\"quantity\":1}";
        String held = "/api/v1/rewards/r-matrix/reservations/res-matrix";
        return new AuthMatrix()
                .call("POST", "/api/v1/rewards", reward, roles("admin"))
                .call("PUT", "/api/v1/rewards/r-matrix", reward, roles("admin"))
                .call("GET", "/api/v1/rewards", null, READERS)
                .memberCall("GET", "/api/v1/rewards?memberId=" + MEMBER, null, READERS, MEMBER)
                .call("GET", "/api/v1/rewards/r-matrix", null, READERS)
                .memberCall("GET", "/api/v1/rewards/r-matrix?memberId=" + MEMBER, null, READERS, MEMBER)
                .call("POST", "/api/v1/rewards/r-matrix/coupon-codes", null, roles("admin"))
                .call("POST", "/api/v1/rewards/r-matrix/reservations", reservation, SERVICE_OR_ADMIN)
                .call("GET", held, null, AUDITORS)
                .call("POST", held + "/confirm", null, SERVICE_OR_ADMIN)
                .call("POST", held + "/return", null, SERVICE_OR_ADMIN)
                .call("POST", held + "/release", null, SERVICE_OR_ADMIN)
                .call("GET", "/api/v1/rewards/r-matrix/draws/res-matrix", null, AUDITORS)
                .call("POST", "/api/v1/rewards/r-matrix/retire", null, roles("admin"));
    }

    @Test
    void everyEndpointAdmitsExactlyItsRolesAndAMemberOnlyItsOwnAccount() {
        matrix().check();
    }

    @Test
    void everyOperationTheServiceDocumentsIsInTheMatrix() {
        assertThat(matrix().coveredOperations()).containsExactlyElementsOf(AuthMatrix.documentedOperations());
    }

    @Test
    void healthStaysOpenAndTheOperationsEndpointsAreOpenByDefault() {
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200);
        given().get("/q/openapi").then().statusCode(200);
    }
}
