package io.pointsplatform.notification;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.MemberEnrolled;
import io.pointsplatform.events.Topics;
import io.pointsplatform.testing.PlatformTestResource;
import io.pointsplatform.testing.TestEvents;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Events on the real log become a member's notifications, once each, newest first, in pages. */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "notification"))
class NotificationTest {

    @Test
    void enrolmentAndCreditsNotifyTheMemberOnceEach() {
        String memberId = "m-" + UUID.randomUUID();
        CloudEvent enrolled = CloudEvent.of("member.enrolled:" + memberId, "/earning-service", memberId,
                Instant.now().minusSeconds(5), new MemberEnrolled(memberId, "韩梅梅", null, null));
        CloudEvent earned = TestEvents.earned(memberId, 100);

        TestEvents.publish(Topics.MEMBERS, enrolled);
        TestEvents.publish(Topics.POINTS_LEDGER, earned);
        TestEvents.publish(Topics.POINTS_LEDGER, earned);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().get("/api/v1/members/{id}/notifications", memberId).then().statusCode(200)
                        .body("items", hasSize(2)));
        // A later event shows the duplicate was consumed and skipped, not still on its way.
        TestEvents.publish(Topics.POINTS_LEDGER, TestEvents.earned(memberId, 7));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().get("/api/v1/members/{id}/notifications", memberId).then().statusCode(200)
                        .body("items", hasSize(3)));

        String next = given().queryParam("limit", 2).get("/api/v1/members/{id}/notifications", memberId)
                .then().statusCode(200)
                .body("items", hasSize(2))
                .body("items[1].kind", equalTo("points.earned"))
                .extract().path("nextCursor");
        assertThat(next).isNotBlank();
        given().queryParam("limit", 2).queryParam("cursor", next).get("/api/v1/members/{id}/notifications", memberId)
                .then().statusCode(200)
                .body("items", hasSize(1))
                .body("items[0].kind", equalTo("member.enrolled"))
                .body("items[0].body", equalTo("欢迎您，韩梅梅！"))
                .body("nextCursor", nullValue());
    }

    @Test
    void aForgedCursorIsAClientError() {
        given().queryParam("cursor", "not-a-cursor").get("/api/v1/members/{id}/notifications", "m-1")
                .then().statusCode(400).contentType("application/problem+json")
                .body("code", equalTo("VALIDATION_FAILED"));
    }
}
