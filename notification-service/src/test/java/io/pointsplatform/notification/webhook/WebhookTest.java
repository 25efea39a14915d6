package io.pointsplatform.notification.webhook;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.EventCodec;
import io.pointsplatform.events.MemberEnrolled;
import io.pointsplatform.events.Topics;
import io.pointsplatform.testing.LocalPostgres;
import io.pointsplatform.testing.PlatformTestResource;
import io.pointsplatform.testing.TestEvents;
import io.pointsplatform.testing.Tokens;
import io.pointsplatform.testing.WebhookReceiver;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Webhooks end to end: events on the real log, deliveries from the service's dispatcher to a real
 * HTTP receiver, each checked as a receiver would with the Standard Webhooks reference library.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "notification"))
class WebhookTest {

    static final EventCodec CODEC = new EventCodec();
    static final Duration WAIT = Duration.ofSeconds(60);

    @ConfigProperty(name = "points.test.database")
    String database;

    @ConfigProperty(name = "points.webhooks.max-in-flight-per-endpoint")
    int maxInFlight;

    /** Registers an endpoint for these types; the created answer. */
    static Response register(String url, String... types) {
        return given().auth().oauth2(Tokens.admin()).contentType("application/json")
                .body(Map.of("url", url, "eventTypes", List.of(types)))
                .post("/api/v1/webhooks").then().statusCode(201).extract().response();
    }

    static void delete(String webhookId) {
        given().auth().oauth2(Tokens.admin()).delete("/api/v1/webhooks/{id}", webhookId).then().statusCode(204);
    }

    static void verify(String secret, WebhookReceiver.Request request) throws WebhookVerificationException {
        new Webhook(secret).verify(request.body(), request.headers());
    }

    @Test
    void anEarningIsDeliveredOnceAsOnTheLogSignedAsStandardWebhooks() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            Response created = register(receiver.url(), "points.earned");
            String id = created.path("webhookId");
            String secret = created.path("secret");
            assertThat(secret).startsWith("whsec_");
            assertThat(Base64.getDecoder().decode(secret.substring(6))).hasSizeGreaterThanOrEqualTo(24);

            String memberId = "m-wh-" + UUID.randomUUID();
            CloudEvent enrolled = CloudEvent.of("member.enrolled:" + memberId, "/earning-service", Instant.now(),
                    new MemberEnrolled(memberId, "Li Lei", null, null));
            CloudEvent earned = TestEvents.earned(memberId, 120);
            TestEvents.publish(Topics.MEMBERS, enrolled);
            TestEvents.publish(Topics.POINTS_LEDGER, earned);
            TestEvents.publish(Topics.POINTS_LEDGER, earned);
            // A later event of the member shows the repeat was read and dropped, not on its way.
            CloudEvent later = TestEvents.earned(memberId, 5);
            TestEvents.publish(Topics.POINTS_LEDGER, later);

            await().atMost(WAIT).until(() -> receiver.received().size() >= 2);
            List<WebhookReceiver.Request> got = receiver.received();
            assertThat(got).extracting(r -> r.header("webhook-id")).containsExactly(earned.id(), later.id());
            WebhookReceiver.Request first = got.get(0);
            assertThat(first.body()).isEqualTo(CODEC.write(earned));
            assertThat(first.header("content-type")).isEqualTo("application/cloudevents+json");
            assertThat(first.header("webhook-signature")).startsWith("v1,").doesNotContain(" ");
            assertThat(Long.parseLong(first.header("webhook-timestamp")))
                    .isBetween(Instant.now().minusSeconds(120).getEpochSecond(), Instant.now().getEpochSecond());
            verify(secret, first);
            verify(secret, got.get(1));
            String otherSecret = "whsec_" + Base64.getEncoder().encodeToString(new byte[32]);
            assertThatThrownBy(() -> verify(otherSecret, first)).isInstanceOf(WebhookVerificationException.class);

