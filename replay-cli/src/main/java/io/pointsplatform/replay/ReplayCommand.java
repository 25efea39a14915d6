package io.pointsplatform.replay;

import io.pointsplatform.events.EventTypes;
import io.pointsplatform.events.Topics;
import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "replay.sh", mixinStandardHelpOptions = true, version = "replay-cli 0.1.0",
        sortOptions = false, usageHelpWidth = 110,
        description = {
            "Replays the points platform's event log (Kafka) from any point into JSON Lines, CSV or the analytics "
                    + "schema in PostgreSQL. Reads by manual assignment: no consumer group, nothing committed to Kafka.",
            "Records it cannot read (not JSON, not a CloudEvent, an unknown type, failing the type's schema, on the "
                    + "wrong topic) are counted, reported at the end (and kept in analytics.unreadable), never fatal.",
            "What the ledger never applies is left out of every format and counted at the end: a points.ledger record "
                    + "on another partition than its member's (a credit is written from its copy the ledger forwarded "
                    + "to the member's partition, any other event not at all), and an event id written before.",
            ""},
        footer = {"", "Examples:",
            "  replay.sh --format jsonl --output ledger.jsonl",
            "  replay.sh --topics points.ledger,members,catalog.rewards,redemptions --format postgres \\",
            "            --output jdbc:postgresql://127.0.0.1:5432/analytics --from saved --follow --name dashboard",
            "  replay.sh --types points.expired --from 2026-11-01 --format csv --output expired-november.csv",
            "Exit status: 0 done, 1 failed (Kafka or PostgreSQL refused), 2 a mistake in the options."})
public final class ReplayCommand implements Callable<Integer> {

