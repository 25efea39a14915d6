package io.pointsplatform.testing;

import io.pointsplatform.events.Topics;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Real servers for a service's tests, without containers: a KRaft Kafka broker inside the test JVM
 * and a fresh PostgreSQL database on the local server (started by {@code deploy/local/postgres.sh}).
 *
 * <p>The broker is shared by every test class of the JVM; the database is made anew for each test
 * resource start (one per Quarkus application start) and dropped at its stop, so no run sees
 * another's rows. Use with {@code @QuarkusTestResource(value = PlatformTestResource.class,
 * initArgs = @ResourceArg(name = "service", value = "ledger"))}.
 */
public class PlatformTestResource implements QuarkusTestResourceLifecycleManager {

    /** Partitions of every topic of the test broker (its {@code num.partitions}; topics are made on first use). */
    public static final int PARTITIONS = 6;

    private static EmbeddedKafkaBroker broker;
    private static KafkaCompanion companion;

    private String service = "svc";
    private boolean jwks;
    private boolean kafka = true;
    private String database;

    @Override
    public void init(Map<String, String> initArgs) {
        service = initArgs.getOrDefault("service", service).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_");
        // "jwt-keys" = "jwks": verify with the test key as a JWK Set file (an IdP's JWKS form), not PEM.
        jwks = "jwks".equals(initArgs.get("jwt-keys"));
        // "kafka" = "none": an application that uses no broker (the analytics dashboard) starts none.
        kafka = !"none".equals(initArgs.get("kafka"));
    }

    @Override
    public Map<String, String> start() {
        database = LocalPostgres.createDatabase(service);

        Map<String, String> config = new HashMap<>();
        if (kafka) {
            config.put("kafka.bootstrap.servers", kafkaBootstrapServers());
        }
        config.put("quarkus.datasource.username", LocalPostgres.USER);
        config.put("quarkus.datasource.password", LocalPostgres.PASSWORD);
        config.put("quarkus.datasource.reactive.url", LocalPostgres.reactiveUrl(database));
        config.put("quarkus.datasource.jdbc.url", LocalPostgres.jdbcUrl(database));
        config.put("points.test.database", database);
        // Bearer tokens: the services verify with this JVM's test key (Tokens) and sign their own
        // service tokens with it; issuer and audience are the platform's defaults.
        config.put("mp.jwt.verify.publickey.location",
                (jwks ? Tokens.jwks() : Tokens.publicKeyPem()).toUri().toString());
        config.put("smallrye.jwt.sign.key.location", Tokens.privateKeyPem().toUri().toString());
        return config;
    }

    @Override
    public void stop() {
        if (database != null) {
            LocalPostgres.dropDatabase(database);
        }
    }

    /** The shared in-JVM broker, started on first use. */
    public static synchronized String kafkaBootstrapServers() {
        if (broker == null) {
            broker = new EmbeddedKafkaBroker()
                    .withNodeId(0)
                    .withDeleteLogDirsOnClose(true)
                    .withAdditionalProperties(p -> {
                        p.put("num.partitions", Integer.toString(PARTITIONS));
                        p.put("auto.create.topics.enable", "true");
                        // As deploy/local/kafka-up.sh: batches up to the outbox relays' 16 MiB.
                        p.put("message.max.bytes", Integer.toString(16 * 1024 * 1024));
                        p.put("offsets.topic.num.partitions", "6");
                        p.put("group.initial.rebalance.delay.ms", "0");
                    })
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> broker.close(), "embedded-kafka-stop"));
            makeTopics(broker.getAdvertisedListeners().replaceAll("[A-Z_]+://", ""));
        }
        // "PLAINTEXT://localhost:port" → "localhost:port", the form every client accepts.
        return broker.getAdvertisedListeners().replaceAll("[A-Z_]+://", "");
    }

    /**
     * The contract's topics and the services' dead-letter topics, made at once with their leaders
     * known, as deploy/local makes them (other topics are still made on first use). A producer whose
     * first records meet a topic being made by auto-creation can be told NOT_LEADER_OR_FOLLOWER, and
     * an idempotent one may then be refused OUT_OF_ORDER_SEQUENCE on every retry until its delivery
     * timeout (2 min): so notification-service's outbox relay stalled on {@code notifications} in a CI
     * run on 2026-12-07, and three reminder tests waited for it in vain.
     */
    private static void makeTopics(String bootstrap) {
        List<String> topics = new ArrayList<>(List.of(Topics.POINTS_LEDGER, Topics.MEMBERS, Topics.CATALOG_REWARDS,
                Topics.REDEMPTIONS, Topics.NOTIFICATIONS));
        for (String service : List.of("catalog-service", "earning-service", "ledger-service", "notification-service",
                "redemption-service")) {
            topics.add(Topics.dlq(Topics.POINTS_LEDGER, service));
        }
        topics.add(Topics.dlq(Topics.MEMBERS, "notification-service"));
        topics.add(Topics.dlq(Topics.REDEMPTIONS, "notification-service"));
        topics.add(Topics.dlq(Topics.NOTIFICATIONS, "ledger-service"));
        // The Admin client itself, not KafkaCompanion's createAndWait: its wait schedules on Mutiny's
        // executor, which a Quarkus application stopped before this start has shut down.
        Map<String, Object> config = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(config)) {
            admin.createTopics(topics.stream().map(t -> new NewTopic(t, PARTITIONS, (short) 1)).toList())
                    .all().get(60, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!led(admin, topics)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the test broker's topics have no leaders after 60 s");
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the test broker's topics were not made", e);
        }
    }

    /** Whether every partition of the topics has a leader (false while the broker does not know them yet). */
    private static boolean led(Admin admin, List<String> topics) throws InterruptedException, TimeoutException {
        try {
            return admin.describeTopics(topics).allTopicNames().get(60, TimeUnit.SECONDS).values().stream()
                    .allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
        } catch (ExecutionException e) {
            return false;
        }
    }

    /** A client of the shared broker for tests: produce records, consume topics, wait for them. */
    public static synchronized KafkaCompanion kafka() {
        if (companion == null) {
            companion = new KafkaCompanion(kafkaBootstrapServers());
        }
        return companion;
    }
}
