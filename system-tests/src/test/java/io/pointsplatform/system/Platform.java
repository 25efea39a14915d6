package io.pointsplatform.system;

import io.pointsplatform.testing.LocalPostgres;
import io.pointsplatform.testing.PlatformTestResource;
import io.pointsplatform.testing.Tokens;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The platform assembled for a test class: the named services as real processes, each with a
 * fresh database on the local PostgreSQL, all on the shared in-JVM Kafka broker, and each told
 * where the others are ({@code quarkus.rest-client.<short name>.url}, e.g. {@code ledger}).
 */
final class Platform implements AutoCloseable {

    private final Map<String, ServiceProcess> services = new LinkedHashMap<>();
    private final List<String> databases = new ArrayList<>();

    /** Starts {@code names} (e.g. "earning-service") and waits until every one is ready. */
    static Platform start(String... names) throws IOException, InterruptedException {
        return start(Map.of(), names);
    }

    /** The same, with {@code overrides} as "service-name/property" → value, e.g. to hold a relay back. */
    static Platform start(Map<String, String> overrides, String... names) throws IOException, InterruptedException {
        return start(null, overrides, names);
    }

    /**
     * The same on {@code broker} (the local stack's broker, SASL and ACLs on: each service logs in
     * as itself) instead of the shared in-JVM one; null for the shared one.
     */
    static Platform start(LocalBroker broker, Map<String, String> overrides, String... names) throws IOException, InterruptedException {
        Platform platform = new Platform();
        try {
            platform.launch(broker, overrides, names);
            return platform;
        } catch (IOException | InterruptedException | RuntimeException e) {
            platform.close();
            throw e;
        }
    }

    private void launch(LocalBroker broker, Map<String, String> overrides, String... names) throws IOException, InterruptedException {
        Path root = Path.of(System.getProperty("points.root", "..")).toAbsolutePath().normalize();
        Path logs = Path.of(System.getProperty("points.logs", "target/service-logs"));
        String bootstrap = broker == null ? PlatformTestResource.kafkaBootstrapServers() : broker.bootstrap();
        for (String name : names) {
            services.put(name, new ServiceProcess(name, freePort(), logs.resolve(name + "-" + System.nanoTime() + ".log")));
        }
        Map<String, String> common = new HashMap<>();
        common.put("kafka.bootstrap.servers", bootstrap);
        common.put("%prod.kafka.bootstrap.servers", bootstrap);
        common.put("quarkus.datasource.username", LocalPostgres.USER);
        common.put("quarkus.datasource.password", LocalPostgres.PASSWORD);
        // Bearer tokens: every service verifies with the test key; earning signs its service
        // tokens for the ledger with the private half.
        common.put("mp.jwt.verify.publickey.location", Tokens.publicKeyPem().toUri().toString());
        common.put("smallrye.jwt.sign.key.location", Tokens.privateKeyPem().toUri().toString());
        // notification-service seals webhook secrets with this key (a real one comes from the
        // deployment's secrets) and may deliver to receivers on this machine.
        common.put("points.webhooks.secret-key", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
        common.put("points.webhooks.allow-private-networks", "true");
        for (ServiceProcess service : services.values()) {
            common.put("quarkus.rest-client." + shortName(service.name) + ".url", service.url());
        }
        for (ServiceProcess service : services.values()) {
            String database = LocalPostgres.createDatabase("system_" + shortName(service.name));
            databases.add(database);
            Map<String, String> config = new HashMap<>(common);
            config.put("%prod.quarkus.datasource.reactive.url", LocalPostgres.reactiveUrl(database));
            config.put("%prod.quarkus.datasource.jdbc.url", LocalPostgres.jdbcUrl(database));
            if (broker != null) {
                config.putAll(broker.serviceConfig(service.name));
            }
            overrides.forEach((key, value) -> {
                if (key.startsWith(service.name + "/")) {
                    config.put(key.substring(service.name.length() + 1), value);
                }
            });
            service.start(root, config);
        }
        for (ServiceProcess service : services.values()) {
            service.awaitReady();
        }
    }

    ServiceProcess service(String name) {
        ServiceProcess service = services.get(name);
        if (service == null) {
            throw new IllegalArgumentException(name + " was not started; started: " + services.keySet());
        }
        return service;
    }

    String url(String name) {
        return service(name).url();
    }

    private static String shortName(String service) {
        return service.replace("-service", "");
    }

    /** Every port handed out in this JVM: the kernel may offer a port it just gave again, once it is closed. */
    private static final java.util.Set<Integer> HANDED_OUT = new java.util.HashSet<>();

    /**
     * A port free now and not handed out before in this run. The services bind theirs some 20 s
     * later, so two of one platform given the same port (it happened: earning's health check was
     * answered by its sibling on that port, and the test's first call got that sibling's 404) would
     * have one fail to start while the other answers for both.
     */
    /**
     * When a test's order is paid: now, or a day earlier when today is the 1st of a month in the
     * programme's zone (Asia/Shanghai), where earning's default member-day rule adds 50 points, so
     * that a test counting an order's points exactly passes on any day.
     */
    static java.time.Instant paidAtNotOnAMemberDay() {
        java.time.Instant now = java.time.Instant.now();
        return now.atZone(java.time.ZoneId.of("Asia/Shanghai")).getDayOfMonth() == 1
                ? now.minus(java.time.Duration.ofDays(1)) : now;
    }

    static synchronized int freePort() throws IOException {
        while (true) {
            try (ServerSocket socket = new ServerSocket(0)) {
                socket.setReuseAddress(true);
                if (HANDED_OUT.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (ServiceProcess service : services.values()) {
            service.close();
        }
        for (String database : databases) {
            LocalPostgres.dropDatabase(database);
        }
    }
}