    enum Format { jsonl, csv, postgres }

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--topics", split = ",", splitSynopsisLabel = ",", paramLabel = "TOPIC",
            description = {"Topics to replay (any of the contract's: points.ledger, members, catalog.rewards, "
                    + "redemptions, notifications). Default: points.ledger.",
                "e.g. --topics points.ledger,members,catalog.rewards,redemptions"})
    List<String> topics = List.of(Topics.POINTS_LEDGER);

    @Option(names = "--from", paramLabel = "beginning|TIME|saved", defaultValue = "beginning",
            description = {"Where to start: the log's beginning; the first record appended at or after TIME (an "
                    + "ISO-8601 time, in --zone unless it has an offset, or a date meaning its midnight in "
                    + "--zone); or where the replay of the same "
                    + "--name stopped (saved with the rows: --format postgres only; partitions without a saved "
                    + "offset start at the beginning). Default: beginning.",
                "e.g. --from 2026-11-01T00:00:00+08:00, --from 2026-11-01, --from saved"})
    String from;

    @Option(names = "--follow",
            description = {"Keep reading new events as they are appended (until stopped: Ctrl-C or SIGTERM finish or "
                    + "roll back the batch being written). Without it the replay stops at the log's end as it was "
                    + "when it started.", "e.g. --follow"})
    boolean follow;

    @Option(names = "--name", paramLabel = "NAME", defaultValue = "replay-cli",
            description = {"Whose saved offsets to read (--from saved) and write (--format postgres). "
                    + "Default: replay-cli.", "e.g. --name dashboard"})
    String name;

    @Option(names = "--types", split = ",", splitSynopsisLabel = ",", paramLabel = "TYPE",
            description = {"Only events of these CloudEvent types (others are read, counted as filtered, not written).",
                "e.g. --types points.earned,points.spent,points.expired"})
    List<String> types;

    @Option(names = "--members", split = ",", splitSynopsisLabel = ",", paramLabel = "MEMBER",
            description = {"Only events about these members (catalog events, which have none, are left out).",
                "e.g. --members m-1001,m-1002"})
    List<String> members;

    @Option(names = "--format", paramLabel = "jsonl|csv|postgres", defaultValue = "jsonl",
            description = {"jsonl: each CloudEvent as written to the log, one per line. csv: the columns of "
                    + "analytics.events with a header line. postgres: the analytics schema (applied at start) at "
                    + "the JDBC URL given as --output. Default: jsonl.", "e.g. --format csv"})
    Format format;

    @Option(names = "--output", paramLabel = "FILE|-|JDBC-URL", defaultValue = "-",
            description = {"A file to write (replaced), - for stdout (the default), or with --format postgres a "
                    + "JDBC URL.", "e.g. --output ledger.jsonl, --output jdbc:postgresql://127.0.0.1:5432/analytics"})
    String output;

    @Option(names = "--db-user", paramLabel = "USER", defaultValue = "${env:POINTS_DB_USER:-points}",
            description = {"PostgreSQL user (--format postgres). Default: $POINTS_DB_USER, else points.",
                "e.g. --db-user analyst"})
    String dbUser;

    @Option(names = "--db-password", paramLabel = "PASSWORD", defaultValue = "${env:POINTS_DB_PASSWORD:-points}",
            description = {"PostgreSQL password (--format postgres). Default: $POINTS_DB_PASSWORD, else points.",
                "e.g. --db-password \"$ANALYTICS_DB_PASSWORD\""})
    String dbPassword;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
            description = {"Kafka brokers (overrides bootstrap.servers of --kafka-config). Default: localhost:9092 "
                    + "when nothing else says.", "e.g. --bootstrap-servers kafka-1:9093,kafka-2:9093"})
    String bootstrapServers;

    @Option(names = "--kafka-config", paramLabel = "FILE",
            description = {"Kafka client properties for a secured broker (security.protocol, sasl.*, ssl.*, ...), as "
                    + "Kafka's own tools take them.",
                "e.g. --kafka-config deploy/local/.run/kafka/analytics.properties"})
    Path kafkaConfig;

    @Option(names = "--kafka-property", paramLabel = "KEY=VALUE",
            description = {"One Kafka client property, over --kafka-config (repeatable).",
                "e.g. --kafka-property security.protocol=SASL_SSL --kafka-property sasl.mechanism=SCRAM-SHA-512"})
    Map<String, String> kafkaProperties;

    @Option(names = "--zone", paramLabel = "ZONE", defaultValue = "Asia/Shanghai",
            description = {"The programme's time zone: the day an event counts for, and what a --from date means. "
                    + "Default: Asia/Shanghai.", "e.g. --zone UTC"})
    ZoneId zone;

    @Option(names = "--batch", paramLabel = "RECORDS",
            description = {"Records per batch at most (one transaction with its offsets for postgres; one flush for "
                    + "files); a batch is also written when no record came for 200 ms. Default: 50000 for "
                    + "postgres (fewer, larger transactions), 5000 for files (less held in memory).",
                "e.g. --batch 10000"})
    Integer batchRecords;

    @Option(names = "--progress", paramLabel = "auto|bar|lines|none", defaultValue = "auto",
            description = {"Progress on stderr: a bar with events/s and the remaining lag on a terminal, a plain "
                    + "line every 10 s otherwise (auto), or forced. Default: auto.", "e.g. --progress lines"})
    String progress;

    @Option(names = "--stop-after-batches", paramLabel = "N", hidden = true, defaultValue = "0",
            description = "Stop after writing N batches, as a kill would (for tests of resuming).")
    long stopAfterBatches;

    private final PrintStream err;
    private final OutputStream stdout;

    public ReplayCommand() {
        this(System.err, System.out);
    }

    ReplayCommand(PrintStream err, OutputStream stdout) {
        this.err = err;
        this.stdout = stdout;
    }

    /** Set when a signal stopped the replay: the JVM is exiting already, and System.exit would wait for ever. */
    private static volatile boolean signalled;

    public static void main(String[] args) {
        int status = commandLine(new ReplayCommand()).execute(args);
        if (!signalled) {
            System.exit(status);
        }
    }

    /** The command line of {@code command}: a failure is one line on stderr and exit status 1, not a stack trace. */
    static CommandLine commandLine(ReplayCommand command) {
        return new CommandLine(command).setExecutionExceptionHandler((e, line, parsed) -> {
            command.err.println("replay-cli: failed: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 1;
        });
    }

    @Override
    public Integer call() throws Exception {
        Replay.Options options = options();
        Properties kafka = kafkaProperties();
        try (Sink sink = sink()) {
            if (options.start() instanceof Start.At && sink instanceof PostgresSink postgres && !postgres.holdsEvents()) {
                // A debit finds no row of the lot an earlier credit made, a member keeps the tier of
                // no tier.changed: the tables would stay wrong when the earlier events came later.
                throw new ParameterException(spec.commandLine(), "--from " + from + " into an analytics schema"
                        + " that holds no event yet: its lots, tiers and totals are built from the log's beginning;"
                        + " replay --from beginning first (a time replays a range again into a filled schema)");
            }
            Replay replay = new Replay(options, kafka, sink);
            // On SIGTERM or Ctrl-C: stop, and let the batch being written commit (or roll back) and
            // the summary be printed before the JVM exits.
            Thread running = Thread.currentThread();
            Thread hook = new Thread(() -> {
                signalled = true;
                replay.stop();
                try {
                    running.join(60_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "replay-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            Summary summary;
            try {
                summary = replay.run(this::progress);
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // The hook runs now: the replay stops by it.
                }
            }
            err.print(summary.describe());
            err.flush();
        }
        return 0;
    }

    private Replay.Options options() {
        Set<String> typeSet = null;
        if (types != null) {
            typeSet = new LinkedHashSet<>(types);
            for (String type : typeSet) {
                if (EventTypes.find(type).isEmpty()) {
                    throw new ParameterException(spec.commandLine(), "--types: unknown event type '" + type
                            + "' (known: " + String.join(", ", EventTypes.types()) + ")");
                }
            }
        }
        if (members != null && (members.isEmpty() || members.stream().anyMatch(String::isBlank))) {
            // An empty name would filter every event out and end "done" with nothing written.
            throw new ParameterException(spec.commandLine(), "--members takes member ids, comma-separated (was '"
                    + String.join(",", members) + "')");
        }
        Start start;
        try {
            start = Start.parse(from, zone);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (start instanceof Start.Saved && format != Format.postgres) {
            throw new ParameterException(spec.commandLine(), "--from saved: offsets are saved with the rows, by "
                    + "--format postgres only (a file has no place for them)");
        }
        if (format == Format.postgres && (types != null || members != null)) {
            throw new ParameterException(spec.commandLine(), "--types and --members write part of the log: the"
                    + " analytics schema's lots, tiers and totals are built from all of it (use --format jsonl or"
                    + " csv for a part)");
        }
        if (kafkaConfig != null && !Files.isRegularFile(kafkaConfig)) {
            throw new ParameterException(spec.commandLine(), "--kafka-config: no file " + kafkaConfig);
        }
        if (format == Format.postgres && !output.startsWith("jdbc:postgresql:")) {
            throw new ParameterException(spec.commandLine(), "--format postgres needs --output jdbc:postgresql://"
                    + "HOST:PORT/DATABASE (was '" + output + "')");
        }
        if (batchRecords == null) {
            batchRecords = format == Format.postgres ? 50_000 : 5_000;
        }
        if (batchRecords < 1 || batchRecords > 200_000) {
            throw new ParameterException(spec.commandLine(), "--batch must be between 1 and 200000");
        }
        if (!Set.of("auto", "bar", "lines", "none").contains(progress)) {
            throw new ParameterException(spec.commandLine(), "--progress takes auto, bar, lines or none");
        }
        List<String> topicList = new ArrayList<>(new LinkedHashSet<>(topics));
        return new Replay.Options(topicList, start, follow, name, typeSet,
                members == null ? null : Set.copyOf(members), zone, batchRecords, stopAfterBatches);
    }

    private Properties kafkaProperties() throws IOException {
        Properties properties = new Properties();
        properties.put("bootstrap.servers", "localhost:9092");
        // A topic named wrongly is refused ("does not exist"), not made by the broker's auto-creation.
        properties.put("allow.auto.create.topics", "false");
        if (kafkaConfig != null) {
            try (InputStream in = Files.newInputStream(kafkaConfig)) {
                properties.load(in);
            }
        }
        if (kafkaProperties != null) {
            properties.putAll(kafkaProperties);
        }
        if (bootstrapServers != null) {
            properties.put("bootstrap.servers", bootstrapServers);
        }
        return properties;
    }

    private Sink sink() throws Exception {
        return switch (format) {
            case jsonl -> new JsonLinesSink(open());
            case csv -> new CsvSink(open());
            case postgres -> new PostgresSink(output, dbUser, dbPassword, name);
        };
    }

    private OutputStream open() throws IOException {
        if ("-".equals(output)) {
            return new BufferedOutputStream(new NonClosing(stdout), 1 << 16);
        }
        return new BufferedOutputStream(new FileOutputStream(output), 1 << 16);
    }

    private AutoCloseable progress(Replay replay) {
        if ("none".equals(progress)) {
            return () -> { };
        }
        boolean terminal = switch (progress) {
            case "bar" -> true;
            case "lines" -> false;
            default -> onTerminal();
        };
        long total = replay.remaining();
        return new Progress(err, terminal, 10, replay.summary(), replay::remaining, total, follow);
    }

    /**
     * Whether this runs on a terminal: System.console() is null when it does not, up to Java 21; from
     * Java 22 it is there anyway and {@code Console.isTerminal()} (not in 21's API) says.
     */
    static boolean onTerminal() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException before22) {
            return true;
        }
    }

    /** stdout stays open for whoever wrote the command line. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
