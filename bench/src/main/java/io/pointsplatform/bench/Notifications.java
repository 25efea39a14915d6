package io.pointsplatform.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import io.pointsplatform.events.Topics;

/**
 * notification-service's figures (issue #21 item 9), read from its own database once the work is
 * done, so that nothing is sampled while it runs: a notice's lag is {@code created_at - occurred_at}
 * (stored minus the event's time), an e-mail's and a webhook's moment is when it was recorded sent.
 *
 * <ul>
 *   <li>{@link #backlog}: credits written to points.ledger while the service is stopped
 *       (deploy/bench/run.sh stops and restarts it), then notices stored per second catching up;</li>
 *   <li>{@link #lagUnderEarnings}: the earning benchmark at full speed, then each of its notices' lag;</li>
 *   <li>{@link #deliveries}: members enrolled with an address and credits for them, with three webhook
 *       endpoints at once: a receiver here that answers at once, one that takes 2 s, one that is down.</li>
 * </ul>
 */
final class Notifications {

    private static final Duration DONE_WITHIN = Duration.ofMinutes(10);

    private final String database;
    private final String user;
    private final String password;

    Notifications(String database, String user, String password) {
        this.database = database;
        this.user = user;
        this.password = password;
    }

    /**
     * Enrols {@code members} members of a new run without an e-mail address, as earning-service would
     * (member.enrolled on members), and waits until notification-service knows them all; answers the run's
     * member prefix. The backlog's credits are then for members it knows, as at a real checkout (an
     * order for a member never enrolled is refused): their e-mails are SKIPPED as the notices are stored.
     */
    String enrol(Properties kafka, int members) throws Exception {
        String run = "bench-n-" + UUID.randomUUID().toString().substring(0, 8);
        try (LedgerLog log = new LedgerLog(kafka)) {
            Instant now = Instant.now();
            for (int i = 0; i < members; i++) {
                String memberId = run + "-m" + i;
                log.send(Topics.MEMBERS, LedgerLog.enrolled(memberId, i % 2 == 0 ? "zh-CN" : "en", now));
            }
            log.flush();
        }
        awaitCount("select count(*) from member_contact where member_id like ?", run + "%", members);
        return run;
    }

    /** Writes {@code events} credits for the {@code members} members of run {@code run} (see {@link #enrol}). */
    static void writeCredits(Properties kafka, String run, long events, int members) {
        long start = System.nanoTime();
        try (LedgerLog log = new LedgerLog(kafka)) {
            Instant now = Instant.now();
            for (long i = 0; i < events; i++) {
                String memberId = run + "-m" + (i % members);
                log.send(LedgerLog.earned(memberId, run + "-lot" + i, 10, now));
            }
            log.flush();
        }
        System.err.printf(Locale.ROOT, "wrote %,d credits in %.1f s%n", events, (System.nanoTime() - start) / 1e9);
    }

    /** Notices of members starting with {@code prefix} stored per second, once {@code expected} are stored. */
    String backlog(String prefix, long expected) throws Exception {
        awaitCount("select count(*) from notification where member_id like ? and kind = 'points.earned'", prefix + "%",
                expected);
        try (Connection c = connect(); PreparedStatement q = c.prepareStatement("""
                select count(*), extract(epoch from max(created_at) - min(created_at)),
                       percentile_cont(0.99) within group (order by extract(epoch from created_at - occurred_at))
                from notification where member_id like ? and kind = 'points.earned'""")) {
            q.setString(1, prefix + "%");
            try (ResultSet r = q.executeQuery()) {
                r.next();
                long stored = r.getLong(1);
                double seconds = Math.max(r.getDouble(2), 0.001);
                return String.format(Locale.ROOT, "| notices stored catching up on a backlog of %,d credits "
                        + "(points.ledger → notification) | %,.0f notices/s | %,d notices in %.1f s |", expected,
                        stored / seconds, stored, seconds);
            }
        }
    }

