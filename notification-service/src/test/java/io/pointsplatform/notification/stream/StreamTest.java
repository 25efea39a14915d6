package io.pointsplatform.notification.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.Topics;
import io.pointsplatform.testing.SseClient;
import io.pointsplatform.notification.notice.service.NoticeStored;
import io.pointsplatform.notification.notice.service.NoticesStored;
import io.pointsplatform.testing.PlatformTestResource;
import io.pointsplatform.testing.TestEvents;
import io.pointsplatform.testing.Tokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The live stream of a member's notices: live, resumed with no gap and no repeat, heartbeats, a limit. */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "notification"))
class StreamTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TestHTTPResource("/")
    URL root;

    @Inject
    Event<NoticesStored> noticeStored;

    private String url(String memberId) {
        return root.toString() + "api/v1/members/" + memberId + "/stream";
    }

    private static List<String> dataIds(SseClient stream) {
        List<String> ids = new ArrayList<>();
        for (SseClient.Event e : stream.events()) {
            assertThat(e.name()).isEqualTo("notice");
            assertThat(e.data()).contains("\"sequence\":" + e.id());
            ids.add(e.data().replaceAll(".*\"notificationId\":\"([^\"]+)\".*", "$1"));
        }
        return ids;
    }

    @Test
    void noticesArriveLiveAndAReconnectResumesAfterLastEventIdWithNoGapAndNoRepeat() throws Exception {
        String memberId = "m-stream-" + UUID.randomUUID();
        TestEvents.publish(Topics.POINTS_LEDGER, TestEvents.earned(memberId, 1));   // before: not streamed
        await().atMost(WAIT).until(() -> {
            try (SseClient probe = new SseClient(url(memberId), Tokens.admin(), "0")) {
                await().atMost(WAIT).until(() -> !probe.comments().isEmpty());
                return !probe.events().isEmpty();
            }
        });

        List<CloudEvent> earned = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            earned.add(TestEvents.earned(memberId, 10 + i));
        }
        String lastSeen;
        try (SseClient live = new SseClient(url(memberId), Tokens.member(memberId), null)) {
            assertThat(live.status()).isEqualTo(200);
            assertThat(live.contentType()).startsWith("text/event-stream");
            await().atMost(WAIT).until(() -> !live.comments().isEmpty());   // open, heartbeating
            TestEvents.publish(Topics.POINTS_LEDGER, earned.get(0));
            TestEvents.publish(Topics.POINTS_LEDGER, earned.get(1));
            await().atMost(WAIT).until(() -> live.events().size() >= 2);
            // An announcement from the notice consumer wakes the stream; a repeat of one sends nothing twice.
            noticeStored.fireAsync(new NoticesStored(List.of(new NoticeStored(earned.get(1).id(),
                    Long.parseLong(live.events().get(1).id()), memberId, "points.earned", "积分到账", "", Instant.now()))));
            assertThat(dataIds(live)).containsExactly(earned.get(0).id(), earned.get(1).id());
            lastSeen = live.events().get(0).id();
            assertThat(live.comments()).contains("heartbeat");
        }

        // Disconnected: two more are stored; the client had seen only the first.
        TestEvents.publish(Topics.POINTS_LEDGER, earned.get(2));
        TestEvents.publish(Topics.POINTS_LEDGER, earned.get(3));
        try (SseClient resumed = new SseClient(url(memberId), Tokens.member(memberId), lastSeen)) {
            await().atMost(WAIT).until(() -> resumed.events().size() >= 3);
            TestEvents.publish(Topics.POINTS_LEDGER, earned.get(4));
            TestEvents.publish(Topics.POINTS_LEDGER, earned.get(5));
            await().atMost(WAIT).until(() -> resumed.events().size() >= 5);
            await().pollDelay(Duration.ofSeconds(1)).atMost(WAIT).until(() -> resumed.comments().size() >= 2);
            assertThat(dataIds(resumed)).containsExactly(earned.get(1).id(), earned.get(2).id(), earned.get(3).id(),
                    earned.get(4).id(), earned.get(5).id());
            List<Long> sequences = resumed.events().stream().map(e -> Long.parseLong(e.id())).toList();
            assertThat(sequences).isSorted().doesNotHaveDuplicates();
            assertThat(sequences.get(0)).isGreaterThan(Long.parseLong(lastSeen));
        }
    }

    /**
     * A member who opted out of a kind on the stream channel is not streamed notices of it (the
     * in-app list still holds them), live or resumed. Until 2026-12-06 the opt-out was stored but the
     * stream sent every notice.
     */
    @Test
    void theStreamLeavesOutTheKindsTheMemberOptedOutOfThere() throws Exception {
        String memberId = "m-stream-opt-" + UUID.randomUUID();
        io.restassured.RestAssured.given().auth().oauth2(Tokens.member(memberId)).contentType("application/json")
                .body("{\"optOuts\":[{\"channel\":\"stream\",\"kind\":\"points.earned\"},"
                        + "{\"channel\":\"email\",\"kind\":\"points.adjusted\"}]}")
                .put("/api/v1/members/{m}/notification-preferences", memberId).then().statusCode(200);
        CloudEvent earned = TestEvents.earned(memberId, 3);
        String lotId = "lot-adj-" + UUID.randomUUID();
        CloudEvent adjusted = CloudEvent.of("points.adjusted:" + lotId, "/ledger-service", memberId, Instant.now(),
                new io.pointsplatform.events.PointsAdjusted(memberId, lotId, 4, lotId,
                        Instant.now().plus(Duration.ofDays(365)), null, "goodwill", "admin-a", "admin-b"));
        try (SseClient live = new SseClient(url(memberId), Tokens.member(memberId), null)) {
            assertThat(live.status()).isEqualTo(200);
            await().atMost(WAIT).until(() -> !live.comments().isEmpty());
            TestEvents.publish(Topics.POINTS_LEDGER, earned);
            TestEvents.publish(Topics.POINTS_LEDGER, adjusted);
            // Both are stored (the in-app list holds every notice) ...
            await().atMost(WAIT).until(() -> io.restassured.RestAssured.given().auth().oauth2(Tokens.member(memberId))
                    .get("/api/v1/members/{m}/notifications", memberId).then().extract()
                    .<List<String>>path("items.notificationId").size() == 2);
            // ... and only the one not opted out of is streamed, live and from the start.
            await().atMost(WAIT).until(() -> live.events().size() >= 1);
            int comments = live.comments().size();
            await().atMost(WAIT).until(() -> live.comments().size() >= comments + 2);
            assertThat(dataIds(live)).containsExactly(adjusted.id());
        }
        try (SseClient resumed = new SseClient(url(memberId), Tokens.member(memberId), "0")) {
            await().atMost(WAIT).until(() -> resumed.events().size() >= 1);
            await().atMost(WAIT).until(() -> resumed.comments().size() >= 2);
            assertThat(dataIds(resumed)).containsExactly(adjusted.id());
        }
    }

    /**
     * Every open stream holds a connection and reads the database now and then, so an instance
     * serves at most points.stream.max-open (20 in the tests) however many members connect; the
     * next is told to come back later, and a closed one frees its place.
     */
    @Test
    void anInstanceServesAtMostItsMostStreamsAndTellsTheNextWhenToComeBack() throws Exception {
        String run = "m-stream-full-" + UUID.randomUUID().toString().substring(0, 8);
        List<SseClient> open = new ArrayList<>();
        try {
            // Other tests' streams may still be closing: fill whatever places are free, one member each.
            int i = 0;
            while (true) {
                SseClient stream = new SseClient(url(run + "-" + i), Tokens.admin(), null);
                if (stream.status() != 200) {
                    assertThat(stream.status()).isEqualTo(503);
                    assertThat(stream.contentType()).startsWith("application/problem+json");
                    assertThat(stream.problem()).contains("\"code\":\"STREAMS_FULL\"");
                    assertThat(stream.header("Retry-After")).isEqualTo("30");
                    stream.close();
                    break;
                }
                open.add(stream);
                i++;
                assertThat(i).as("streams admitted").isLessThanOrEqualTo(20);
            }
            assertThat(open).isNotEmpty();
            String metrics = io.restassured.RestAssured.given().get("/q/metrics").asString();
            assertThat(metrics).containsPattern("notification_streams_open(\\{[^}]*\\})? 20\\.0");
            open.remove(0).close();
            await().atMost(WAIT).until(() -> {
                try (SseClient again = new SseClient(url(run + "-again"), Tokens.admin(), null)) {
                    return again.status() == 200;
                }
            });
        } finally {
            for (SseClient stream : open) {
                stream.close();
            }
        }
    }

    @Test
    void aMemberHasAtMostThreeStreamsOpen() throws Exception {
        String memberId = "m-stream-limit-" + UUID.randomUUID();
        List<SseClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                SseClient stream = new SseClient(url(memberId), Tokens.member(memberId), null);
                assertThat(stream.status()).isEqualTo(200);
                open.add(stream);
            }
            try (SseClient fourth = new SseClient(url(memberId), Tokens.admin(), null)) {
                assertThat(fourth.status()).isEqualTo(429);
                assertThat(fourth.contentType()).startsWith("application/problem+json");
                assertThat(fourth.problem()).contains("\"code\":\"TOO_MANY_STREAMS\"");
            }
            // Another member is not limited by this one's streams.
            try (SseClient other = new SseClient(url(memberId + "-other"), Tokens.admin(), null)) {
                assertThat(other.status()).isEqualTo(200);
            }
            open.remove(0).close();
            await().atMost(WAIT).until(() -> {
                try (SseClient again = new SseClient(url(memberId), Tokens.member(memberId), null)) {
                    return again.status() == 200;
                }
            });
        } finally {
            for (SseClient stream : open) {
                stream.close();
            }
        }
    }

    /**
     * A Last-Event-ID past the member's latest notice (kept by a client from before the database was
     * restored, say) resumes from the latest: the next notice arrives. Until 2026-12-07 the stream
     * stayed silent until the sequence passed that id.
     */
    @Test
    void aLastEventIdPastTheMembersLatestNoticeResumesFromItsLatest() throws Exception {
        String memberId = "m-stream-ahead-" + UUID.randomUUID();
        CloudEvent before = TestEvents.earned(memberId, 1);
        TestEvents.publish(Topics.POINTS_LEDGER, before);
        await().atMost(WAIT).until(() -> {
            try (SseClient probe = new SseClient(url(memberId), Tokens.admin(), "0")) {
                await().atMost(WAIT).until(() -> !probe.comments().isEmpty());
                return !probe.events().isEmpty();
            }
        });
        CloudEvent next = TestEvents.earned(memberId, 2);
        try (SseClient resumed = new SseClient(url(memberId), Tokens.member(memberId), "999999999999")) {
            assertThat(resumed.status()).isEqualTo(200);
            await().atMost(WAIT).until(() -> resumed.comments().size() >= 2);   // open and started
            TestEvents.publish(Topics.POINTS_LEDGER, next);
            await().atMost(WAIT).until(() -> !resumed.events().isEmpty());
            assertThat(dataIds(resumed)).containsExactly(next.id());
        }
    }

    @Test
    void aBadLastEventIdIsAClientError() throws Exception {
        for (String bad : List.of("abc", "-1", "1.5", "99999999999999999999")) {
            try (SseClient stream = new SseClient(url("m-stream-bad"), Tokens.member("m-stream-bad"), bad)) {
                assertThat(stream.status()).as(bad).isEqualTo(400);
                assertThat(stream.problem()).contains("\"code\":\"VALIDATION_FAILED\"").contains("Last-Event-ID");
            }
        }
    }
}
