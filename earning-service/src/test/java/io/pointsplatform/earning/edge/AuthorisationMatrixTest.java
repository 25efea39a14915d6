package io.pointsplatform.earning.edge;

import static io.pointsplatform.earning.Callers.asAdmin;
import static io.pointsplatform.earning.Callers.asCheckout;
import static io.pointsplatform.earning.Orders.MID_MONTH;
import static io.pointsplatform.earning.Orders.earn;
import static io.pointsplatform.earning.Orders.id;
import static io.pointsplatform.earning.Orders.line;
import static io.pointsplatform.earning.Orders.member;
import static io.pointsplatform.earning.Orders.order;
import static io.pointsplatform.testing.AuthMatrix.roles;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.pointsplatform.earning.refund.FakeLedger;
import io.pointsplatform.testing.AuthMatrix;
import io.pointsplatform.testing.PlatformTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every earning endpoint, every method and path, called with no token, an expired one, one signed
 * by another key, one for another audience, one from another issuer and a junk one (401), and with
 * each role (403 FORBIDDEN unless the role may call it): the role × endpoint table of
 * docs/earning.md. An operation /q/openapi documents without a row here fails the test, so the
 * matrix grows with every endpoint added.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "earning"))
@WithTestResource(FakeLedger.class)
class AuthorisationMatrixTest {

    private static final Set<String> CHECKOUT = roles("checkout");
    private static final Set<String> ADMIN = roles("admin");
    /** Every GET: staff and the other services read, analysts read everything. */
    private static final Set<String> READERS = roles("admin", "analyst", "service");

    @Test
    void everyEndpointAdmitsExactlyItsRoles() {
        // Real ids, so that a role let through gets a real answer (2xx).
        String memberId = member();
        String orderId = id("o");
        earn(order(orderId, memberId, MID_MONTH, List.of(line("40.00")))).statusCode(201);
        String refundId = id("r");
        asCheckout().contentType(ContentType.JSON).body(new JsonObject().put("refundId", refundId).put("amount", "1.00")
                .encode()).post("/api/v1/earnings/" + orderId + "/refunds").then().statusCode(201);
        String ruleId = id("rule");
        asAdmin().contentType(ContentType.JSON).body(rule(ruleId)).post("/api/v1/rules").then().statusCode(201);
        String campaignId = id("c");
        asAdmin().contentType(ContentType.JSON).body(campaign(campaignId)).post("/api/v1/campaigns").then()
                .statusCode(201);
        matrix(memberId, orderId, refundId, ruleId, campaignId).check();
    }

    @Test
    void everyOperationTheServiceDocumentsIsInTheMatrix() {
        AuthMatrix matrix = matrix("m-1", "o-1", "r-1", "rule-1", "c-1");
        assertThat(matrix.coveredOperations()).containsExactlyElementsOf(AuthMatrix.documentedOperations());
    }

    @Test
    void healthStaysOpenAndTheOperationsEndpointsAreOpenByDefault() {
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200);
        given().get("/q/openapi").then().statusCode(200);
    }

    /** Every endpoint, every method and path, with the roles it admits; grants before the campaign's deactivation. */
    private static AuthMatrix matrix(String memberId, String orderId, String refundId, String ruleId,
                                     String campaignId) {
        String newMember = new JsonObject().put("memberId", id("m")).encode();
        String newOrder = new JsonObject().put("orderId", id("o")).put("memberId", memberId)
                .put("purchasedAt", MID_MONTH).put("lines", new JsonArray().add(new JsonObject().put("sku", "s")
                        .put("quantity", 1).put("unitPrice", "5.00"))).encode();
        String newRefund = new JsonObject().put("refundId", id("r")).put("amount", "1.00").encode();
        String checkin = new JsonObject().put("memberId", memberId).put("kind", "CHECKIN").encode();
        String grant = new JsonObject().put("grantId", id("g")).put("points", 1)
                .put("memberIds", new JsonArray().add(memberId)).encode();
        return new AuthMatrix()
                .call("POST", "/api/v1/members", newMember, CHECKOUT)
                .call("POST", "/api/v1/earnings", newOrder, CHECKOUT)
                .call("POST", "/api/v1/earnings/preview", newOrder, CHECKOUT)
                .call("POST", "/api/v1/earnings/" + orderId + "/refunds", newRefund, CHECKOUT)
                .call("GET", "/api/v1/earnings/" + orderId + "/refunds/" + refundId, null,
                        roles("checkout", "admin", "analyst", "service"))
                .call("POST", "/api/v1/activities", checkin, CHECKOUT)
                .call("GET", "/api/v1/rules", null, READERS)
                .call("GET", "/api/v1/rules/" + ruleId, null, READERS)
                .call("POST", "/api/v1/rules", rule(id("rule")), ADMIN)
                .call("PUT", "/api/v1/rules/" + ruleId, rule(ruleId), ADMIN)
                .call("DELETE", "/api/v1/rules/" + ruleId, null, ADMIN)
                .call("GET", "/api/v1/campaigns", null, READERS)
                .call("GET", "/api/v1/campaigns/" + campaignId, null, READERS)
                .call("POST", "/api/v1/campaigns", campaign(id("c")), ADMIN)
                .call("PUT", "/api/v1/campaigns/" + campaignId, campaign(campaignId), ADMIN)
                .call("POST", "/api/v1/campaigns/" + campaignId + "/grants", grant, ADMIN)
                .call("DELETE", "/api/v1/campaigns/" + campaignId, null, ADMIN)
                .memberCall("PUT", "/api/v1/members/" + memberId + "/contact", "{\"locale\":\"en\"}",
                        roles("member", "admin"), memberId);
    }

    private static String rule(String ruleId) {
        return new JsonObject().put("ruleId", ruleId).put("kind", "CATEGORY_MULTIPLIER").put("category", "cat-" + ruleId)
                .put("multiplier", "2").encode();
    }

    /** A campaign nobody's orders reach: a SKU of its own, a window in 2020. */
    private static String campaign(String campaignId) {
        return new JsonObject().put("campaignId", campaignId).put("multiplier", "2").put("sku", "sku-" + campaignId)
                .put("startsAt", "2020-01-01T00:00:00Z").put("endsAt", "2020-01-02T00:00:00Z").encode();
    }
}
