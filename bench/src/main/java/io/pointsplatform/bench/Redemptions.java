package io.pointsplatform.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Redemptions through the whole stack (earning enrols the members, the ledger holds their points,
 * catalog reserves stock, redemption-service runs the saga), driven open-loop:
 *
 * <ul>
 *   <li>{@code redemptions}: a fixed arrival rate over many members and rewards; one operation is
 *       one {@code POST /api/v1/redemptions} answered {@code 201 COMPLETED}, its latency measured
 *       from its intended send time.</li>
 *   <li>{@code flash-sale}: many attempts on one reward of limited stock; each attempt is followed
 *       (polling {@code GET /api/v1/redemptions/{id}} after a 202) until it settles; reports how
 *       many completed (must equal the stock), the settle times, and the stock left.</li>
 * </ul>
 * Every member calls with its own member token, minted here with the local stack's private key
 * ({@code -Dpoints.bench.jwt.private-key=FILE}, PKCS#8 PEM).
 */
final class Redemptions {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, String> options;
    private final String runId = UUID.randomUUID().toString().substring(0, 8);
    private final String earning;
    private final String ledger;
    private final String catalog;
    private final String redemption;
    private final String adminToken;
    private final String checkoutToken;
    private final String serviceToken;
    private final Tokens tokens;
    private String[] memberIds;
    private String[] memberTokens;

    Redemptions(Map<String, String> options, String adminToken, String checkoutToken, String serviceToken) throws Exception {
        this.options = options;
        this.earning = required("earning");
        this.ledger = required("ledger");
        this.catalog = required("catalog");
        this.redemption = required("redemption");
        this.adminToken = adminToken;
        this.checkoutToken = checkoutToken;
        this.serviceToken = serviceToken;
        this.tokens = Tokens.fromSystemProperties();
    }

    /** Enrols {@code count} members (each gets the sign-up bonus) and mints each its member token. */
    void enrolMembers(int count) throws Exception {
        memberIds = new String[count];
        memberTokens = new String[count];
        IntStream.range(0, count).parallel().forEach(i -> {
            memberIds[i] = "bench-" + runId + "-m" + i;
            memberTokens[i] = memberToken(memberIds[i]);
        });
        AtomicLong failed = new AtomicLong();
        OpenLoad.run("enrol", 2_000, 64, Duration.ZERO, Duration.ofNanos(count * 500_000L), new Cpu(null), n -> {
            if (n < count && Http.post(earning + "/api/v1/members", "{\"memberId\":\"" + memberIds[(int) n] + "\"}",
                    checkoutToken).status() / 100 != 2) {
                failed.incrementAndGet();
            }
            return true;
        });
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " enrolments failed");
        }
        // Sign-up bonuses folded in at the ledger before the clock starts (the last enrolled last).
        Bench.awaitAvailable(ledger, memberIds[count - 1], 1);
        Bench.awaitAvailable(ledger, memberIds[0], 1);
    }

    /** Creates a GIFT reward; {@code stock} null is unlimited. */
    String createReward(String name, long pointsCost, Long stock) throws Exception {
        String rewardId = "bench-" + runId + "-" + name;
        String body = "{\"rewardId\":\"" + rewardId + "\",\"name\":\"" + name + "\",\"kind\":\"GIFT\",\"pointsCost\":"
                + pointsCost + ",\"stock\":" + (stock == null ? "null" : stock) + "}";
        Http.Response created = Http.post(catalog + "/api/v1/rewards", body, adminToken);
        if (created.status() != 201 && created.status() != 200) {
            throw new IllegalStateException("cannot create reward " + rewardId + ": " + created.status() + " " + created.body());
        }
        return rewardId;
    }

    /**
     * The steady scenario: redemptions at {@code rate} per second on random rewards, by the members
     * in a shuffled cycle: each member's turn comes once every {@code members / rate} seconds (20 s
     * for 10 000 members at 500/s), as many members each redeeming now and then do. Members drawn at
     * random instead would now and then give one member more than the per-member limit of
     * redemptions (10 a minute by default) by chance alone, answered 429 by design.
     */
    Load.Result steady(double rate, int rewards, Duration warmUp, Duration seconds, Cpu cpu) throws Exception {
        String[] rewardIds = new String[rewards];
        for (int r = 0; r < rewards; r++) {
            rewardIds[r] = createReward("r" + r, 1, null);
        }
        int[] turns = shuffledMembers();
        Map<String, AtomicLong> refusals = new ConcurrentHashMap<>();
        Load.Result result = OpenLoad.run(String.format(Locale.ROOT, "redemptions at %,.0f/s, %,d members, %d rewards (open loop)",
                        rate, memberIds.length, rewards), rate, workers(), warmUp, seconds, cpu, n -> {
            int member = turns[(int) (n % turns.length)];
            String rewardId = rewardIds[ThreadLocalRandom.current().nextInt(rewards)];
            Http.Response answer = redeem(member, rewardId, "s-" + runId + "-" + n);
            String status = answer.status() == 201 ? JSON.readTree(answer.body()).path("status").asText() : "";
            if ("COMPLETED".equals(status)) {
                return true;
            }
            refusals.computeIfAbsent(answer.status() + " " + status + " " + code(answer), k -> new AtomicLong()).incrementAndGet();
            return false;
        });
        if (!refusals.isEmpty()) {
            System.err.println("redemptions not completed: " + refusals);
        }
        return result;
    }

    /**
     * The flash sale: {@code attempts} members (one attempt each) try to redeem one reward of
     * {@code stock} units, at {@code rate} attempts per second; every attempt followed until it
     * settles. Prints one row.
     */
    /** How often a PENDING attempt of the flash sale is looked at again (GET /api/v1/redemptions/{id}). */
    static final Duration POLL_EVERY = Duration.ofMillis(250);

    String flashSale(int attempts, long stock, double rate, Duration settleWithin) throws Exception {
        if (attempts > memberIds.length) {
            throw new IllegalArgumentException("--attempts must not exceed --members");
        }
        String rewardId = createReward("flash", 1, stock);
        Histogram settle = new ConcurrentHistogram(3);
        Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
        AtomicLong unsettled = new AtomicLong();
        long started = System.nanoTime();
        OpenLoad.run("flash sale", rate, workers(), Duration.ZERO, Duration.ofNanos((long) (attempts * 1e9 / rate)),
                new Cpu(null), n -> {
                    long intended = started + (long) (n * 1e9 / rate);
                    long deadline = intended + settleWithin.toNanos();
                    int member = (int) n;
                    Http.Response answer = redeem(member, rewardId, "f-" + runId + "-" + n);
                    String status = answer.status() / 100 == 2 ? JSON.readTree(answer.body()).path("status").asText() : "ERROR " + answer.status();
                    String location = answer.status() == 202 ? JSON.readTree(answer.body()).path("redemptionId").asText() : null;
                    // Polled as an app would, every POLL_EVERY: at 50 ms, the 1 000 sagas pending at once
                    // made 20 000 GETs a second, which took the cores the sagas needed.
                    while ("PENDING".equals(status) && System.nanoTime() < deadline) {
                        Thread.sleep(POLL_EVERY.toMillis());
                        Http.Response polled = Http.get(redemption + "/api/v1/redemptions/" + location, memberTokens[member]);
                        status = polled.status() == 200 ? JSON.readTree(polled.body()).path("status").asText() : "PENDING";
                    }
                    long settledAt = System.nanoTime();
                    if (!"PENDING".equals(status)) {
                        settle.recordValue(Math.max(1, (settledAt - intended) / 1000));
                    }
                    // Late counts too: an attempt queued in this generator (every worker busy) or answered
                    // after its deadline may settle with its first answer, yet not within settleWithin.
                    if ("PENDING".equals(status) || settledAt > deadline) {
                        unsettled.incrementAndGet();
                    }
                    String key = "FAILED".equals(status) ? "FAILED " + code(answer) : status;
                    outcomes.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
                    return true;
                });
        long completed = outcomes.getOrDefault("COMPLETED", new AtomicLong()).get();
        Http.Response reward = Http.get(catalog + "/api/v1/rewards/" + rewardId, serviceToken);
        String stockLeft = reward.status() == 200 ? JSON.readTree(reward.body()).path("stock").asText() : "?";
        return String.format(Locale.ROOT, "| flash sale: %,d attempts at %,.0f/s, one reward, stock %,d | %,d | %,d | %.0f | %.0f | %.0f | %s | %s |",
                attempts, rate, stock, completed, unsettled.get(), settle.getValueAtPercentile(50) / 1000.0,
                settle.getValueAtPercentile(99) / 1000.0, settle.getMaxValue() / 1000.0, stockLeft, outcomes);
    }

    /** Every member's index once, in random order (Fisher-Yates). */
    private int[] shuffledMembers() {
        int[] order = IntStream.range(0, memberIds.length).toArray();
        for (int i = order.length - 1; i > 0; i--) {
            int j = ThreadLocalRandom.current().nextInt(i + 1);
            int kept = order[i];
            order[i] = order[j];
            order[j] = kept;
        }
        return order;
    }

    private Http.Response redeem(int member, String rewardId, String key) throws Exception {
        return Http.post(redemption + "/api/v1/redemptions", "{\"memberId\":\"" + memberIds[member] + "\",\"rewardId\":\""
                + rewardId + "\",\"quantity\":1}", memberTokens[member], key);
    }

    private static String code(Http.Response answer) {
        try {
            return JSON.readTree(answer.body()).path("code").asText("");
        } catch (Exception e) {
            return "";
        }
    }

    private int workers() {
        return Integer.parseInt(options.getOrDefault("workers", "512"));
    }

    private String memberToken(String memberId) {
        return tokens.mint("member", memberId, Duration.ofHours(2));
    }

    private String required(String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("--" + name + " URL is needed");
        }
        return value;
    }
}
