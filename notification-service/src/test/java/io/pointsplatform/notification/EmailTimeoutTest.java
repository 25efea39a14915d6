package io.pointsplatform.notification;

import static io.pointsplatform.notification.EmailTest.address;
import static io.pointsplatform.notification.EmailTest.awaitDelivery;
import static io.pointsplatform.notification.EmailTest.enrol;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pointsplatform.testing.PlatformTestResource;
import io.pointsplatform.testing.Tokens;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A send the e-mail job gives up on ends with its SMTP connection: against a server on a raw socket
 * that answers the end of a message late or never, with a pool of 2 connections, a send timeout of 4 s
 * and an idle timeout of 1 s. Until 2026-12-07 the job only left the mailer's Uni after the send
 * timeout: the exchange went on, so a late answer took the mail (and the retry took it again), and a
 * server that never answered kept each connection, until the pool was full and no e-mail went out.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "notification"))
@WithTestResource(EmailTimeoutTest.SlowSmtp.class)
class EmailTimeoutTest {

    static final int POOL = 2;
    static final Duration SEND_TIMEOUT = Duration.ofSeconds(4);
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(1);
    static final int MAX_ATTEMPTS = 3;
    /** Members whose address holds this are never answered at the end of a message. */
    static final String STUCK = "m-stuck-";
    /** Members whose address holds this are answered at the end of their first message after the send timeout. */
    static final String LATE = "m-late-";

    /** The raw server, the mailer pointed at it with short timeouts and a small pool, quick retries. */
    public static class SlowSmtp implements QuarkusTestResourceLifecycleManager {

        static RawSmtpServer smtp;

        @Override
        public Map<String, String> start() {
            try {
                smtp = new RawSmtpServer(0).answeringDataLate(STUCK, Duration.ofHours(1), Integer.MAX_VALUE)
                        .answeringDataLate(LATE, SEND_TIMEOUT.plusSeconds(1), 1);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Map.of("quarkus.mailer.host", "127.0.0.1",
                    "quarkus.mailer.port", Integer.toString(smtp.port()),
                    "quarkus.mailer.max-pool-size", Integer.toString(POOL),
                    "points.notices.email.concurrency", Integer.toString(POOL),
                    "points.notices.email.send-timeout", SEND_TIMEOUT.toSeconds() + "s",
                    "points.notices.email.idle-timeout", IDLE_TIMEOUT.toSeconds() + "s",
                    "points.notices.email.every", "1s",
                    "points.notices.email.backoff", "200ms",
                    "points.notices.email.max-backoff", "1s",
                    "points.notices.email.max-attempts", Integer.toString(MAX_ATTEMPTS));
        }

        @Override
        public void stop() {
            try {
                smtp.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * A server that never answers the end of a message: each send fails within the send timeout, the
     * client having closed its connection (the server sees it closed), and after far more such sends
     * than the pool has connections a mail to a server that answers still goes out.
     */
    @Test
    void aServerThatNeverAnswersTheEndOfAMessageLosesTheConnectionAndThePoolDoesNotRunOut() {
        RawSmtpServer smtp = SlowSmtp.smtp;
        String before = enrol("m-ok-" + UUID.randomUUID(), "en", null);
        awaitDelivery(before, "SENT");

        List<String> stuck = IntStream.rangeClosed(0, POOL)
                .mapToObj(i -> enrol(STUCK + UUID.randomUUID(), "en", null)).toList();
        stuck.forEach(member -> awaitDelivery(member, "FAILED"));
        // (POOL + 1) * MAX_ATTEMPTS stuck sends through POOL connections, and the pool still serves
        String after = enrol("m-ok-" + UUID.randomUUID(), "en", null);
        awaitDelivery(after, "SENT");
        assertThat(smtp.taken(address(after))).isEqualTo(1);
        assertThat(delivery(after)).containsEntry("attempts", 1);

        for (String member : stuck) {
            Map<String, Object> delivery = delivery(member);
            assertThat(delivery).containsEntry("attempts", MAX_ATTEMPTS);
            assertThat((String) delivery.get("reason")).isEqualTo("IOException: socket was closed unexpected.");
            assertThat(smtp.taken(address(member))).isZero();
            // each attempt's connection closed by the client, within the send timeout
            assertThat(smtp.cut(address(member))).as("exchanges the client closed").hasSize(MAX_ATTEMPTS)
                    .allSatisfy(closedAfter -> assertThat(closedAfter).isLessThan(SEND_TIMEOUT));
        }
        assertThat(smtp.holding()).as("replies still held").isZero();
    }

    /**
     * A server that answers the end of a message only after the send timeout: the client has closed the
     * connection before that answer, so the message was not taken, and the retry takes it once.
     */
    @Test
    void aServerThatAnswersTheEndOfAMessageAfterTheClientGaveUpGetsTheMailOnce() {
        RawSmtpServer smtp = SlowSmtp.smtp;
        String member = enrol(LATE + UUID.randomUUID(), "en", null);
        awaitDelivery(member, "SENT");
        await().atMost(Duration.ofSeconds(30)).until(() -> smtp.holding() == 0);     // no late answer to come
        assertThat(smtp.taken(address(member))).as("mails the server took").isEqualTo(1);
        assertThat(smtp.cut(address(member))).as("exchanges the client closed").singleElement()
                .satisfies(closedAfter -> assertThat(closedAfter).isLessThan(SEND_TIMEOUT));
        assertThat(delivery(member)).containsEntry("attempts", 2);
    }

    /** The member's one delivery as an admin sees it. */
    private static Map<String, Object> delivery(String memberId) {
        return given().auth().oauth2(Tokens.admin()).queryParam("memberId", memberId)
                .get("/api/v1/admin/notification-deliveries").then().statusCode(200).extract().path("items[0]");
    }
}
