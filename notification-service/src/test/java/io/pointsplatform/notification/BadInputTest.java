package io.pointsplatform.notification;

import io.pointsplatform.testing.BadInputs;
import io.pointsplatform.testing.LocalPostgres;
import io.pointsplatform.testing.PlatformTestResource;
import io.pointsplatform.testing.Tokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Bad input on every endpoint of notification-service, each answered with the right 4xx problem
 * and its field named as the client wrote it; afterwards no table has a row more or less.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "notification"))
class BadInputTest {

    private static final String V = "VALIDATION_FAILED";
    private static final String MEMBER = "m-bad-input";
    private static final String LIST = "/api/v1/members/" + MEMBER + "/notifications";
    private static final String MARKETING = "/api/v1/notifications/marketing";
    private static final String DELIVERIES = "/api/v1/admin/notification-deliveries";
    private static final String PREFERENCES = "/api/v1/members/" + MEMBER + "/notification-preferences";

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

    private static String list(String memberId) {
        return "/api/v1/members/" + memberId + "/notifications";
    }

    /** A cursor as the service writes them (base64url of "time|id"), holding what a forger chose. */
    private static String cursor(String raw) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    private static BadInputs table(String token) {
        return new BadInputs(token)
                .call("a memberId with a space", "GET", list("m%20x"), 400, V, "memberId")
                .call("a memberId of 65 characters", "GET", list("m".repeat(65)), 400, V, "memberId")
                .call("a memberId not ASCII", "GET", list("%E4%BC%9A%E5%91%98"), 400, V, "memberId")
                .call("a memberId holding U+0000", "GET", list("m%00x"), 400, V, "memberId")
                .call("a cursor that is not base64", "GET", LIST + "?cursor=%21%21%21", 400, V, "cursor")
                .call("a cursor this service never gave out", "GET", LIST + "?cursor=not-a-cursor", 400, V, "cursor")
                .call("a cursor over 512 characters", "GET", LIST + "?cursor=" + "A".repeat(513), 400, V, "cursor")
                .call("a cursor without a time", "GET", LIST + "?cursor=" + cursor("|n-1"), 400, V, "cursor")
                .call("a cursor without an id", "GET", LIST + "?cursor=" + cursor("2026-01-01T00:00:00Z|"), 400, V, "cursor")
                .call("a cursor naming a time PostgreSQL cannot hold", "GET",
                        LIST + "?cursor=" + cursor("+999999999-12-31T23:59:59Z|n-1"), 400, V, "cursor")
                .call("a cursor naming an id holding U+0000", "GET",
                        LIST + "?cursor=" + cursor("2026-01-01T00:00:00Z|n\u0000x"), 400, V, "cursor")
                .call("?limit=abc", "GET", LIST + "?limit=abc", 400, V, "limit")
                .call("limit given twice", "GET", LIST + "?limit=1&limit=2", 400, V, "limit")
                .call("?limit=0", "GET", LIST + "?limit=0", 400, V, "limit")
                .call("?limit=-1", "GET", LIST + "?limit=-1", 400, V, "limit")
                .call("?limit=101", "GET", LIST + "?limit=101", 400, V, "limit")
                .call("?limit=1.5", "GET", LIST + "?limit=1.5", 400, V, "limit")
                .call("?limit beyond an int", "GET", LIST + "?limit=2147483648", 400, V, "limit")
                .json("POST on the notifications", "POST", LIST, "{}", 405, "METHOD_NOT_ALLOWED", null)
                .call("DELETE on the notifications", "DELETE", LIST, 405, "METHOD_NOT_ALLOWED", null)
                .call("a stream's memberId with a space", "GET", "/api/v1/members/m%20x/stream", 400, V, "memberId")
                .call("a stream's memberId of 65 characters", "GET", "/api/v1/members/" + "m".repeat(65) + "/stream",
                        400, V, "memberId")
                .json("POST on the stream", "POST", "/api/v1/members/" + MEMBER + "/stream", "{}", 405,
                        "METHOD_NOT_ALLOWED", null)
                // The one-click unsubscribe link (no token needed; one is sent here and ignored).
                .call("unsubscribe: a list other than marketing", "POST", "/api/v1/unsubscribe?member=" + MEMBER
                        + "&list=points.earned&sig=" + "A".repeat(43), 400, V, "list")
                .call("unsubscribe: no signature", "POST", "/api/v1/unsubscribe?member=" + MEMBER + "&list=marketing",
                        400, V, "sig")
                .call("unsubscribe: a signature of the wrong shape", "POST", "/api/v1/unsubscribe?member=" + MEMBER
                        + "&list=marketing&sig=abc", 400, V, "sig")
                .call("unsubscribe: a member with a space", "POST", "/api/v1/unsubscribe?member=m%20x&list=marketing&sig="
                        + "A".repeat(43), 400, V, "member")
                // The same link opened in a browser (GET): the page is refused the same way.
                .call("unsubscribe page: a list other than marketing", "GET", "/api/v1/unsubscribe?member=" + MEMBER
                        + "&list=points.earned&sig=" + "A".repeat(43), 400, V, "list")
                .call("unsubscribe page: no signature", "GET", "/api/v1/unsubscribe?member=" + MEMBER + "&list=marketing",
                        400, V, "sig")
                .call("unsubscribe page: a member with a space", "GET", "/api/v1/unsubscribe?member=m%20x&list=marketing"
                        + "&sig=" + "A".repeat(43), 400, V, "member")
                .call("a stream's Last-Event-ID not a number", "GET", "/api/v1/members/" + MEMBER + "/stream", 400, V,
                        "Last-Event-ID").header("Last-Event-ID", "abc")
                .call("a stream's Last-Event-ID below 0", "GET", "/api/v1/members/" + MEMBER + "/stream", 400, V,
                        "Last-Event-ID").header("Last-Event-ID", "-1")
                // notices (#21): read, read-all, unread count, marketing, deliveries, preferences
                .call("read: a memberId with a space", "POST", list("m%20x") + "/n-1/read", 400, V, "memberId")
                .call("read: a notification id holding U+0000", "POST", LIST + "/n%00x/read", 400, V, "notificationId")
                .call("read: a notification id of 257 characters", "POST", LIST + "/" + "n".repeat(257) + "/read", 400, V,
                        "notificationId")
                .call("read: a notification the member does not have", "POST", LIST + "/n-none/read", 404, "NOT_FOUND", null)
                .call("read-all: a memberId not ASCII", "POST", list("%E4%BC%9A%E5%91%98") + "/read-all", 400, V, "memberId")
                .call("unread-count: a memberId of 65 characters", "GET", list("m".repeat(65)) + "/unread-count", 400, V,
                        "memberId")
                .call("preferences: a memberId with a space", "GET", list("m%20x").replace("notifications",
                        "notification-preferences"), 400, V, "memberId")
                .json("preferences: no optOuts", "PUT", PREFERENCES, "{}", 400, V, "optOuts")
                .json("preferences: optOuts given twice", "PUT", PREFERENCES, "{\"optOuts\":[],\"optOuts\":[]}", 400, V,
                        "optOuts")
                .json("preferences: an unknown channel", "PUT", PREFERENCES,
                        "{\"optOuts\":[{\"channel\":\"sms\",\"kind\":\"*\"}]}", 400, V, "optOuts[0].channel")
                .json("preferences: an unknown kind", "PUT", PREFERENCES,
                        "{\"optOuts\":[{\"channel\":\"email\",\"kind\":\"points.reserved\"}]}", 400, V,
                        "optOuts[0].kind")
                .json("preferences: expiry notices off on every channel", "PUT", PREFERENCES,
                        "{\"optOuts\":[{\"channel\":\"email\",\"kind\":\"*\"},{\"channel\":\"webhook\",\"kind\":"
                                + "\"points.expiring\"},{\"channel\":\"stream\",\"kind\":\"*\"}]}",
                        422, "EXPIRY_NOTICES_REQUIRED", null);
    }

