package io.pointsplatform.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The local stack's Kafka broker as deploy/local/up.sh makes it: the same script,
 * deploy/local/kafka-up.sh (broker config, SCRAM credentials, the ACLs of
 * deploy/local/kafka/contract.conf), run in a run directory of its own under target/ and on free
 * ports. A fresh broker every time: what an earlier, killed run left there is stopped (by its pid
 * file) and removed; Kafka's jars ({@code kafka-libs/}) are kept, fetched by the script once.
 */
final class LocalBroker implements AutoCloseable {

    private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(4);

    private final Path root;
    private final Path run;
    private final String bootstrap;
    private final Map<String, String> environment;

    private LocalBroker(String name) throws IOException {
        root = Path.of(System.getProperty("points.root", "..")).toAbsolutePath().normalize();
        run = Path.of("target", name).toAbsolutePath();
        int port = Platform.freePort();
        bootstrap = "localhost:" + port;
        environment = Map.of(
                "POINTS_RUN_DIR", run.toString(),
                "POINTS_KAFKA_PORT", String.valueOf(port),
                "POINTS_KAFKA_CONTROLLER_PORT", String.valueOf(Platform.freePort()),
                "KAFKA_HEAP", "384m");
    }

    /** Starts a fresh broker in {@code target/<name>} and waits until kafka-up.sh says it is ready. */
    static LocalBroker start(String name) throws IOException, InterruptedException {
        LocalBroker broker = new LocalBroker(name);
        if (Files.isDirectory(broker.run.resolve("pids"))) {
            broker.script("deploy/local/down.sh");
        }
        for (String stale : List.of("kafka-data", "kafka", "logs", "pids")) {
            deleteTree(broker.run.resolve(stale));
        }
        broker.script("deploy/local/kafka-up.sh");
        return broker;
    }

    String bootstrap() {
        return bootstrap;
    }

    /** The repository's root, where the scripts and the services' sources are. */
    Path root() {
        return root;
    }

    /** The client properties kafka-up.sh wrote for that principal (bootstrap.servers and its SASL settings). */
    Properties client(String principal) throws IOException {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(run.resolve("kafka").resolve(principal + ".properties"))) {
            properties.load(in);
        }
        assertThat(properties.getProperty("bootstrap.servers")).isEqualTo(bootstrap);
        return properties;
    }

    /** That principal's password, as kafka-up.sh generated it. */
    String password(String principal) throws IOException {
        try (Stream<String> lines = Files.lines(run.resolve("kafka/passwords"))) {
            return lines.map(line -> line.split(" ")).filter(words -> words[0].equals(principal))
                    .map(words -> words[1]).findFirst().orElseThrow();
        }
    }

    /**
     * What a service's process needs to reach this broker as itself, as up.sh gives it: the
     * address, SASL_PLAINTEXT, SCRAM and the service's own credentials (so the ACLs apply).
     */
    Map<String, String> serviceConfig(String service) throws IOException {
        Properties client = client(service);
        Map<String, String> config = new java.util.HashMap<>();
        for (String key : List.of("bootstrap.servers", "security.protocol", "sasl.mechanism", "sasl.jaas.config")) {
            String value = client.getProperty(key);
            assertThat(value).as(key + " of " + service).isNotBlank();
            config.put("kafka." + key, value);
            config.put("%prod.kafka." + key, value);
        }
        return config;
    }

    /** Kills the broker's process at once (SIGKILL), as a crash would: nothing flushed, no clean shutdown. */
    void kill() throws IOException, InterruptedException {
        String[] pidFile = Files.readString(run.resolve("pids/kafka.pid")).strip().split("\\s+");
        ProcessHandle broker = ProcessHandle.of(Long.parseLong(pidFile[0]))
                .orElseThrow(() -> new AssertionError("the broker (pid " + pidFile[0] + ") is not running"));
        broker.destroyForcibly();
        broker.onExit().orTimeout(30, TimeUnit.SECONDS).join();
    }

    /** Starts the broker again on the same ports and data, as running kafka-up.sh again does. */
    void restart() throws IOException, InterruptedException {
        script("deploy/local/kafka-up.sh");
    }

    @Override
    public void close() throws IOException, InterruptedException {
        script("deploy/local/down.sh");
    }

    /** Runs a deploy/local script with this broker's run directory and ports; fails with its output. */
    private void script(String path) throws IOException, InterruptedException {
        Files.createDirectories(run);
        Path log = run.resolve(Path.of(path).getFileName() + ".out");
        ProcessBuilder builder = new ProcessBuilder("bash", root.resolve(path).toString())
                .directory(root.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (!process.waitFor(SCRIPT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(path + " did not finish within " + SCRIPT_TIMEOUT + ":\n" + Files.readString(log));
        }
        assertThat(process.exitValue()).as(path + " exit code; its output:\n" + Files.readString(log, StandardCharsets.UTF_8))
                .isZero();
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
