package io.pointsplatform.system;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One service's packaged app ({@code <service>/target/quarkus-app/quarkus-run.jar}) running as its
 * own process in the prod profile, as {@code deploy/local/up.sh} runs it, with its configuration
 * given as system properties. Its output goes to a log file named in every failure.
 */
final class ServiceProcess implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final String name;
    final int port;
    final Path log;
    private Process process;
    /** Where this start's output begins in the log (a restart appends to it). */
    private long logStart;
    private Path root;
    private Map<String, String> config = Map.of();

    ServiceProcess(String name, int port, Path log) {
        this.name = name;
        this.port = port;
        this.log = log;
    }

    String url() {
        return "http://localhost:" + port;
    }

    void start(Path root, Map<String, String> config) throws IOException {
        this.root = root;
        this.config = Map.copyOf(config);
        Path jar = root.resolve(name).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: package the services first (./mvnw package)");
        }
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-Xmx256m");
        command.add("-XX:+UseSerialGC");
        config.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-Dquarkus.http.port=" + port);
        command.add("-jar");
        command.add(jar.toString());
        Files.createDirectories(log.getParent());
        logStart = Files.exists(log) ? Files.size(log) : 0;
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    /**
     * Waits until {@code /q/health/ready} answers 200 (database and Kafka reachable) and this
     * process has said it listens on its port: a 200 from another process that holds the port must
     * not pass for this one's.
     */
    void awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        HttpRequest ready = HttpRequest.newBuilder(URI.create(url() + "/q/health/ready"))
                .timeout(Duration.ofSeconds(2)).build();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
            }
            try {
                if (HTTP.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200 && listening()) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(name + " not ready after " + READY_TIMEOUT + "; see " + log);
    }

    /** Whether this start's output has Quarkus' "Listening on: http://0.0.0.0:<port>". */
    private boolean listening() throws IOException {
        byte[] all = Files.readAllBytes(log);
        String output = new String(all, (int) Math.min(logStart, all.length), all.length - (int) Math.min(logStart, all.length),
                java.nio.charset.StandardCharsets.UTF_8);
        return output.contains("Listening on: http://0.0.0.0:" + port);
    }

    /** Kills the process at once, as a crash would: no shutdown hooks, nothing flushed. */
    void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Starts it again on the same port and database, with {@code overrides} on top of its configuration. */
    void restart(Map<String, String> overrides) throws IOException, InterruptedException {
        close();
        Map<String, String> changed = new java.util.HashMap<>(config);
        changed.putAll(overrides);
        start(root, changed);
        awaitReady();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }
}