    /** Endpoints for admins only: a member's token is refused before its parameters are read. */
    private static BadInputs adminTable() {
        return new BadInputs(Tokens.admin())
                .json("marketing: no campaignId", "POST", MARKETING, "{\"title\":\"t\",\"body\":\"b\",\"all\":true}",
                        400, V, "campaignId")
                // ':' ends the campaign id in the notice id marketing:<campaignId>:<memberId> (no two pairs share one)
                .json("marketing: a campaignId with ':'", "POST", MARKETING,
                        "{\"campaignId\":\"spring:2027\",\"title\":\"t\",\"body\":\"b\",\"memberIds\":[\"m-1\"]}",
                        400, V, "campaignId")
                .json("marketing: a blank title", "POST", MARKETING,
                        "{\"campaignId\":\"c\",\"title\":\" \",\"body\":\"b\",\"all\":true}", 400, V, "title")
                // The title is the e-mail's subject: a line break in it would start a header of the sender's choosing.
                .json("marketing: a title with a line break", "POST", MARKETING,
                        "{\"campaignId\":\"c\",\"title\":\"Sale\\nX-Injected: 1\",\"body\":\"b\",\"all\":true}", 400, V,
                        "title")
                .json("marketing: a title with CR LF", "POST", MARKETING,
                        "{\"campaignId\":\"c\",\"title\":\"Sale\\r\\nBcc: x@example.com\",\"body\":\"b\",\"memberIds\":[\"m-1\"]}",
                        400, V, "title")
                .json("marketing: a title with a control character", "POST", MARKETING,
                        "{\"campaignId\":\"c\",\"title\":\"Sale\\u0007\",\"body\":\"b\",\"all\":true}", 400, V, "title")
                .json("marketing: a title with a line separator", "POST", MARKETING,
                        "{\"campaignId\":\"c\",\"title\":\"Sale\\u2028X: 1\",\"body\":\"b\",\"all\":true}", 400, V, "title")
                .json("marketing: a body of 4001 characters", "POST", MARKETING,
                        "{\"campaignId\":\"c\",\"title\":\"t\",\"body\":\"" + "b".repeat(4001) + "\",\"all\":true}",
                        400, V, "body")
                .json("marketing: neither memberIds nor all", "POST", MARKETING,
                        "{\"campaignId\":\"c\",\"title\":\"t\",\"body\":\"b\"}", 400, V, "memberIds")
                .json("marketing: both memberIds and all", "POST", MARKETING,
                        "{\"campaignId\":\"c\",\"title\":\"t\",\"body\":\"b\",\"all\":true,\"memberIds\":[\"m-1\"]}",
                        400, V, "memberIds")
                .json("marketing: an empty memberIds", "POST", MARKETING,
                        "{\"campaignId\":\"c\",\"title\":\"t\",\"body\":\"b\",\"memberIds\":[]}", 400, V, "memberIds")
                .json("marketing: a member id with a space", "POST", MARKETING,
                        "{\"campaignId\":\"c\",\"title\":\"t\",\"body\":\"b\",\"memberIds\":[\"m x\"]}", 400, V,
                        "memberIds[0]")
                .json("marketing: an unknown property", "POST", MARKETING,
                        "{\"campaignId\":\"c\",\"title\":\"t\",\"body\":\"b\",\"all\":true,\"x\":1}", 400, V, "x")
                .call("deliveries: an unknown status", "GET", DELIVERIES + "?status=LOST", 400, V, "status")
                .call("deliveries: ?limit=0", "GET", DELIVERIES + "?limit=0", 400, V, "limit")
                .call("deliveries: a memberId with a space", "GET", DELIVERIES + "?memberId=m%20x", 400, V, "memberId");
    }