    /**
     * Each notice's lag (stored minus the event's time) for the members of {@code prefix}, once no more
     * come (the count unchanged for 5 s): p50, p99, max, and p99 over the first and the last third of the
     * window (the lag does not grow if the last is no worse than the first).
     */
    String lag(String prefix) throws Exception {
        awaitStable("select count(*) from notification where member_id like ? and kind = 'points.earned'", prefix + "%");
        try (Connection c = connect(); PreparedStatement q = c.prepareStatement("""
                with n as (select occurred_at, extract(epoch from created_at - occurred_at) as lag
                           from notification where member_id like ? and kind = 'points.earned'),
                     w as (select min(occurred_at) as t0, max(occurred_at) as t1 from n)
                select count(*),
                       percentile_cont(0.5) within group (order by lag),
                       percentile_cont(0.99) within group (order by lag),
                       max(lag),
                       percentile_cont(0.99) within group (order by lag) filter (where occurred_at < t0 + (t1 - t0) / 3),
                       percentile_cont(0.99) within group (order by lag) filter (where occurred_at > t1 - (t1 - t0) / 3)
                from n, w""")) {
            q.setString(1, prefix + "%");
            try (ResultSet r = q.executeQuery()) {
                r.next();
                return String.format(Locale.ROOT, "| notice lag behind the log (stored − event time) while earning "
                        + "runs at full speed, %,d notices | %.2f s p50 | %.2f s p99 | %.2f s max | p99 first third "
                        + "%.2f s, last third %.2f s |", r.getLong(1), r.getDouble(2), r.getDouble(3), r.getDouble(4),
                        r.getDouble(5), r.getDouble(6));
            }
        }
    }

