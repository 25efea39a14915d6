package io.pointsplatform.system;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import com.standardwebhooks.Webhook;
import io.pointsplatform.events.Topics;
import io.pointsplatform.testing.SseClient;
import io.pointsplatform.testing.Tokens;
import io.pointsplatform.testing.TopicReader;
import io.pointsplatform.testing.WebhookReceiver;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Telling people, through the real services as processes: an order at earning-service reaches the
 * member by e-mail (a real SMTP server) and a merchant's receiver as a verified Standard Webhook; a
 * receiver that is down gets every event in order once it is back; the live stream resumes with no
 * gap and no repeat; and nothing expires without a reminder, even while notification-service is
 * down (windows and lead of seconds instead of days, the same code).
 */
class NotificationJourneyTest {

    private static final Duration WAIT = Duration.ofSeconds(90);
    /** The ledger's last-reminder lead here; notification-service's shortest window is the same. */
    private static final Duration LEAD = Duration.ofSeconds(15);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Platform platform;
    private static GreenMail smtp;

    /**
     * How many months earning keeps points here: 12, so that every expiry time in the next hours has
     * a purchase time that many months before it; 1 on 29 February, which has none a year before
     * (and is always reachable from January). With 1 month alone, the 29th to the 31st of some
     * months had none (a purchase on 30 November expires on 30 December, never on the 31st), and
     * the orders of this test were refused ORDER_TOO_OLD on those days.
     */
    private static final int EXPIRY_MONTHS = reachable(Instant.now().plus(Duration.ofHours(1)), 12)
            && reachable(Instant.now(), 12) ? 12 : 1;

    @BeforeAll
    static void start() throws Exception {
        smtp = new GreenMail(new ServerSetup(Platform.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        Map<String, String> overrides = new HashMap<>();
        overrides.put("earning-service/points.expiry-months", String.valueOf(EXPIRY_MONTHS));
        overrides.put("ledger-service/points.jobs.every", "1s");
        overrides.put("ledger-service/points.expiry.last-reminder-lead", "PT15S");
        overrides.put("notification-service/points.reminders.windows", "PT40S,PT15S");
        overrides.put("notification-service/points.reminders.every", "1s");
        // A lot is reminded 6 s before its window opens, not one period: on a busy machine a run can
        // start seconds late, and a last reminder sent late defers the expiry (what the second half
        // of nothingExpiresWithoutAReminder... checks), which the first half must not meet by chance.
        overrides.put("notification-service/points.reminders.ahead", "PT6S");
        overrides.put("notification-service/quarkus.mailer.host", "127.0.0.1");
        overrides.put("notification-service/quarkus.mailer.port", String.valueOf(smtp.getSmtp().getPort()));
        overrides.put("notification-service/points.notices.email.every", "1s");
        overrides.put("notification-service/points.webhooks.retry-first", "200ms");
        overrides.put("notification-service/points.webhooks.retry-max", "2s");
        overrides.put("notification-service/points.webhooks.dispatch-every", "1s");
        overrides.put("notification-service/points.stream.heartbeat", "1s");
        platform = Platform.start(overrides, "earning-service", "ledger-service", "notification-service");
    }

    @AfterAll
    static void stop() throws Exception {
        if (platform != null) {
            platform.close();
        }
        if (smtp != null) {
            smtp.stop();
        }
    }

    @Test
    void anOrderReachesTheMemberByEmailAndAMerchantByAVerifiedWebhook() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            String secret = register(receiver.url());
            String memberId = "m-mail-" + UUID.randomUUID();
            String address = memberId + "@example.com";
            enrol(Map.of("memberId", memberId, "name", "Ann Lee", "locale", "en", "email", address));
            String orderId = "o-" + UUID.randomUUID();
            long points = order(memberId, orderId, Instant.now(), "88.00");

            await().atMost(WAIT).untilAsserted(() -> assertThat(mailTo(address))
                    .anySatisfy(mail -> assertThat(GreenMailUtil.getBody(mail)).contains("You earned " + points + " points")));
            MimeMessage mail = mailTo(address).stream()
                    .filter(m -> GreenMailUtil.getBody(m).contains("You earned " + points + " points")).findFirst().orElseThrow();
            assertThat(mail.getSubject()).isEqualTo("Points earned");
            // The notice names the order and, as its points wait out the returns window, when they become
            // usable; in the member's language, even when the credit was read before the enrolment.
            await().atMost(WAIT).untilAsserted(() -> given().auth().oauth2(Tokens.member(memberId))
                    .baseUri(platform.url("notification-service"))
                    .get("/api/v1/members/{id}/notifications", memberId).then().statusCode(200)
                    .body("items.body", hasItem(startsWith("You earned " + points + " points on order " + orderId
                            + "; they become usable on ")))
                    .body("items.body", hasItem(startsWith("You earned 100 points (sign-up gift)")))
                    .body("items.body", everyItem(not(containsString("积分")))));

            List<ConsumerRecord<String, String>> earned = TopicReader.await(Topics.POINTS_LEDGER,
                    r -> memberId.equals(r.key()) && r.value().contains("\"points.earned\""), 2, WAIT);
            await().atMost(WAIT).until(() -> of(receiver, memberId).size() >= 2);
            List<WebhookReceiver.Request> got = of(receiver, memberId);
            assertThat(got).extracting(r -> r.header("webhook-id"))
                    .containsExactlyElementsOf(earned.stream().map(NotificationJourneyTest::eventId).toList());
            for (WebhookReceiver.Request request : got) {
                new Webhook(secret).verify(request.body(), request.headers());   // throws when forged
                assertThat(JSON.readTree(request.body()).path("data").path("memberId").asText()).isEqualTo(memberId);
            }
            assertThat(got.get(1).body()).isEqualTo(earned.get(1).value());      // the CloudEvent as on Kafka
        }
    }