    private static final String WEBHOOKS = "/api/v1/webhooks";
    private static final String HOOK = WEBHOOKS + "/wh-bad-input";

    private static String hook(String url, String types, String secret) {
        return "{\"url\":" + url + ",\"eventTypes\":" + types + (secret == null ? "" : ",\"secret\":" + secret) + "}";
    }

    /** Webhooks are admin's: a member's token is refused before its input is read, so these run as admin only. */
    private static BadInputs webhookTable(String token) {
        String url = "\"https://example.com/hooks\"";
        String types = "[\"points.earned\"]";
        String shortKey = "\"whsec_" + Base64.getEncoder().encodeToString(new byte[16]) + "\"";
        return new BadInputs(token)
                .json("no url", "POST", WEBHOOKS, "{\"eventTypes\":" + types + "}", 400, V, "url")
                .json("a url that is not http(s)", "POST", WEBHOOKS, hook("\"ftp://example.com/x\"", types, null), 400, V, "url")
                .json("a url that is not a URL", "POST", WEBHOOKS, hook("\"http://exa mple.com/\"", types, null), 400, V, "url")
                .json("a relative url", "POST", WEBHOOKS, hook("\"/hooks\"", types, null), 400, V, "url")
                .json("a url with a password", "POST", WEBHOOKS, hook("\"https://u:p@example.com/\"", types, null), 400, V, "url")
                .json("a url with port 70000", "POST", WEBHOOKS, hook("\"http://example.com:70000/\"", types, null), 400, V, "url")
                .json("a url with port 0", "POST", WEBHOOKS, hook("\"https://example.com:0/hooks\"", types, null), 400, V, "url")
                .json("a url over 2048 characters", "POST", WEBHOOKS,
                        hook("\"https://example.com/" + "a".repeat(2048) + "\"", types, null), 400, V, "url")
                .json("a url of the metadata service", "POST", WEBHOOKS,
                        hook("\"http://169.254.169.254/latest\"", types, null), 422, "URL_NOT_ALLOWED", null)
                .json("a url whose host does not resolve", "POST", WEBHOOKS,
                        hook("\"https://no-such-host.invalid/\"", types, null), 422, "URL_NOT_ALLOWED", null)
                .json("no eventTypes", "POST", WEBHOOKS, "{\"url\":" + url + "}", 400, V, "eventTypes")
                .json("no event type", "POST", WEBHOOKS, hook(url, "[]", null), 400, V, "eventTypes")
                .json("an unknown event type", "POST", WEBHOOKS, hook(url, "[\"points.stolen\"]", null), 400, V, "eventTypes")
                .json("a catalogue event type", "POST", WEBHOOKS, hook(url, "[\"reward.upserted\"]", null), 400, V, "eventTypes")
                .json("eventTypes not a list", "POST", WEBHOOKS, hook(url, "\"points.earned\"", null), 400, V, "eventTypes")
                .json("a secret without whsec_", "POST", WEBHOOKS, hook(url, types, "\"c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0\""), 400, V, "secret")
                .json("a secret of 16 bytes", "POST", WEBHOOKS, hook(url, types, shortKey), 400, V, "secret")
                .json("a secret not base64", "POST", WEBHOOKS, hook(url, types, "\"whsec_!!!\""), 400, V, "secret")
                .json("an unknown property", "POST", WEBHOOKS, "{\"url\":" + url + ",\"eventTypes\":" + types
                        + ",\"colour\":\"red\"}", 400, V, "colour")
                .raw("a registration as text/plain", "POST", WEBHOOKS, "text/plain",
                        hook(url, types, null).getBytes(StandardCharsets.UTF_8), 415, "UNSUPPORTED_MEDIA_TYPE", null)
                .call("?limit=0 of the endpoints", "GET", WEBHOOKS + "?limit=0", 400, V, "limit")
                .call("?after not an id", "GET", WEBHOOKS + "?after=a%20b", 400, V, "after")
                .call("a webhookId with a space", "GET", WEBHOOKS + "/a%20b", 400, V, "webhookId")
                .call("a webhookId of 65 characters", "DELETE", WEBHOOKS + "/" + "w".repeat(65), 400, V, "webhookId")
                .call("an unknown webhookId", "GET", HOOK, 404, "NOT_FOUND", null)
                .call("deleting an unknown webhookId", "DELETE", HOOK, 404, "NOT_FOUND", null)
                .json("rotating to a bad secret", "POST", HOOK + "/rotate-secret", "{\"secret\":\"abc\"}", 400, V, "secret")
                .json("rotating an unknown webhookId", "POST", HOOK + "/rotate-secret", "{}", 404, "NOT_FOUND", null)
                .call("dead letters ?after=-1", "GET", HOOK + "/dead-letters?after=-1", 400, V, "after")
                .call("dead letters ?limit=101", "GET", HOOK + "/dead-letters?limit=101", 400, V, "limit")
                .call("dead letters of an unknown webhookId", "GET", HOOK + "/dead-letters", 404, "NOT_FOUND", null)
                .call("resending deliveryId 0", "POST", HOOK + "/dead-letters/0/resend", 400, V, "deliveryId")
                .call("resending of an unknown webhookId", "POST", HOOK + "/dead-letters/1/resend", 404, "NOT_FOUND", null)
                .call("PUT on the webhooks", "PUT", WEBHOOKS, 405, "METHOD_NOT_ALLOWED", null);
    }

