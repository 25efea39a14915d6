package io.pointsplatform.notification;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.EventCodec;
import io.pointsplatform.events.MemberEnrolled;
import io.pointsplatform.events.Topics;
import io.pointsplatform.testing.PlatformTestResource;
import io.pointsplatform.testing.ReturnedPoints;
import io.pointsplatform.testing.TestEvents;
import io.pointsplatform.testing.Tokens;
import io.pointsplatform.testing.TopicReader;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** Events on the real log become a member's notifications, once each, newest first, in pages. */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "notification"))
class NotificationTest {

    private static final EventCodec CODEC = new EventCodec();

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
                given().auth().oauth2(Tokens.member(memberId)).get("/api/v1/members/{id}/notifications", memberId).then().statusCode(200)
                        .body("items", hasSize(2)));
        // A later event shows the duplicate was consumed and skipped, not still on its way.
        TestEvents.publish(Topics.POINTS_LEDGER, TestEvents.earned(memberId, 7));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().auth().oauth2(Tokens.member(memberId)).get("/api/v1/members/{id}/notifications", memberId).then().statusCode(200)
                        .body("items", hasSize(3)));

        String next = given().auth().oauth2(Tokens.member(memberId)).queryParam("limit", 2).get("/api/v1/members/{id}/notifications", memberId)
                .then().statusCode(200)
                .body("items", hasSize(2))
                .body("items[1].kind", equalTo("points.earned"))
                .extract().path("nextCursor");
        assertThat(next).isNotBlank();
        given().auth().oauth2(Tokens.member(memberId)).queryParam("limit", 2).queryParam("cursor", next).get("/api/v1/members/{id}/notifications", memberId)
                .then().statusCode(200)
                .body("items", hasSize(1))
                .body("items[0].kind", equalTo("member.enrolled"))
                .body("items[0].body", equalTo("欢迎您，韩梅梅！"))
                .body("nextCursor", nullValue());
    }

    @Test
    void aForgedCursorIsAClientError() {
        given().auth().oauth2(Tokens.member("m-1")).queryParam("cursor", "not-a-cursor").get("/api/v1/members/{id}/notifications", "m-1")
                .then().statusCode(400).contentType("application/problem+json")
                .body("code", equalTo("VALIDATION_FAILED"));
    }

    @Test
    void manyEventsRepeatedInBatchesNotifyEachMemberOncePerEvent() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            for (int m = 0; m < 100; m++) {
                CloudEvent earned = TestEvents.earned("m-note-" + run + "-" + m, 10 + round);
                // Every event twice, the repeat often in the same polled batch as the first.
                records.add(TestEvents.record(Topics.POINTS_LEDGER, earned));
                records.add(TestEvents.record(Topics.POINTS_LEDGER, earned));
            }
        }
        PlatformTestResource.kafka().produceStrings().fromRecords(records).awaitCompletion(Duration.ofSeconds(60));

        for (int m = 0; m < 100; m++) {
            String memberId = "m-note-" + run + "-" + m;
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    given().auth().oauth2(Tokens.member(memberId)).queryParam("limit", 100).get("/api/v1/members/{id}/notifications", memberId)
                            .then().statusCode(200).body("items", hasSize(5)));
        }
    }

    @Test
    void anUnreadableRecordGoesToTheDeadLetterTopicAndTheEventsAroundItAreNotified() {
        String memberId = TestEvents.memberOnPartition("m-", 0);
        CloudEvent before = TestEvents.earned(memberId, 3);
        CloudEvent after = TestEvents.earned(memberId, 4);
        String unreadable = "{\"id\":\"half-" + UUID.randomUUID() + "\"";
        PlatformTestResource.kafka().produceStrings().fromRecords(List.of(
                TestEvents.record(Topics.POINTS_LEDGER, 0, memberId, CODEC.write(before)),
                TestEvents.record(Topics.POINTS_LEDGER, 0, memberId, unreadable),
                TestEvents.record(Topics.POINTS_LEDGER, 0, memberId, CODEC.write(after))))
                .awaitCompletion(Duration.ofSeconds(30));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().auth().oauth2(Tokens.member(memberId)).get("/api/v1/members/{id}/notifications", memberId).then().statusCode(200)
                        .body("items", hasSize(2)));
        String dlq = Topics.dlq(Topics.POINTS_LEDGER, "notification-service");
        ConsumerRecord<String, String> dead = TopicReader.await(dlq, r -> memberId.equals(r.key()), 1,
                Duration.ofSeconds(60)).get(0);
        assertThat(dead.value()).isEqualTo(unreadable);
        assertThat(new String(dead.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8))
                .startsWith("malformed JSON");
        assertThat(TopicReader.deadLetters(dlq, r -> memberId.equals(r.key()))).hasSize(1);
    }

    /** The ledger's points.returned (a refunded payment's points back) is a notice, not a dead letter. */
    @Test
    void pointsReturnedAreNoticedNotDeadLettered() {
        String memberId = "m-" + UUID.randomUUID();
        ReturnedPoints.history(memberId, 100, 60, 25).forEach(e -> TestEvents.publish(Topics.POINTS_LEDGER, e));

        // The credit, the capture and the return are news; the hold is not.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().auth().oauth2(Tokens.member(memberId)).get("/api/v1/members/{id}/notifications", memberId)
                        .then().statusCode(200).body("items", hasSize(3))
                        .body("items[0].kind", equalTo("points.returned"))
                        .body("items[0].title", equalTo("积分已退还"))
                        .body("items[0].body", equalTo("订单已退款，您支付时使用的 25 积分已退还到账户。"))
                        .body("items[1].body", equalTo("您在结账时使用了 60 积分抵扣订单金额。")));
        assertThat(TopicReader.all(Topics.dlq(Topics.POINTS_LEDGER, "notification-service"),
                r -> memberId.equals(r.key()))).isEmpty();
    }

    /**
     * A redemption's spend and its points given back are told by the redemption's own events
     * (completed, failed, cancelled), which name the points: the ledger's events for them tell nothing more.
     */
    @Test
    void aRedemptionsSpendAndReturnAreNotToldTwice() {
        String memberId = "m-" + UUID.randomUUID();
        ReturnedPoints.history(memberId, 100, 60, 25, "redemption:rd-").forEach(e -> TestEvents.publish(Topics.POINTS_LEDGER, e));
        // Published after the history on the member's partition: once it is a notice, the history was read.
        TestEvents.publish(Topics.POINTS_LEDGER, TestEvents.earned(memberId, 7));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().auth().oauth2(Tokens.member(memberId)).get("/api/v1/members/{id}/notifications", memberId)
                        .then().statusCode(200).body("items", hasSize(2))
                        .body("items.kind", equalTo(List.of("points.earned", "points.earned"))));
    }
}