    /**
     * E-mails and webhook deliveries per second, in three runs of {@code members} new members and
     * {@code credits} credits for them: both at once (members with an address, and three webhook
     * endpoints for points.earned: fast, a receiver here; slow, 2 s an answer; down); webhooks alone
     * (members without an address, the same three endpoints); e-mails alone (no endpoint). Answers the
     * rows.
     */
    List<String> deliveries(String earning, String notification, Properties kafka, int members, long credits,
                            String checkoutToken, String adminToken) throws Exception {
        List<String> rows = new ArrayList<>();
        HttpServer fast = receiver(Duration.ZERO);
        HttpServer slow = receiver(Duration.ofSeconds(2));
        int downPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            downPort = probe.getLocalPort();
        }
        List<String> urls = List.of("http://127.0.0.1:" + fast.getAddress().getPort() + "/fast",
                "http://127.0.0.1:" + slow.getAddress().getPort() + "/slow", "http://127.0.0.1:" + downPort + "/down");
        Phase phase = new Phase(earning, notification, kafka, members, credits, checkoutToken, adminToken);
        try {
            rows.addAll(run(phase, "at the same time", true, urls));
            rows.addAll(run(phase, "alone", false, urls));
            rows.addAll(run(phase, "alone", true, List.of()));
        } finally {
            fast.stop(0);
            slow.stop(0);
        }
        return rows;
    }

    /** Where a run of {@link #deliveries} sends its load, and how much. */
    private record Phase(String earning, String notification, Properties kafka, int members, long credits,
                         String checkoutToken, String adminToken) {
    }

    /** One run: e-mails when the members have an address, webhooks when {@code urls} are registered. */
    private List<String> run(Phase phase, String label, boolean addresses, List<String> urls) throws Exception {
        String earning = phase.earning();
        String notification = phase.notification();
        String adminToken = phase.adminToken();
        int members = phase.members();
        long credits = phase.credits();
        String run = "bench-d-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> rows = new ArrayList<>();
        List<String> endpoints = new ArrayList<>();
        try {
            for (String url : urls) {
                Http.Response created = Http.post(notification + "/api/v1/webhooks",
                        "{\"url\":\"" + url + "\",\"eventTypes\":[\"points.earned\"]}", adminToken);
                if (created.status() != 201) {
                    throw new IllegalStateException("registering " + url + ": " + created.status() + " " + created.body());
                }
                endpoints.add(created.body().replaceAll(".*\"webhookId\":\"([^\"]+)\".*", "$1"));
            }
            for (int i = 0; i < members; i++) {
                String memberId = run + "-m" + i;
                Http.Response enrolled = Http.post(earning + "/api/v1/members", "{\"memberId\":\"" + memberId
                        + (addresses ? "\",\"email\":\"" + memberId + "@bench.local" : "") + "\",\"locale\":\""
                        + (i % 2 == 0 ? "zh-CN" : "en") + "\"}", phase.checkoutToken());
                if (enrolled.status() != 201) {
                    throw new IllegalStateException("enrolling " + memberId + ": " + enrolled.status() + " " + enrolled.body());
                }
            }
            // The enrolments (each a welcome notice and a sign-up bonus) go out first, at the pace this
            // generator enrols one member after another; they are not timed. Then the credits are
            // written at once, and the figures are from that moment (the database's clock) to the last
            // one sent: consuming them, storing, enqueueing and sending are all inside.
            if (!urls.isEmpty()) {
                awaitCount(FAST_DELIVERED, run + "%", members);
            }
            awaitCount(EMAILS_SETTLED, run + "%", 2L * members);
            Instant start = databaseNow();
            try (LedgerLog log = new LedgerLog(phase.kafka())) {
                Instant now = Instant.now();
                for (long i = 0; i < credits; i++) {
                    String memberId = run + "-m" + ThreadLocalRandom.current().nextInt(members);
                    log.send(LedgerLog.earned(memberId, run + "-lot" + i, 10, now));
                }
                log.flush();
            }
            if (!urls.isEmpty()) {
                awaitCount(FAST_DELIVERED, run + "%", members + credits);
                rows.add(rate("""
                        select count(*), extract(epoch from max(finished_at) - ?) from webhook_delivery d
                        join webhook_endpoint e using (endpoint_id)
                        where e.url like '%/fast' and d.member_id like ? and d.status = 'DELIVERED' and d.finished_at >= ?""",
                        run, start, "webhook deliveries to a receiver answering at once, %,d credits (from their "
                                + "write to the last sent), beside one taking 2 s and one down, e-mails "
                                + (addresses ? label : "none") + " | %,.0f deliveries/s | %,d in %.1f s |"));
            }
            awaitCount(EMAILS_SETTLED, run + "%", 2L * members + credits);
            if (addresses) {
                rows.add(rate("""
                        select count(*), extract(epoch from max(d.updated_at) - ?) from notice_delivery d
                        join notification n using (notification_id)
                        where n.member_id like ? and d.channel = 'email' and d.status = 'SENT' and d.updated_at >= ?""",
                        run, start, "e-mails handed to the local SMTP server (GreenMail), %,d credits' notices (from "
                                + "their write to the last sent), " + (urls.isEmpty() ? "no webhook endpoint"
                                : "webhooks to the same three receivers " + label) + " | %,.0f e-mails/s | %,d in %.1f s |"));
            }
            if (!urls.isEmpty()) {
                rows.add(slowAndDown(run));
            }
        } finally {
            for (String id : endpoints) {
                Http.delete(notification + "/api/v1/webhooks/" + id, adminToken);
            }
        }
        return rows;
    }

    private static final String FAST_DELIVERED = """
            select count(*) from webhook_delivery d join webhook_endpoint e using (endpoint_id)
            where e.url like '%/fast' and d.member_id like ? and d.status = 'DELIVERED'""";
    /** Every notice of a run's members gets an e-mail delivery: sent, or SKIPPED at once without an address. */
    private static final String EMAILS_SETTLED = """
            select count(*) from notice_delivery d join notification n using (notification_id)
            where n.member_id like ? and d.channel = 'email' and d.status <> 'PENDING'""";

    /** What the slow and the down endpoint got meanwhile: they held only their own places. */
    private String slowAndDown(String run) throws SQLException {
        try (Connection c = connect(); PreparedStatement q = c.prepareStatement("""
                select e.url, count(*) filter (where d.status = 'DELIVERED'), count(*) filter (where d.status = 'PENDING')
                from webhook_delivery d join webhook_endpoint e using (endpoint_id)
                where d.member_id like ? and (e.url like '%/slow' or e.url like '%/down') group by e.url order by e.url""")) {
            q.setString(1, run + "%");
            StringBuilder note = new StringBuilder();
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    note.append(r.getString(1).endsWith("/slow") ? "slow receiver" : "down receiver")
                            .append(String.format(Locale.ROOT, ": %,d delivered, %,d pending; ", r.getLong(2), r.getLong(3)));
                }
            }
            return "| meanwhile (each endpoint at most points.webhooks.max-in-flight-per-endpoint requests under way, 32 by default) | | " + note.toString().trim() + " |";
        }
    }

    /** {@code sql} reads a count and seconds; its parameters are start, the run's prefix, start. */
    private String rate(String sql, String run, Instant start, String format) throws SQLException {
        try (Connection c = connect(); PreparedStatement q = c.prepareStatement(sql)) {
            java.time.OffsetDateTime at = start.atOffset(java.time.ZoneOffset.UTC);
            q.setObject(1, at);
            q.setString(2, run + "%");
            q.setObject(3, at);
            try (ResultSet r = q.executeQuery()) {
                r.next();
                long count = r.getLong(1);
                double seconds = Math.max(r.getDouble(2), 0.001);
                return String.format(Locale.ROOT, "| " + format, count, count / seconds, count, seconds);
            }
        }
    }

    private Instant databaseNow() throws SQLException {
        try (Connection c = connect(); PreparedStatement q = c.prepareStatement("select clock_timestamp()");
             ResultSet r = q.executeQuery()) {
            r.next();
            return r.getObject(1, java.time.OffsetDateTime.class).toInstant();
        }
    }

    private void awaitCount(String sql, String like, long expected) throws Exception {
        long deadline = System.nanoTime() + DONE_WITHIN.toNanos();
        long count = 0;
        try (Connection c = connect(); PreparedStatement q = c.prepareStatement(sql)) {
            q.setString(1, like);
            while (System.nanoTime() < deadline) {
                try (ResultSet r = q.executeQuery()) {
                    r.next();
                    count = r.getLong(1);
                }
                if (count >= expected) {
                    return;
                }
                Thread.sleep(1_000);
            }
        }
        throw new IllegalStateException("only " + count + " of " + expected + " within " + DONE_WITHIN + ": " + sql);
    }

    /** Waits until the count has not changed for 5 s. */
    private void awaitStable(String sql, String like) throws Exception {
        long deadline = System.nanoTime() + DONE_WITHIN.toNanos();
        long last = -1;
        int unchanged = 0;
        try (Connection c = connect(); PreparedStatement q = c.prepareStatement(sql)) {
            q.setString(1, like);
            while (unchanged < 5 && System.nanoTime() < deadline) {
                long count;
                try (ResultSet r = q.executeQuery()) {
                    r.next();
                    count = r.getLong(1);
                }
                unchanged = count == last ? unchanged + 1 : 0;
                last = count;
                Thread.sleep(1_000);
            }
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(database, user, password);
    }

    /** A receiver on loopback answering 204 after {@code delay}. */
    private static HttpServer receiver(Duration delay) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        server.createContext("/", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                if (!delay.isZero()) {
                    Thread.sleep(delay.toMillis());
                }
                exchange.sendResponseHeaders(204, -1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        return server;
    }
}
