package io.pointsplatform.notification;

import static io.pointsplatform.testing.AuthMatrix.roles;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.pointsplatform.testing.AuthMatrix;
import io.pointsplatform.testing.PlatformTestResource;
import io.pointsplatform.testing.SseClient;
import io.pointsplatform.testing.Tokens;
import io.quarkus.test.common.http.TestHTTPResource;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/**
 * Who may call what on notification-service (the README's role × endpoint table): every endpoint with
 * no token, bad tokens, every role, and another member's token where a member names an account.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "notification"))
class AuthorisationMatrixTest {

    private static final String MEMBER = "m-matrix-notification";

    /** Every endpoint. */
    static AuthMatrix matrix() {
        return new AuthMatrix()
                .memberCall("GET", "/api/v1/members/" + MEMBER + "/notifications", null,
                        roles("member", "admin", "analyst", "service"), MEMBER)
                .memberCall("GET", "/api/v1/members/" + MEMBER + "/notifications?limit=5", null,
                        roles("member", "admin", "analyst", "service"), MEMBER)
                // Webhooks: admin registers and changes; admin and analyst read (never a secret).
                .call("POST", "/api/v1/webhooks", "{\"url\":\"http://127.0.0.1:9/matrix\",\"eventTypes\":[\"member.updated\"]}",
                        roles("admin"))
                .call("GET", "/api/v1/webhooks", null, roles("admin", "analyst"))
                .call("GET", "/api/v1/webhooks/wh-matrix", null, roles("admin", "analyst"))
                .call("DELETE", "/api/v1/webhooks/wh-matrix", null, roles("admin"))
                .call("POST", "/api/v1/webhooks/wh-matrix/rotate-secret", "{}", roles("admin"))
                .call("GET", "/api/v1/webhooks/wh-matrix/dead-letters", null, roles("admin", "analyst"))
                .call("POST", "/api/v1/webhooks/wh-matrix/dead-letters/1/resend", null, roles("admin"))
                // The stream of a member whose streams are all open (see below): a caller let through gets
                // 429 TOO_MANY_STREAMS at once instead of a stream that never ends.
                .memberCall("GET", "/api/v1/members/" + STREAMING + "/stream", null, roles("member", "admin", "service"),
                        STREAMING)
                // notices (#21)
                .memberCall("POST", "/api/v1/members/" + MEMBER + "/notifications/points.earned:none/read", null,
                        roles("member", "admin"), MEMBER)
                .memberCall("POST", "/api/v1/members/" + MEMBER + "/notifications/read-all", null,
                        roles("member", "admin"), MEMBER)
                .memberCall("GET", "/api/v1/members/" + MEMBER + "/notifications/unread-count", null,
                        roles("member", "admin", "analyst", "service"), MEMBER)
                .call("POST", "/api/v1/notifications/marketing",
                        "{\"campaignId\":\"matrix\",\"title\":\"t\",\"body\":\"b\",\"memberIds\":[\"" + MEMBER + "\"]}",
                        roles("admin"))
                .call("GET", "/api/v1/admin/notification-deliveries?status=FAILED", null, roles("admin"))
                .memberCall("GET", "/api/v1/members/" + MEMBER + "/notification-preferences", null,
                        roles("member", "admin"), MEMBER)
                .memberCall("PUT", "/api/v1/members/" + MEMBER + "/notification-preferences",
                        "{\"optOuts\":[{\"channel\":\"email\",\"kind\":\"marketing\"}]}", roles("member", "admin"), MEMBER)
                // A marketing e-mail's one-click unsubscribe: no token, its signature names the member.
                .open("POST", unsubscribeLink(MEMBER), null)
                // The same link opened in a browser: a page to confirm it.
                .open("GET", unsubscribeLink(MEMBER), null);
    }

    /** The path and query of the member's unsubscribe link, as its marketing e-mails carry it. */
    private static String unsubscribeLink(String memberId) {
        String base = "http://matrix.test";
        String key = org.eclipse.microprofile.config.ConfigProvider.getConfig().getValue("points.webhooks.secret-key",
                String.class);
        return new io.pointsplatform.notification.preference.UnsubscribeLinks(key, java.util.Optional.of(base))
                .link(memberId, "marketing").orElseThrow().substring(base.length());
    }

    private static final String STREAMING = "m-matrix-stream";

    @TestHTTPResource("/")
    URL root;

    @Test
    void everyEndpointAdmitsExactlyItsRolesAndAMemberOnlyItsOwnAccount() throws Exception {
        List<SseClient> streams = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                streams.add(new SseClient(root + "api/v1/members/" + STREAMING + "/stream", Tokens.member(STREAMING), null));
            }
            assertThat(streams).allMatch(stream -> stream.status() == 200);
            matrix().check();
        } finally {
            for (SseClient stream : streams) {
                stream.close();
            }
        }
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