    @Test
    void everyBadInputIsAProblemNamingTheFieldAndChangesNothing() throws InterruptedException {
        Map<String, Long> before = BadInputs.settledRowCounts(jdbcUrl, LocalPostgres.USER, LocalPostgres.PASSWORD);

        // The parameters are checked before ownership: the member's own token gets the same answers.
        List<String> wrong = new java.util.ArrayList<>(table(Tokens.admin()).wrongAnswers());
        wrong.addAll(adminTable().wrongAnswers());
        List<String> wrongForTheMember = table(Tokens.member(MEMBER)).wrongAnswers();
        List<String> wrongWebhooks = webhookTable(Tokens.admin()).wrongAnswers();
        Map<String, Long> after = BadInputs.rowCounts(jdbcUrl, LocalPostgres.USER, LocalPostgres.PASSWORD);

        SoftAssertions.assertSoftly(softly -> {
            softly.assertThat(wrong).as("bad inputs answered wrongly:\n  " + String.join("\n  ", wrong)).isEmpty();
            softly.assertThat(wrongForTheMember).as("bad inputs from the member answered wrongly:\n  "
                    + String.join("\n  ", wrongForTheMember)).isEmpty();
            softly.assertThat(wrongWebhooks).as("bad webhook inputs answered wrongly:\n  "
                    + String.join("\n  ", wrongWebhooks)).isEmpty();
            softly.assertThat(after).as("rows per table after the bad inputs").isEqualTo(before);
        });
    }
}