            // The secret is never shown again, and the database holds it only sealed.
            String shown = given().auth().oauth2(Tokens.admin()).get("/api/v1/webhooks/{id}", id)
                    .then().statusCode(200).body("url", equalTo(receiver.url())).extract().asString();
            assertThat(shown).doesNotContain(secret).doesNotContain(secret.substring(6));
            assertThat(given().auth().oauth2(Tokens.admin()).get("/api/v1/webhooks?limit=100").asString())
                    .doesNotContain(secret.substring(6));
            assertThat(sealedSecrets(id)).doesNotContain(secret.substring(6));
            delete(id);
        }
    }

    @Test
    void aReceiverDownForAWhileGetsEveryDeliveryOnceBackInOrderPerMember() {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            String id = register(receiver.url(), "points.earned", "points.adjusted").path("webhookId");
            receiver.down();
            Map<String, List<String>> sent = new LinkedHashMap<>();
            List<ProducerRecord<String, String>> records = new ArrayList<>();
            for (int m = 0; m < 4; m++) {
                String memberId = "m-wh-down-" + m + "-" + UUID.randomUUID();
                for (int i = 0; i < 5; i++) {
                    CloudEvent earned = TestEvents.earned(memberId, 10 + i);
                    sent.computeIfAbsent(memberId, k -> new ArrayList<>()).add(earned.id());
                    records.add(TestEvents.record(Topics.POINTS_LEDGER, earned));
                }
            }
            PlatformTestResource.kafka().produceStrings().fromRecords(records).awaitCompletion(WAIT);
            // Every member's first delivery has been tried (and refused) before the receiver comes back.
            await().atMost(WAIT).until(() -> attempted(id) >= sent.size());
            receiver.up();

            await().atMost(WAIT).until(() -> receiver.received().size() >= records.size());
            Map<String, List<String>> got = new LinkedHashMap<>();
            for (WebhookReceiver.Request request : receiver.received()) {
                CloudEvent event = CODEC.read(request.body().getBytes(StandardCharsets.UTF_8));
                assertThat(request.header("webhook-id")).isEqualTo(event.id());
                got.computeIfAbsent(event.subject(), k -> new ArrayList<>()).add(event.id());
            }
            assertThat(got).isEqualTo(sent);
            delete(id);
        }
    }

    @Test
    void aReceiverThatNeverAnswersDoesNotDelayAnotherEndpoint() {
        try (WebhookReceiver stuck = new WebhookReceiver().hang(); WebhookReceiver healthy = new WebhookReceiver()) {
            String stuckId = register(stuck.url(), "points.earned").path("webhookId");
            String healthyId = register(healthy.url(), "points.earned").path("webhookId");
            List<ProducerRecord<String, String>> records = new ArrayList<>();
            for (int m = 0; m < 3 * maxInFlight; m++) {
                records.add(TestEvents.record(Topics.POINTS_LEDGER, TestEvents.earned("m-wh-slow-" + UUID.randomUUID(), 1)));
            }
            PlatformTestResource.kafka().produceStrings().fromRecords(records).awaitCompletion(WAIT);

            await().atMost(WAIT).until(() -> healthy.received().size() >= records.size());
            assertThat(stuck.received()).isEmpty();
            assertThat(stuck.calls()).isPositive();
            delete(stuckId);
            delete(healthyId);
        }
    }

    @Test
    void duringARotationsOverlapBothSecretsVerify() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            Response created = register(receiver.url(), "points.earned");
            String id = created.path("webhookId");
            String oldSecret = created.path("secret");
            String newSecret = "whsec_" + Base64.getEncoder().encodeToString(UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
            given().auth().oauth2(Tokens.admin()).contentType("application/json").body(Map.of("secret", newSecret))
                    .post("/api/v1/webhooks/{id}/rotate-secret", id).then().statusCode(200)
                    .body("secret", equalTo(newSecret)).body("previousSecretValidUntil", startsWith("20"));

            CloudEvent earned = TestEvents.earned("m-wh-rot-" + UUID.randomUUID(), 3);
            TestEvents.publish(Topics.POINTS_LEDGER, earned);
            await().atMost(WAIT).until(() -> !receiver.received().isEmpty());
            WebhookReceiver.Request request = receiver.received().get(0);
            assertThat(request.header("webhook-signature").split(" ")).hasSize(2).allMatch(s -> s.startsWith("v1,"));
            verify(newSecret, request);
            verify(oldSecret, request);
            given().auth().oauth2(Tokens.admin()).get("/api/v1/webhooks/{id}", id).then().statusCode(200)
                    .body("previousSecretValidUntil", startsWith("20"));
            delete(id);
        }
    }

    /**
     * Two rotations at once are one after the other: each secret they answer still signs afterwards
     * (the later one as the current secret, the earlier beside it). Until 2026-12-05 each read the
     * secret before both and kept that one as the previous secret, so one caller was handed a
     * secret that never signed anything.
     */
    @Test
    void twoRotationsAtOnceBothAnswerASecretThatSigns() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            String id = register(receiver.url(), "points.earned").path("webhookId");
            java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(2);
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
            List<java.util.concurrent.Future<String>> rotated = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    rotated.add(pool.submit(() -> {
                        start.countDown();
                        start.await();
                        return given().auth().oauth2(Tokens.admin()).contentType("application/json").body("{}")
                                .post("/api/v1/webhooks/{id}/rotate-secret", id).then().statusCode(200)
                                .extract().<String>path("secret");
                    }));
                }
                CloudEvent earned = TestEvents.earned("m-wh-rot2-" + UUID.randomUUID(), 4);
                List<String> secrets = List.of(rotated.get(0).get(), rotated.get(1).get());
                TestEvents.publish(Topics.POINTS_LEDGER, earned);
                await().atMost(WAIT).until(() -> !receiver.received().isEmpty());
                WebhookReceiver.Request request = receiver.received().get(0);
                assertThat(request.header("webhook-signature").split(" ")).hasSize(2);
                for (String secret : secrets) {
                    verify(secret, request);
                }
            } finally {
                pool.shutdownNow();
                delete(id);
            }
        }
    }

    @Test
    void anIdempotencyKeyAnswersTheSameEndpointAndSecretAndRefusesAnotherRequest() {
        String key = "wh-" + UUID.randomUUID();
        Map<String, Object> body = Map.of("url", "http://127.0.0.1:9/first", "eventTypes", List.of("points.expired"));
        Response first = given().auth().oauth2(Tokens.admin()).contentType("application/json").header("Idempotency-Key", key)
                .body(body).post("/api/v1/webhooks").then().statusCode(201).extract().response();
        given().auth().oauth2(Tokens.admin()).contentType("application/json").header("Idempotency-Key", key)
                .body(body).post("/api/v1/webhooks").then().statusCode(201)
                .header("Idempotent-Replayed", "true")
                .body("webhookId", equalTo(first.path("webhookId")))
                .body("secret", equalTo(first.path("secret")));
        given().auth().oauth2(Tokens.admin()).contentType("application/json").header("Idempotency-Key", key)
                .body(Map.of("url", "http://127.0.0.1:9/second", "eventTypes", List.of("points.expired")))
                .post("/api/v1/webhooks").then().statusCode(409).body("code", equalTo("IDEMPOTENCY_KEY_REUSED"));
        delete(first.path("webhookId"));
    }

    @Test
    void metadataAddressesAreRefusedEvenWherePrivateNetworksAreAllowed() {
        for (String url : List.of("http://169.254.169.254/latest/meta-data", "http://[fd00:ec2::254]/",
                "http://100.100.100.200/")) {
            given().auth().oauth2(Tokens.admin()).contentType("application/json")
                    .body(Map.of("url", url, "eventTypes", List.of("points.earned")))
                    .post("/api/v1/webhooks").then().statusCode(422).contentType("application/problem+json")
                    .body("code", equalTo("URL_NOT_ALLOWED"));
        }
    }

    /** Deliveries of the endpoint tried at least once. */
    private long attempted(String endpointId) throws Exception {
        return count("select count(*) from webhook_delivery where endpoint_id = ? and attempts > 0", endpointId);
    }

    private String sealedSecrets(String endpointId) throws Exception {
        try (Connection c = connect(); var s = c.prepareStatement(
                "select encode(secret_sealed, 'escape') || encode(secret_sealed, 'base64') from webhook_endpoint where endpoint_id = ?")) {
            s.setString(1, endpointId);
            try (var rows = s.executeQuery()) {
                rows.next();
                return rows.getString(1);
            }
        }
    }

    long count(String sql, String parameter) throws Exception {
        try (Connection c = connect(); var s = c.prepareStatement(sql)) {
            s.setString(1, parameter);
            try (var rows = s.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private Connection connect() throws Exception {
        return DriverManager.getConnection(LocalPostgres.jdbcUrl(database), LocalPostgres.USER, LocalPostgres.PASSWORD);
    }
}
