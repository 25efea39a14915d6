package io.pointsplatform.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pointsplatform.events.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The load generator behind deploy/bench/run.sh. Each command prints markdown rows for
 * docs/benchmarks.md. Commands:
 *
 * <pre>
 *   http-baseline --url U                 GET U in a loop: this client's HTTP ceiling on this machine
 *   holds --ledger U --kafka B --members N  hold 1 point, then capture it; N=1 is one hot member
 *   earnings --earning U --members N [--rate PER_SECOND --connections C (128)]
 *                                         POST /api/v1/earnings, each a new order: closed loop, or
 *                                         open loop at a fixed rate over C connections
 *   ledger-log --kafka B --events N --members M   write a history to points.ledger, read it back
 *   fold --events N --members M           decode and fold that history in process: a rebuild's ceiling
 *   notices-enrol --kafka B --members M --db JDBC      M members enrolled, known to notification; prints their id prefix
 *   notices-write --kafka B --prefix P --events N --members M   N credits on points.ledger for those members
 *   notices-backlog --prefix P --events N --db JDBC  notices stored per second once N are (Notifications)
 *   notification-lag --earning U --members N --db JDBC  the earnings scenario, then its notices' lag
 *   deliveries --earning U --notification U --kafka B --members N --credits C --db JDBC
 *                                         e-mails and webhook deliveries per second, a slow and a down receiver beside
 *   redemptions --earning U --ledger U --catalog U --redemption U --members N --rewards R --rate PER_SECOND
 *                                         POST /api/v1/redemptions open-loop at a fixed rate (Redemptions)
 *   flash-sale (the same URLs) --members N --attempts A --stock S --rate PER_SECOND --settle-seconds T
 *                                         A attempts on one reward of stock S, each followed until settled
 *   options: --seconds S (30) --warmup S (5) --concurrency C (32)
 *            --kafka-config F   Kafka client properties (how to log in; the local stack's operator.properties),
 *                               --kafka B overriding its bootstrap.servers
 *            --watch name=pid,... --cpu-out F   CPU ms per operation per process, appended to F
 * </pre>
 */
public final class Bench {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: Bench http-baseline|holds|earnings|ledger-log|fold [--option value]...");
            System.exit(2);
        }
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Duration seconds = Duration.ofSeconds(Long.parseLong(options.getOrDefault("seconds", "30")));
        Duration warmUp = Duration.ofSeconds(Long.parseLong(options.getOrDefault("warmup", "5")));
        int concurrency = Integer.parseInt(options.getOrDefault("concurrency", "32"));
        switch (args[0]) {
            case "http-baseline" -> print(Load.run("HTTP GET " + options.get("url") + " (baseline)", concurrency, warmUp,
                    seconds, cpu(options), n -> Http.get(options.get("url")).status() == 200), options);
            case "holds" -> holds(options, concurrency, warmUp, seconds);
            case "earnings" -> earnings(options, concurrency, warmUp, seconds);
            case "redemptions" -> {
                Redemptions redemptions = redemptions(options);
                print(redemptions.steady(Double.parseDouble(options.getOrDefault("rate", "500")),
                        Integer.parseInt(options.getOrDefault("rewards", "50")), warmUp, seconds, cpu(options)), options);
            }
            case "flash-sale" -> System.out.println(redemptions(options).flashSale(
                    Integer.parseInt(options.getOrDefault("attempts", "10000")),
                    Long.parseLong(options.getOrDefault("stock", "1000")),
                    Double.parseDouble(options.getOrDefault("rate", "2000")),
                    Duration.ofSeconds(Long.parseLong(options.getOrDefault("settle-seconds", "10")))));
            case "notices-enrol" -> System.out.println(notifications(options).enrol(kafka(options),
                    Integer.parseInt(options.getOrDefault("members", "10000"))));
            case "notices-write" -> Notifications.writeCredits(kafka(options), options.get("prefix"),
                    Long.parseLong(options.getOrDefault("events", "200000")),
                    Integer.parseInt(options.getOrDefault("members", "10000")));
            case "notices-backlog" -> System.out.println(notifications(options).backlog(options.get("prefix"),
                    Long.parseLong(options.getOrDefault("events", "200000"))));
            case "notification-lag" -> {
                String prefix = earnings(options, concurrency, warmUp, seconds);
                System.out.println(notifications(options).lag(prefix));
            }
            case "deliveries" -> notifications(options).deliveries(options.get("earning"), options.get("notification"),
                    kafka(options), Integer.parseInt(options.getOrDefault("members", "2000")),
                    Long.parseLong(options.getOrDefault("credits", "20000")), token("checkout"), token("admin"))
                    .forEach(System.out::println);
            case "ledger-log" -> ledgerLog(options);
            case "ledger-read" -> ledgerRead(options);
            case "fold" -> System.out.printf(Locale.ROOT,
                    "| decode + fold in process, one thread (no Kafka, no database) | %,.0f events/s | %,d events |%n",
                    LedgerLog.decodeAndFold(Long.parseLong(options.getOrDefault("events", "300000")),
                            Integer.parseInt(options.getOrDefault("members", "3000"))),
                    Long.parseLong(options.getOrDefault("events", "300000")));
            default -> {
                System.err.println("unknown command " + args[0]);
                System.exit(2);
            }
        }
    }

    /** Enrolled members with their own tokens, ready for the redemption scenarios. */
    private static Redemptions redemptions(Map<String, String> options) throws Exception {
        Redemptions redemptions = new Redemptions(options, token("admin"), token("checkout"), token("service"));
        redemptions.enrolMembers(Integer.parseInt(options.getOrDefault("members", "10000")));
        // The enrolments' events (a member and a sign-up credit each) are taken in by every consumer
        // of the log before the clock starts.
        Cpu.awaitSettled("the enrolments");
        return redemptions;
    }

    /** The Kafka client settings: --kafka-config's properties file, with --kafka's bootstrap servers. */
    private static Properties kafka(Map<String, String> options) {
        Properties connection = new Properties();
        if (options.containsKey("kafka-config")) {
            try (var in = Files.newInputStream(Path.of(options.get("kafka-config")))) {
                connection.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read --kafka-config " + options.get("kafka-config"), e);
            }
        }
        if (options.containsKey("kafka")) {
            connection.put("bootstrap.servers", options.get("kafka"));
        }
        if (!connection.containsKey("bootstrap.servers")) {
            throw new IllegalArgumentException("--kafka B or --kafka-config F (with bootstrap.servers) is needed");
        }
        return connection;
    }

    /** Hold 1 point and capture it, as a redemption does; one pair is one operation. */
    private static void holds(Map<String, String> options, int concurrency, Duration warmUp, Duration seconds)
            throws Exception {
        String ledger = options.get("ledger");
        String serviceToken = token("service");
        int members = Integer.parseInt(options.getOrDefault("members", "1"));
        String runId = UUID.randomUUID().toString().substring(0, 8);
        String[] memberIds = new String[members];
        long perMember = Math.max(10_000, 4_000_000L / members);
        try (LedgerLog log = new LedgerLog(kafka(options))) {
            Instant now = Instant.now();
            for (int i = 0; i < members; i++) {
                memberIds[i] = "bench-" + runId + "-m" + i;
                // Enrolled first, as every member with points is: notification-service then knows it has
                // no address, and skips its e-mails at once instead of looking for it again and again
                // (work that went on during the next scenario's measured window).
                log.send(Topics.MEMBERS, LedgerLog.enrolled(memberIds[i], "zh-CN", now));
                log.send(LedgerLog.earned(memberIds[i], "bench-" + runId + "-lot" + i, perMember, now));
            }
            log.flush();
        }
        // Every credit folded in before the clock starts.
        for (String memberId : memberIds) {
            awaitAvailable(ledger, memberId, perMember);
        }
        String scenario = members == 1 ? "hold+capture, one hot member" : "hold+capture, " + members + " members";
        print(Load.run(scenario, concurrency, warmUp, seconds, cpu(options), n -> {
            String memberId = memberIds[members == 1 ? 0 : ThreadLocalRandom.current().nextInt(members)];
            String holdId = "h-" + runId + "-" + n;
            String base = ledger + "/api/v1/accounts/" + memberId + "/holds";
            Http.Response hold = Http.post(base, "{\"holdId\":\"" + holdId + "\",\"points\":1,\"ttlSeconds\":600,"
                    + "\"reference\":\"bench\"}", serviceToken);
            if (hold.status() != 201) {
                return false;
            }
            return Http.post(base + "/" + holdId + "/capture", "{}", serviceToken).status() / 100 == 2;
        }), options);
    }

    /** notification-service's database ({@code --db}, with --db-user/--db-password, points/points by default). */
    private static Notifications notifications(Map<String, String> options) {
        return new Notifications(options.getOrDefault("db", "jdbc:postgresql://127.0.0.1:5432/notification"),
                options.getOrDefault("db-user", "points"), options.getOrDefault("db-password", "points"));
    }

    /** Runs the earning scenario and prints its row; answers its members' id prefix. */
    private static String earnings(Map<String, String> options, int concurrency, Duration warmUp, Duration seconds)
            throws Exception {
        String earning = options.get("earning");
        String checkoutToken = token("checkout");
        int members = Integer.parseInt(options.getOrDefault("members", "1000"));
        String runId = UUID.randomUUID().toString().substring(0, 8);
        String[] memberIds = new String[members];
        for (int i = 0; i < members; i++) {
            memberIds[i] = "bench-" + runId + "-m" + i;
            Http.post(earning + "/api/v1/members", "{\"memberId\":\"" + memberIds[i] + "\"}", checkoutToken);
        }
        Load.Operation order = n -> {
            String memberId = memberIds[ThreadLocalRandom.current().nextInt(members)];
            String body = "{\"orderId\":\"o-" + runId + "-" + n + "\",\"memberId\":\"" + memberId + "\","
                    + "\"purchasedAt\":\"" + Instant.now() + "\",\"currency\":\"CNY\",\"lines\":["
                    + "{\"sku\":\"sku-1\",\"category\":\"grocery\",\"quantity\":2,\"unitPrice\":\"39.90\",\"promotional\":false},"
                    + "{\"sku\":\"sku-2\",\"category\":\"drinks\",\"quantity\":1,\"unitPrice\":\"25.50\",\"promotional\":false}]}";
            return Http.post(earning + "/api/v1/earnings", body, checkoutToken).status() == 201;
        };
        String scenario = "earning per order, " + members + " members";
        // --rate: open loop at that arrival rate, each latency from its order's intended send time
        // (the p99 target's reading); without it, closed loop: the most the stack serves.
        double rate = Double.parseDouble(options.getOrDefault("rate", "0"));
        int connections = Integer.parseInt(options.getOrDefault("connections", "128"));
        if (rate > 0) {
            // What the scenario before left behind (the consumers of points.ledger catching up on a
            // closed-loop run's credits) is taken in before the clock starts, as for the redemptions.
            Cpu.awaitSettled("the enrolments and the scenario before");
        }
        print(rate > 0
                ? OpenLoad.run(String.format(Locale.ROOT, "%s, open loop at %,.0f/s, %d connections", scenario, rate,
                        connections), rate, connections, warmUp, seconds, cpu(options), order)
                : Load.run(scenario + ", closed loop, concurrency " + concurrency, concurrency, warmUp, seconds,
                        cpu(options), order), options);
        return "bench-" + runId + "-m";
    }

    private static void ledgerLog(Map<String, String> options) {
        long events = Long.parseLong(options.getOrDefault("events", "1000000"));
        int members = Integer.parseInt(options.getOrDefault("members", "10000"));
        try (LedgerLog log = new LedgerLog(kafka(options))) {
            double produced = log.writeHistory(UUID.randomUUID().toString().substring(0, 8), events, members);
            long[] count = new long[1];
            double consumed = log.readAll(count);
            System.out.printf(Locale.ROOT, "| raw Kafka producer, points.ledger events (acks=all, lz4) | %,.0f events/s | %,d events |%n",
                    produced, events);
            System.out.printf(Locale.ROOT, "| raw Kafka consumer, whole points.ledger from offset 0 | %,.0f events/s | %,d events |%n",
                    consumed, count[0]);
        }
    }

    /** The raw consumer alone, again: for a ratio measured beside the rebuilds rather than before the wait for them. */
    private static void ledgerRead(Map<String, String> options) {
        try (LedgerLog log = new LedgerLog(kafka(options))) {
            long[] count = new long[1];
            double consumed = log.readAll(count);
            System.out.printf(Locale.ROOT, "| raw Kafka consumer, whole points.ledger from offset 0, right after %s | %,.0f events/s | %,d events |%n",
                    options.getOrDefault("after", "the rebuilds"), consumed, count[0]);
        }
    }

    /**
     * The bearer token for ROLE, from {@code -Dpoints.bench.token.ROLE} (deploy/bench/run.sh passes
     * tokens made by deploy/local/token.sh): the load carries a real token on every request, so the
     * figures include its verification.
     */
    private static String token(String role) {
        String token = System.getProperty("points.bench.token." + role);
        if (token == null || token.isBlank()) {
            throw new IllegalStateException("no token for role " + role + ": pass -Dpoints.bench.token." + role
                    + "=$(deploy/local/token.sh " + role + ")");
        }
        return token;
    }

    static void awaitAvailable(String ledger, String memberId, long points) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (System.nanoTime() < deadline) {
            Http.Response account = Http.get(ledger + "/api/v1/accounts/" + memberId, token("service"));
            if (account.status() == 200) {
                JsonNode body = JSON.readTree(account.body());
                if (body.path("available").asLong() >= points) {
                    return;
                }
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(memberId + " was not credited " + points + " at the ledger within 5 minutes");
    }

    /** Prints the result's row; with {@code --cpu-out F}, appends its CPU row to F. */
    private static void print(Load.Result result, Map<String, String> options) throws IOException {
        System.out.println(result.row());
        String cpuOut = options.get("cpu-out");
        if (cpuOut != null) {
            Files.writeString(Path.of(cpuOut), result.cpuRow() + System.lineSeparator(), StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        }
    }

    private static Cpu cpu(Map<String, String> options) {
        return new Cpu(options.get("watch"));
    }
}
