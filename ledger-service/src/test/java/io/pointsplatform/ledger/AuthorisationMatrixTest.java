package io.pointsplatform.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static io.pointsplatform.ledger.Callers.asAdmin;
import static io.pointsplatform.ledger.Callers.asMember;
import static io.pointsplatform.ledger.Callers.asService;
import static io.pointsplatform.testing.AuthMatrix.roles;
import static org.hamcrest.Matchers.equalTo;

import io.pointsplatform.testing.AuthMatrix;
import io.pointsplatform.testing.PlatformTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Who may call what on the ledger (the README's role × endpoint table): every endpoint with no
 * token, bad tokens and every role, and, where a member may call it, another member's token.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "ledger"))
class AuthorisationMatrixTest {

    @Test
    void everyLedgerEndpointAdmitsExactlyItsRoles() {
        String owner = HoldTest.credited(1_000);
        String run = UUID.randomUUID().toString().substring(0, 8);
        // Real holds for the capture and release paths, so that the roles admitted reach a decision.
        for (String holdId : new String[] {"by-member-capture", "by-member-release", "by-id-capture", "by-id-release",
                "by-id-return"}) {
            asService().contentType(ContentType.JSON).body(Map.of("holdId", holdId + "-" + run, "points", 1))
                    .post("/api/v1/accounts/{m}/holds", owner).then().statusCode(201);
        }
        // And a captured one, for the return.
        asService().post("/api/v1/holds/{h}/capture", "by-id-return-" + run).then().statusCode(201);
        // Adjustments requested by admin-1, for the matrix's admin (admin-matrix) to decide.
        String toApprove = "matrix-approve-" + run;
        String toReject = "matrix-reject-" + run;
        for (String id : new String[] {toApprove, toReject}) {
            asAdmin().contentType(ContentType.JSON).body(Map.of("adjustmentId", id, "memberId", owner, "points", 1,
                    "reason", "matrix")).post("/api/v1/adjustments").then().statusCode(201);
        }
        String account = "/api/v1/accounts/" + owner;

        AuthMatrix matrix = new AuthMatrix()
                .memberCall("GET", account, null, roles("member", "checkout", "admin", "analyst", "service"), owner)
                .memberCall("GET", account + "/entries?limit=5", null, roles("member", "admin", "analyst", "service"), owner)
                .memberCall("POST", account + "/holds", "{\"holdId\":\"matrix-new-" + run + "\",\"points\":1}",
                        roles("member", "service"), owner)
                .memberCall("POST", account + "/holds/by-member-capture-" + run + "/capture", null,
                        roles("member", "service"), owner)
                .memberCall("POST", account + "/holds/by-member-release-" + run + "/release", null,
                        roles("member", "service"), owner)
                .memberCall("POST", "/api/v1/holds/by-id-capture-" + run + "/capture", null,
                        roles("member", "service"), owner)
                .memberCall("POST", "/api/v1/holds/by-id-release-" + run + "/release", null,
                        roles("member", "service"), owner)
                .call("POST", "/api/v1/holds/by-id-return-" + run + "/return", "{\"returnId\":\"matrix-" + run
                        + "\",\"points\":1}", roles("service"))
                .call("POST", account + "/reversals", "{\"refundId\":\"matrix-" + run
                        + "\",\"orderId\":\"matrix-order\",\"points\":1}", roles("service"))
                .call("POST", "/api/v1/adjustments", "{\"adjustmentId\":\"matrix-new-" + run + "\",\"memberId\":\""
                        + owner + "\",\"points\":1,\"reason\":\"matrix\"}", roles("admin"))
                .call("GET", "/api/v1/adjustments/" + toApprove, null, roles("admin", "analyst", "service"))
                .call("POST", "/api/v1/adjustments/" + toApprove + "/approve", "{}", roles("admin"))
                .call("POST", "/api/v1/adjustments/" + toReject + "/reject", "{}", roles("admin"))
                .call("GET", "/api/v1/admin/verify", null, roles("admin", "analyst", "service"))
                .call("POST", "/api/v1/admin/rebuild", null, roles("admin"));
        // Every operation the ledger documents has its row here.
        assertThat(matrix.coveredOperations()).containsExactlyElementsOf(AuthMatrix.documentedOperations());
        matrix.check();

        // What the admitted calls did: one hold made (once, then repeated), two captured, two released;
        // the hold captured for the return was given back.
        asService().get(account).then().statusCode(200).body("spent", equalTo(2)).body("reserved", equalTo(1))
                .body("reversed", equalTo(1)).body("available", equalTo(1_000 - 2 - 1 - 1 + 1));
    }

    /**
     * A hold named by its id alone belongs to the member that made it: a member reaches its own
     * (even when another member used the same id), never another's; a hold nobody made is 404
     * for every caller the endpoint admits, member or not.
     */
    @Test
    void aHoldFoundByItsIdIsReachedOnlyByItsMemberOrAService() {
        String mine = HoldTest.credited(50);
        String theirs = HoldTest.credited(50);
        String shared = "shared-" + UUID.randomUUID();
        String solo = "solo-" + UUID.randomUUID();
        for (String memberId : new String[] {mine, theirs}) {
            asService().contentType(ContentType.JSON).body(Map.of("holdId", shared, "points", 5))
                    .post("/api/v1/accounts/{m}/holds", memberId).then().statusCode(201);
        }
        asService().contentType(ContentType.JSON).body(Map.of("holdId", solo, "points", 7))
                .post("/api/v1/accounts/{m}/holds", theirs).then().statusCode(201);

        // Another member's hold: refused, and it stays open.
        asMember(mine).post("/api/v1/holds/{h}/capture", solo).then().statusCode(403)
                .contentType("application/problem+json").body("code", equalTo("NOT_OWN_ACCOUNT"));
        asMember(mine).post("/api/v1/holds/{h}/release", solo).then().statusCode(403)
                .body("code", equalTo("NOT_OWN_ACCOUNT"));
        asMember(mine).post("/api/v1/accounts/{m}/holds/{h}/capture", theirs, solo).then().statusCode(403)
                .body("code", equalTo("NOT_OWN_ACCOUNT"));
        asService().get("/api/v1/accounts/{m}", theirs).then().body("reserved", equalTo(12)).body("spent", equalTo(0));

        // A hold id both used: for a member it is its own; for a service it is ambiguous.
        asService().post("/api/v1/holds/{h}/capture", shared).then().statusCode(409)
                .body("code", equalTo("HOLD_AMBIGUOUS"));
        asMember(mine).post("/api/v1/holds/{h}/capture", shared).then().statusCode(201)
                .body("memberId", equalTo(mine)).body("status", equalTo("CAPTURED"));
        asMember(theirs).post("/api/v1/holds/{h}/release", shared).then().statusCode(201)
                .body("memberId", equalTo(theirs)).body("status", equalTo("RELEASED_CANCELLED"));
        asMember("m-" + UUID.randomUUID()).post("/api/v1/holds/{h}/release", shared).then().statusCode(403)
                .body("code", equalTo("NOT_OWN_ACCOUNT"));

        // A hold nobody made: 404 for a member as for a service.
        String never = "never-" + UUID.randomUUID();
        asMember(mine).post("/api/v1/holds/{h}/capture", never).then().statusCode(404).body("code", equalTo("NOT_FOUND"));
        asService().post("/api/v1/holds/{h}/release", never).then().statusCode(404).body("code", equalTo("NOT_FOUND"));

        // Nor may a member read or hold another's points.
        asMember(mine).get("/api/v1/accounts/{m}", theirs).then().statusCode(403).body("code", equalTo("NOT_OWN_ACCOUNT"));
        asMember(mine).get("/api/v1/accounts/{m}/entries", theirs).then().statusCode(403)
                .body("code", equalTo("NOT_OWN_ACCOUNT"));
        asMember(mine).contentType(ContentType.JSON).body(Map.of("points", 1))
                .post("/api/v1/accounts/{m}/holds", theirs).then().statusCode(403).body("code", equalTo("NOT_OWN_ACCOUNT"));

        asService().get("/api/v1/accounts/{m}", mine).then().body("available", equalTo(45)).body("spent", equalTo(5))
                .body("reserved", equalTo(0));
        asService().get("/api/v1/accounts/{m}", theirs).then().body("available", equalTo(43)).body("reserved", equalTo(7))
                .body("spent", equalTo(0));
    }

    /**
     * A hold a service made for a payment or a redemption (an id with ':') is the service's: its
     * member may neither release it (the points a checkout was told were held would be free to
     * spend elsewhere before the order is paid) nor capture it, nor place one under such an id,
     * by either path; the service still does all three.
     */
    @Test
    void aServicesHoldIsNotTheMembersToCaptureOrRelease() {
        String member = HoldTest.credited(100);
        String payment = "payment:" + UUID.randomUUID().toString().substring(0, 8);
        String redemption = "redemption:" + UUID.randomUUID().toString().substring(0, 8);
        for (String holdId : new String[] {payment, redemption}) {
            asService().contentType(ContentType.JSON).body(Map.of("holdId", holdId, "points", 30))
                    .post("/api/v1/accounts/{m}/holds", member).then().statusCode(201);
        }
        String account = "/api/v1/accounts/{m}/holds/{h}/";
        for (String action : new String[] {"release", "capture"}) {
            asMember(member).post("/api/v1/holds/{h}/" + action, payment).then().statusCode(403)
                    .contentType("application/problem+json").body("code", equalTo("SERVICE_HOLD"));
            asMember(member).post(account + action, member, redemption).then().statusCode(403)
                    .contentType("application/problem+json").body("code", equalTo("SERVICE_HOLD"));
        }
        asMember(member).contentType(ContentType.JSON).body(Map.of("holdId", "payment:mine", "points", 1))
                .post("/api/v1/accounts/{m}/holds", member).then().statusCode(403).body("code", equalTo("SERVICE_HOLD"));
        asMember(member).contentType(ContentType.JSON).header("Idempotency-Key", "redemption:mine")
                .body(Map.of("points", 1)).post("/api/v1/accounts/{m}/holds", member).then().statusCode(403)
                .body("code", equalTo("SERVICE_HOLD"));
        // Nothing moved: both holds still open, no new one.
        asService().get("/api/v1/accounts/{m}", member).then().body("reserved", equalTo(60)).body("spent", equalTo(0))
                .body("available", equalTo(40));

        // The service that made them captures one and releases the other; the member's own holds stay its own.
        asService().post("/api/v1/holds/{h}/capture", payment).then().statusCode(201).body("status", equalTo("CAPTURED"));
        asService().post("/api/v1/holds/{h}/release", redemption).then().statusCode(201)
                .body("status", equalTo("RELEASED_CANCELLED"));
        asMember(member).contentType(ContentType.JSON).body(Map.of("holdId", "mine-1", "points", 5))
                .post("/api/v1/accounts/{m}/holds", member).then().statusCode(201);
        asMember(member).post("/api/v1/holds/{h}/release", "mine-1").then().statusCode(201);
        asService().get("/api/v1/accounts/{m}", member).then().body("reserved", equalTo(0)).body("spent", equalTo(30))
                .body("available", equalTo(70));
    }
}
