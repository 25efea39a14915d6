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
import io.pointsplatform.kit.Fingerprints;
import io.pointsplatform.testing.LocalPostgres;
import io.pointsplatform.testing.PlatformTestResource;
import io.pointsplatform.testing.TestEvents;
import io.pointsplatform.testing.Tokens;
import io.pointsplatform.testing.WebhookReceiver;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.net.URI;
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

    @ConfigProperty(name = "points.webhooks.request-timeout")
    Duration requestTimeout;

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

    /**
     * An event id no header carries as it is (not ASCII, a control character, longer than 255
     * characters) is sent as {@code evt_} + the hex SHA-256 of the id, signed as sent; the body keeps
     * the id as written. Until 2026-12-07 the HTTP client refused every attempt for the retry window
     * (24 h) and the member's later events waited behind it.
     */
    @Test
    void anEventIdNoHeaderCarriesIsSentAsItsDigestSignedAsSent() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            Response created = register(receiver.url(), "points.earned");
            String id = created.path("webhookId");
            String secret = created.path("secret");
            try {
                String memberId = "m-wh-id-" + UUID.randomUUID();
                List<CloudEvent> events = new ArrayList<>();
                for (String eventId : List.of("订单-1-" + UUID.randomUUID(), "evt\u0001-" + UUID.randomUUID(),
                        "e-" + "x".repeat(300) + UUID.randomUUID())) {
                    CloudEvent earned = TestEvents.earned(memberId, 1);
                    events.add(CloudEvent.of(eventId, earned.source(), earned.subject(), earned.time(), earned.data()));
                }
                CloudEvent later = TestEvents.earned(memberId, 2);
                events.add(later);
                events.forEach(event -> TestEvents.publish(Topics.POINTS_LEDGER, event));

                await().atMost(WAIT).until(() -> receiver.received().size() >= events.size());
                List<WebhookReceiver.Request> got = receiver.received();
                assertThat(got).extracting(r -> r.header("webhook-id")).containsExactly(
                        "evt_" + Fingerprints.sha256(events.get(0).id()), "evt_" + Fingerprints.sha256(events.get(1).id()),
                        "evt_" + Fingerprints.sha256(events.get(2).id()), later.id());
                for (int i = 0; i < got.size(); i++) {
                    assertThat(got.get(i).body()).isEqualTo(CODEC.write(events.get(i)));
                    verify(secret, got.get(i));
                }
                assertThat(receiver.calls()).as("each delivered at its first attempt").isEqualTo(events.size());
            } finally {
                delete(id);
            }
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

    /**
     * A receiver that answers 200 with a huge Content-Length and then sends nothing: the request's
     * own timeout stops at the headers, so until 2026-12-06 such an attempt never ended (no outcome,
     * the delivery leased again and again, the endpoint's places used up). Now the whole exchange has
     * one deadline: the attempt fails within about request-timeout, the connection is dropped, the
     * delivery is tried again later, and another endpoint's deliveries go on meanwhile.
     */
    @Test
    void aReceiverThatSendsHeadersThenStallsFailsTheAttemptWithinTheTimeout() throws Exception {
        try (RawReceiver stalling = RawReceiver.stalling(); WebhookReceiver healthy = new WebhookReceiver()) {
            String stallingId = register(stalling.url(), "points.earned").path("webhookId");
            String healthyId = register(healthy.url(), "points.earned").path("webhookId");
            try {
                CloudEvent earned = TestEvents.earned("m-wh-stall-" + UUID.randomUUID(), 7);
                TestEvents.publish(Topics.POINTS_LEDGER, earned);

                await().atMost(WAIT).until(() -> count("select count(*) from webhook_delivery where endpoint_id = ?"
                        + " and attempts > 0 and last_status is null and status = 'PENDING'"
                        + " and last_error like 'no complete answer within%'", stallingId) == 1);
                await().atMost(WAIT).until(() -> !stalling.dropped().isEmpty());
                Duration held = stalling.dropped().get(0);
                assertThat(held).isLessThan(requestTimeout.plusSeconds(3)).isGreaterThan(requestTimeout.minusMillis(500));
                // Tried again after its wait, as any failure.
                await().atMost(WAIT).until(() -> stalling.accepted() >= 2);

                await().atMost(WAIT).until(() -> healthy.received().size() >= 1);
                CloudEvent later = TestEvents.earned("m-wh-stall-" + UUID.randomUUID(), 8);
                TestEvents.publish(Topics.POINTS_LEDGER, later);
                await().atMost(WAIT).until(() -> healthy.received().stream()
                        .anyMatch(r -> later.id().equals(r.header("webhook-id"))));
            } finally {
                delete(stallingId);
                delete(healthyId);
            }
        }
    }

    /**
     * A member's opt-outs on the webhook channel: events of the kinds opted out of (or of every kind,
     * *) are not delivered for that member; events of types that are no notice kind (a hold) are no
     * kind a preference names and are delivered still; other members' events are delivered. Until
     * 2026-12-06 webhook opt-outs were stored but never applied.
     */
    @Test
    void aMembersWebhookOptOutsKeepItsEventsOfThoseKindsFromEndpoints() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            String id = register(receiver.url(), "points.earned", "points.adjusted", "points.reserved").path("webhookId");
            try {
                String some = "m-wh-opt-some-" + UUID.randomUUID();
                String every = "m-wh-opt-every-" + UUID.randomUUID();
                String none = "m-wh-opt-none-" + UUID.randomUUID();
                optOut(some, "{\"channel\":\"webhook\",\"kind\":\"points.earned\"}");
                optOut(every, "{\"channel\":\"webhook\",\"kind\":\"*\"}");
                CloudEvent someEarned = TestEvents.earned(some, 1);
                String lotId = "lot-adj-" + UUID.randomUUID();
                CloudEvent someAdjusted = CloudEvent.of("points.adjusted:" + lotId, "/ledger-service", some, Instant.now(),
                        new io.pointsplatform.events.PointsAdjusted(some, lotId, 4, lotId,
                                Instant.now().plus(Duration.ofDays(365)), null, "goodwill", "admin-a", "admin-b"));
                CloudEvent everyEarned = TestEvents.earned(every, 5);
                String everyLot = ((io.pointsplatform.events.PointsEarned) everyEarned.data()).lotId();
                CloudEvent everyHold = CloudEvent.of("points.reserved:h-" + UUID.randomUUID(), "/ledger-service", every,
                        Instant.now(), new io.pointsplatform.events.PointsReserved(every, "h-" + UUID.randomUUID(), 2,
                                List.of(new io.pointsplatform.events.Allocation(everyLot, 2)),
                                Instant.now().plusSeconds(600), null));
                CloudEvent noneEarned = TestEvents.earned(none, 6);
                for (CloudEvent e : List.of(someEarned, someAdjusted, everyEarned, everyHold, noneEarned)) {
                    TestEvents.publish(Topics.POINTS_LEDGER, e);
                }
                await().atMost(WAIT).until(() -> receiver.received().size() >= 3);
                // Every event was read (the in-app notices of the opted-out member's are there) ...
                await().atMost(WAIT).until(() -> given().auth().oauth2(Tokens.member(every))
                        .get("/api/v1/members/{m}/notifications", every).then().extract()
                        .<List<String>>path("items.notificationId").size() == 1);
                await().pollDelay(Duration.ofSeconds(1)).atMost(WAIT).until(() -> true);
                // ... and only these were delivered, or ever enqueued.
                assertThat(receiver.received()).extracting(r -> r.header("webhook-id"))
                        .containsExactlyInAnyOrder(someAdjusted.id(), everyHold.id(), noneEarned.id());
                assertThat(count("select count(*) from webhook_delivery where endpoint_id = ?", id)).isEqualTo(3);
            } finally {
                delete(id);
            }
        }
    }

    private static void optOut(String memberId, String... optOuts) {
        given().auth().oauth2(Tokens.member(memberId)).contentType("application/json")
                .body("{\"optOuts\":[" + String.join(",", optOuts) + "]}")
                .put("/api/v1/members/{m}/notification-preferences", memberId).then().statusCode(200);
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

    /**
     * An Idempotency-Key is the caller's own (as service-kit's IdempotencyKeys since 453f5ff): another
     * admin's same key registers an endpoint of its own and learns nothing of the first. And a
     * repeat answers the secret only while it has never been rotated: until 2026-12-06 a repeat after
     * a rotate-secret answered the current secret to whoever repeated the key.
     */
    @Test
    void anIdempotencyKeyIsTheCallersAndARepeatAfterARotationAnswersNoSecret() {
        String key = "wh-scoped-" + UUID.randomUUID();
        Map<String, Object> body = Map.of("url", "http://127.0.0.1:9/scoped", "eventTypes", List.of("points.expired"));
        String alice = Tokens.admin("admin-alice-" + UUID.randomUUID());
        String bob = Tokens.admin("admin-bob-" + UUID.randomUUID());
        Response first = given().auth().oauth2(alice).contentType("application/json").header("Idempotency-Key", key)
                .body(body).post("/api/v1/webhooks").then().statusCode(201).extract().response();
        String id = first.path("webhookId");
        Response others = given().auth().oauth2(bob).contentType("application/json").header("Idempotency-Key", key)
                .body(body).post("/api/v1/webhooks").then().statusCode(201)
                .header("Idempotent-Replayed", org.hamcrest.Matchers.nullValue())
                .body("webhookId", org.hamcrest.Matchers.not(equalTo(id)))
                .body("secret", org.hamcrest.Matchers.not(equalTo(first.path("secret")))).extract().response();
        // Another body under the same key is no 409 for another caller either.
        String othersSecond = given().auth().oauth2(bob).contentType("application/json")
                .header("Idempotency-Key", key + "-2")
                .body(Map.of("url", "http://127.0.0.1:9/other", "eventTypes", List.of("points.expired")))
                .post("/api/v1/webhooks").then().statusCode(201).extract().path("webhookId");
        String ownSecond = given().auth().oauth2(alice).contentType("application/json").header("Idempotency-Key", key + "-2")
                .body(body).post("/api/v1/webhooks").then().statusCode(201)
                .body("webhookId", org.hamcrest.Matchers.not(equalTo(othersSecond))).extract().path("webhookId");

        // Not rotated yet: the repeat answers the secret again.
        given().auth().oauth2(alice).contentType("application/json").header("Idempotency-Key", key)
                .body(body).post("/api/v1/webhooks").then().statusCode(201).header("Idempotent-Replayed", "true")
                .body("webhookId", equalTo(id)).body("secret", equalTo(first.path("secret")));
        String rotated = given().auth().oauth2(Tokens.admin()).contentType("application/json").body("{}")
                .post("/api/v1/webhooks/{id}/rotate-secret", id).then().statusCode(200).extract().path("secret");
        String repeat = given().auth().oauth2(alice).contentType("application/json").header("Idempotency-Key", key)
                .body(body).post("/api/v1/webhooks").then().statusCode(201).header("Idempotent-Replayed", "true")
                .body("webhookId", equalTo(id)).body("url", equalTo("http://127.0.0.1:9/scoped"))
                .body("secret", org.hamcrest.Matchers.nullValue()).extract().asString();
        assertThat(repeat).doesNotContain(rotated.substring(6)).doesNotContain(((String) first.path("secret")).substring(6));

        delete(id);
        delete(ownSecond);
        delete(others.path("webhookId"));
        delete(othersSecond);
    }

    /** A receiver's path or query may hold its own token: an analyst sees the scheme and host only. */
    @Test
    void anAnalystSeesAReceiversHostButNotItsPathOrQuery() {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            String url = receiver.url() + "?token=receiver-secret-123";
            String id = register(url, "points.earned").path("webhookId");
            given().auth().oauth2(Tokens.admin()).get("/api/v1/webhooks/{id}", id).then().statusCode(200)
                    .body("url", equalTo(url));
            String seen = given().auth().oauth2(Tokens.analyst()).get("/api/v1/webhooks/{id}", id).then().statusCode(200)
                    .extract().path("url");
            assertThat(seen).isEqualTo(URI.create(url).getScheme() + "://" + URI.create(url).getRawAuthority() + "/…");
            String page = given().auth().oauth2(Tokens.analyst()).queryParam("limit", 100).get("/api/v1/webhooks").then()
                    .statusCode(200).extract().asString();
            assertThat(page).doesNotContain("receiver-secret-123");
            delete(id);
        }
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