    @Test
    void aReceiverThatWasDownGetsEveryEventInTheMembersOrderOnceItIsBack() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            receiver.down();
            String secret = register(receiver.url());
            String memberId = "m-down-" + UUID.randomUUID();
            enrol(Map.of("memberId", memberId));
            for (int i = 0; i < 5; i++) {
                order(memberId, "o-" + memberId + "-" + i, Instant.now(), (10 + i) + ".00");
            }
            List<ConsumerRecord<String, String>> earned = TopicReader.await(Topics.POINTS_LEDGER,
                    r -> memberId.equals(r.key()) && r.value().contains("\"points.earned\""), 6, WAIT);
            assertThat(of(receiver, memberId)).isEmpty();

            receiver.up();
            await().atMost(WAIT).until(() -> of(receiver, memberId).size() >= 6);
            List<WebhookReceiver.Request> got = of(receiver, memberId);
            assertThat(got).extracting(r -> r.header("webhook-id"))
                    .containsExactlyElementsOf(earned.stream().map(NotificationJourneyTest::eventId).toList());
            for (WebhookReceiver.Request request : got) {
                new Webhook(secret).verify(request.body(), request.headers());
            }
        }
    }

    @Test
    void theStreamResumesAfterLastEventIdWithNoGapAndNoRepeat() throws Exception {
        String memberId = "m-sse-" + UUID.randomUUID();
        enrol(Map.of("memberId", memberId));
        String url = platform.url("notification-service") + "/api/v1/members/" + memberId + "/stream";
        List<SseClient.Event> seen = new ArrayList<>();
        try (SseClient first = new SseClient(url, Tokens.member(memberId), "0")) {
            assertThat(first.status()).isEqualTo(200);
            await().atMost(WAIT).until(() -> !first.events().isEmpty());
            order(memberId, "o-" + memberId + "-live", Instant.now(), "20.00");
            // Three notices: enrolled (from `members`), the signup bonus and the order (from
            // `points.ledger`). The two topics are read by two consumers, so the enrolment's notice
            // may be stored after both credits' (on a busy machine, seconds after): wait for all three.
            await().atMost(WAIT).until(() -> notices(memberId).size() == first.events().size() && first.events().size() >= 3);
            seen.addAll(first.events());
        }
        for (int i = 0; i < 3; i++) {                                  // while no stream is open
            order(memberId, "o-" + memberId + "-" + i, Instant.now(), (30 + i) + ".00");
        }
        String lastEventId = seen.get(seen.size() - 1).id();
        try (SseClient second = new SseClient(url, Tokens.member(memberId), lastEventId)) {
            order(memberId, "o-" + memberId + "-after", Instant.now(), "40.00");
            await().atMost(WAIT).until(() -> notices(memberId).size() >= seen.size() + 4
                    && notices(memberId).size() == seen.size() + second.events().size());
            seen.addAll(second.events());
        }
        List<Long> sequences = seen.stream().map(e -> Long.parseLong(e.id())).toList();
        assertThat(sequences).doesNotHaveDuplicates().isSorted();
        List<String> streamed = seen.stream().map(e -> field(e.data(), "notificationId")).toList();
        // The stream goes in storage order (its sequence), the list by occurredAt: the same notices.
        assertThat(streamed).containsExactlyInAnyOrderElementsOf(notices(memberId));
    }

    @Test
    void nothingExpiresWithoutAReminderEvenWhileNotificationServiceIsDown() throws Exception {
        // Told in time: both windows remind, then the lot expires, and its expiry says when it was told.
        String told = "m-told-" + UUID.randomUUID();
        enrol(Map.of("memberId", told, "locale", "en", "email", told + "@example.com"));
        // Its last window (with the 6 s ahead) opens 9 s after the order, and is on time until 15 s after.
        long points = order(told, "o-" + told, expiringAt(Instant.now().plusSeconds(30)), "50.00");
        JsonNode expired = expiryOf(told);
        assertThat(expired.path("points").asLong()).isEqualTo(points);
        assertThat(expired.has("remindedAt")).as("an expiry on time says nothing of a delay: %s", expired).isFalse();
        Map<String, Instant> reminded = reminders(told);
        assertThat(reminded).containsOnlyKeys("PT40S", "PT15S");
        assertThat(Instant.parse(expiryTime(told))).isAfterOrEqualTo(reminded.get("PT15S").plus(LEAD));
        assertThat(notices(told, "points.expiring")).isNotEmpty();
        await().atMost(WAIT).untilAsserted(() -> assertThat(mailTo(told + "@example.com"))
                .anySatisfy(mail -> assertThat(mail.getSubject()).isEqualTo("Points expiring soon")));

        // Not told: with notification-service down, a lot due now is deferred, not expired; once the
        // service is back it reminds, and the lot expires a lead after that reminder.
        ServiceProcess notification = platform.service("notification-service");
        String late = "m-late-" + UUID.randomUUID();
        long latePoints;
        Instant back;
        notification.close();
        try {
            enrol(Map.of("memberId", late));
            // Ten seconds ahead: an order whose points would already have expired is refused (ORDER_TOO_OLD).
            Instant due = Instant.now().plusSeconds(10);
            latePoints = order(late, "o-" + late, expiringAt(due), "60.00");
            await().atMost(WAIT).until(() -> Instant.now().isAfter(due.plus(LEAD)));   // well past its date
            given().auth().oauth2(Tokens.analyst()).baseUri(platform.url("ledger-service")).get("/api/v1/accounts/{m}", late)
                    .then().statusCode(200).body("expired", equalTo(0));
            assertThat(TopicReader.all(Topics.POINTS_LEDGER, r -> late.equals(r.key()) && r.value().contains("\"points.expired\"")))
                    .isEmpty();
        } finally {
            back = Instant.now();
            notification.restart(Map.of());
        }
        JsonNode lateExpiry = expiryOf(late);
        assertThat(lateExpiry.path("points").asLong()).isEqualTo(latePoints);
        Instant lateReminded = Instant.parse(lateExpiry.path("remindedAt").asText());
        assertThat(lateReminded).isAfter(back);
        assertThat(Instant.parse(lateExpiry.path("scheduledAt").asText())).isBefore(back);
        assertThat(Instant.parse(expiryTime(late))).isAfterOrEqualTo(lateReminded.plus(LEAD));

        // The broker is shared with the other test classes, whose members this fresh ledger met only
        // half-way: these two members' accounts are the ones to check.
        given().auth().oauth2(Tokens.admin()).baseUri(platform.url("ledger-service")).get("/api/v1/admin/verify")
                .then().statusCode(200).body("mismatchesTruncated", equalTo(false))
                .body("mismatches.memberId", not(hasItem(told))).body("mismatches.memberId", not(hasItem(late)));
    }

    // --- helpers ------------------------------------------------------------------------------

    private static void enrol(Map<String, Object> member) {
        given().auth().oauth2(Tokens.checkout()).baseUri(platform.url("earning-service")).contentType(ContentType.JSON)
                .body(member).post("/api/v1/members").then().statusCode(201);
    }

    /** An order of one line; answers its points. */
    private static long order(String memberId, String orderId, Instant purchasedAt, String unitPrice) {
        Map<String, Object> body = Map.of("orderId", orderId, "memberId", memberId, "purchasedAt", purchasedAt.toString(),
                "currency", "CNY", "lines", List.of(Map.of("sku", "tea", "quantity", 1, "unitPrice", unitPrice)));
        Response answer = given().auth().oauth2(Tokens.checkout()).baseUri(platform.url("earning-service"))
                .contentType(ContentType.JSON).body(body).post("/api/v1/earnings");
        assertThat(answer.statusCode()).as(answer.asString()).isEqualTo(201);
        return answer.<Number>path("points").longValue();
    }

    /** The purchase time whose points expire at {@code expiresAt} (earning here keeps points {@link #EXPIRY_MONTHS}). */
    private static Instant expiringAt(Instant expiresAt) {
        assertThat(reachable(expiresAt, EXPIRY_MONTHS)).as("a purchase %d months before %s", EXPIRY_MONTHS, expiresAt)
                .isTrue();
        return expiresAt.atOffset(ZoneOffset.UTC).minusMonths(EXPIRY_MONTHS).toInstant();
    }

    /** Whether some purchase time's points expire exactly at {@code expiresAt} when kept {@code months} (UTC months). */
    private static boolean reachable(Instant expiresAt, int months) {
        return expiresAt.atOffset(ZoneOffset.UTC).minusMonths(months).plusMonths(months).toInstant().equals(expiresAt);
    }

    private static String register(String url) {
        Response created = given().auth().oauth2(Tokens.admin()).baseUri(platform.url("notification-service"))
                .contentType(ContentType.JSON).body(Map.of("url", url, "eventTypes", List.of("points.earned")))
                .post("/api/v1/webhooks");
        assertThat(created.statusCode()).as(created.asString()).isEqualTo(201);
        return created.path("secret");
    }

    private static List<WebhookReceiver.Request> of(WebhookReceiver receiver, String memberId) {
        return receiver.received().stream().filter(r -> r.body().contains("\"memberId\":\"" + memberId + "\"")).toList();
    }

    private static List<MimeMessage> mailTo(String address) {
        return Arrays.stream(smtp.getReceivedMessages()).filter(m -> {
            try {
                return Arrays.stream(m.getAllRecipients()).anyMatch(r -> r.toString().contains(address));
            } catch (jakarta.mail.MessagingException e) {
                return false;
            }
        }).toList();
    }

    /** The member's notification ids, newest first, as the API lists them. */
    private static List<String> notices(String memberId) {
        return given().auth().oauth2(Tokens.member(memberId)).baseUri(platform.url("notification-service"))
                .queryParam("limit", 100).get("/api/v1/members/{m}/notifications", memberId)
                .then().statusCode(200).extract().path("items.notificationId");
    }

    private static List<String> notices(String memberId, String kind) {
        return given().auth().oauth2(Tokens.member(memberId)).baseUri(platform.url("notification-service"))
                .queryParam("limit", 100).get("/api/v1/members/{m}/notifications", memberId)
                .then().statusCode(200).extract().path("items.findAll { it.kind == '" + kind + "' }.notificationId");
    }

    /** The data of the member's points.expired, waited for. */
    private static JsonNode expiryOf(String memberId) throws IOException {
        ConsumerRecord<String, String> record = TopicReader.await(Topics.POINTS_LEDGER,
                r -> memberId.equals(r.key()) && r.value().contains("\"points.expired\""), 1, WAIT).get(0);
        return JSON.readTree(record.value()).path("data");
    }

    private static String expiryTime(String memberId) throws IOException {
        ConsumerRecord<String, String> record = TopicReader.all(Topics.POINTS_LEDGER,
                r -> memberId.equals(r.key()) && r.value().contains("\"points.expired\"")).get(0);
        return JSON.readTree(record.value()).path("time").asText();
    }

    /** The windows notification-service reminded the member in, and when, from its events on the log. */
    private static Map<String, Instant> reminders(String memberId) throws IOException {
        Map<String, Instant> windows = new HashMap<>();
        for (ConsumerRecord<String, String> record : TopicReader.all(Topics.NOTIFICATIONS, r -> memberId.equals(r.key()))) {
            JsonNode data = JSON.readTree(record.value()).path("data");
            assertThat(windows.put(data.path("window").asText(), Instant.parse(data.path("remindedAt").asText())))
                    .as("one reminder per lot and window").isNull();
        }
        return windows;
    }

    private static String eventId(ConsumerRecord<String, String> record) {
        return field(record.value(), "id");
    }

    private static String field(String json, String name) {
        try {
            return JSON.readTree(json).path(name).asText();
        } catch (IOException e) {
            throw new IllegalStateException(json, e);
        }
    }
}
