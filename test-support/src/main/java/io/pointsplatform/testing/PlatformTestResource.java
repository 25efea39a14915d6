package io.pointsplatform.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

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

    private static EmbeddedKafkaBroker broker;
    private static KafkaCompanion companion;

    private String service = "svc";
    private String database;

    @Override
    public void init(Map<String, String> initArgs) {
        service = initArgs.getOrDefault("service", service).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_");
    }

    @Override
    public Map<String, String> start() {
        String bootstrap = kafkaBootstrapServers();
        database = "test_" + service + "_" + Long.toString(System.currentTimeMillis(), 36)
                + "_" + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 20), 36);
        execute("create database " + database);

        Map<String, String> config = new HashMap<>();
        config.put("kafka.bootstrap.servers", bootstrap);
        config.put("quarkus.datasource.username", Postgres.USER);
        config.put("quarkus.datasource.password", Postgres.PASSWORD);
        config.put("quarkus.datasource.reactive.url", Postgres.reactiveUrl(database));
        config.put("quarkus.datasource.jdbc.url", Postgres.jdbcUrl(database));
        config.put("points.test.database", database);
        return config;
    }

    @Override
    public void stop() {
        if (database != null) {
            execute("drop database if exists " + database + " with (force)");
        }
    }

    /** The shared in-JVM broker, started on first use. */
    public static synchronized String kafkaBootstrapServers() {
        if (broker == null) {
            broker = new EmbeddedKafkaBroker()
                    .withNodeId(0)
                    .withDeleteLogDirsOnClose(true)
                    .withAdditionalProperties(p -> {
                        p.put("num.partitions", "6");
                        p.put("auto.create.topics.enable", "true");
                        p.put("offsets.topic.num.partitions", "6");
                        p.put("group.initial.rebalance.delay.ms", "0");
                    })
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> broker.close(), "embedded-kafka-stop"));
        }
        // "PLAINTEXT://localhost:port" → "localhost:port", the form every client accepts.
        return broker.getAdvertisedListeners().replaceAll("[A-Z_]+://", "");
    }

    /** A client of the shared broker for tests: produce records, consume topics, wait for them. */
    public static synchronized KafkaCompanion kafka() {
        if (companion == null) {
            companion = new KafkaCompanion(kafkaBootstrapServers());
        }
        return companion;
    }

    private static void execute(String sql) {
        try (Connection c = DriverManager.getConnection(Postgres.jdbcUrl("postgres"), Postgres.USER, Postgres.PASSWORD);
             Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + Postgres.HOST + ":" + Postgres.PORT
                    + " refused '" + sql + "' (run deploy/local/postgres.sh first): " + e.getMessage(), e);
        }
    }

    /** Where the local server is; the same environment variables as the services and scripts. */
    static final class Postgres {
        static final String HOST = env("POINTS_DB_HOST", "127.0.0.1");
        static final String PORT = env("POINTS_DB_PORT", "5432");
        static final String USER = env("POINTS_DB_USER", "points");
        static final String PASSWORD = env("POINTS_DB_PASSWORD", "points");

        static String jdbcUrl(String db) {
            return "jdbc:postgresql://" + HOST + ":" + PORT + "/" + db;
        }

        static String reactiveUrl(String db) {
            return "postgresql://" + HOST + ":" + PORT + "/" + db;
        }

        private static String env(String name, String fallback) {
            String value = System.getenv(name);
            return value == null || value.isBlank() ? fallback : value;
        }
    }
}
