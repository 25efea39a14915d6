package io.pointsplatform.redemption;

import static io.pointsplatform.testing.AuthMatrix.roles;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.pointsplatform.testing.AuthMatrix;
import io.pointsplatform.testing.PlatformTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Who may call what on redemption-service (the README's role × endpoint table): every endpoint with
 * no token, bad tokens, every role, and another member's token where a member names an account.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "redemption"))
@WithTestResource(FakeServices.class)
class AuthorisationMatrixTest {

    private static final String MEMBER = "m-matrix-redemption";

    private static final String REWARD = "rw-matrix";
    private static final String PAYMENT = "pay-matrix";
    private static String redemptionId = "rd-matrix";

    /** Every endpoint. */
    static AuthMatrix matrix() {
        String redemption = "/api/v1/redemptions/" + redemptionId;
        String payment = "/api/v1/payments/" + PAYMENT;
        return new AuthMatrix()
                .memberCall("GET", "/api/v1/members/" + MEMBER + "/payment-capacity", null,
                        roles("member", "checkout", "admin", "analyst", "service"), MEMBER)
                .memberCall("POST", "/api/v1/members/" + MEMBER + "/payment-codes", null, roles("member"), MEMBER)
                .memberCall("POST", "/api/v1/redemptions", "{\"memberId\":\"" + MEMBER + "\",\"rewardId\":\"" + REWARD + "\"}",
                        roles("member"), MEMBER)
                .memberCall("GET", redemption, null, roles("member", "admin", "analyst", "service"), MEMBER)
                .memberCall("GET", "/api/v1/members/" + MEMBER + "/redemptions", null,
                        roles("member", "admin", "analyst", "service"), MEMBER)
                .memberCall("POST", redemption + "/cancel", null, roles("member", "admin"), MEMBER)
                .call("POST", "/api/v1/vouchers/NO-SUCH-VOUCHER/use", "{\"orderId\":\"o-matrix\"}", roles("checkout"))
                .call("POST", "/api/v1/payments", "{\"paymentId\":\"" + PAYMENT + "\",\"orderId\":\"o-matrix\",\"memberId\":\""
                        + MEMBER + "\",\"orderAmount\":10,\"points\":100}", roles("checkout"))
                .memberCall("GET", payment, null, roles("checkout", "member", "admin", "analyst"), MEMBER)
                .call("POST", payment + "/capture", null, roles("checkout"))
                .call("POST", payment + "/refunds", "{\"refundId\":\"r-matrix\",\"amount\":1}", roles("checkout"))
                .call("POST", payment + "/cancel", null, roles("checkout"));
    }

    @Test
    void everyEndpointAdmitsExactlyItsRolesAndAMemberOnlyItsOwnAccount() {
        FakeServices.reward(REWARD, "VOUCHER", 10, null);
        FakeServices.balance(MEMBER, 1_000);
        // A redemption and a payment of MEMBER's, so that reading them is about who asks, not whether they exist.
        redemptionId = given().auth().oauth2(io.pointsplatform.testing.Tokens.member(MEMBER)).contentType("application/json")
                .body("{\"memberId\":\"" + MEMBER + "\",\"rewardId\":\"" + REWARD + "\"}").post("/api/v1/redemptions")
                .then().statusCode(201).extract().path("redemptionId");
        String code = given().auth().oauth2(io.pointsplatform.testing.Tokens.member(MEMBER))
                .post("/api/v1/members/{m}/payment-codes", MEMBER).then().statusCode(201).extract().path("code");
        // Made by the matrix's checkout token (subject checkout-matrix): a payment is settled by the shop that made it.
        given().auth().oauth2(io.pointsplatform.testing.Tokens.of("checkout", "checkout-matrix")).contentType("application/json")
                .body("{\"paymentId\":\"" + PAYMENT + "\",\"orderId\":\"o-matrix\",\"memberId\":\"" + MEMBER
                        + "\",\"orderAmount\":10,\"points\":100,\"paymentCode\":\"" + code + "\"}")
                .post("/api/v1/payments").then().statusCode(201);
        matrix().check();
    }

    /**
     * A token with the member role and a staff role (an identity provider's groups) is a member for
     * ownership: until 2026-12-06 it passed as a member and skipped the check as the staff role.
     */
    @Test
    void aMembersTokenWithAnotherRoleStillReachesOnlyItsOwnAccount() {
        String both = io.pointsplatform.testing.Tokens.withRoles(MEMBER + "-other", "member", "analyst");
        for (String path : List.of("/api/v1/members/" + MEMBER + "/payment-capacity", "/api/v1/members/" + MEMBER + "/redemptions")) {
            given().auth().oauth2(both).get(path).then().statusCode(403).body("code", org.hamcrest.Matchers.equalTo("NOT_OWN_ACCOUNT"));
        }
        given().auth().oauth2(io.pointsplatform.testing.Tokens.withRoles(MEMBER, "member", "analyst"))
                .get("/api/v1/members/" + MEMBER + "/payment-capacity").then().statusCode(200);
        given().auth().oauth2(io.pointsplatform.testing.Tokens.analyst())
                .get("/api/v1/members/" + MEMBER + "/payment-capacity").then().statusCode(200);
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
