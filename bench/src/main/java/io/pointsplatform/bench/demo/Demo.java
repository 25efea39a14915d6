package io.pointsplatform.bench.demo;

import io.pointsplatform.bench.Tokens;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code deploy/local/demo.sh}: a small shop's month on the running local stack, through its
 * public HTTP APIs only (see {@link ShopMonth} for what happens, {@link MonthPlan} for what a seed
 * decides).
 */
@Command(name = "demo.sh", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 110,
        description = {
                "A small shop's month on the running local stack, through its public HTTP APIs: members enrol (with "
                        + "referrals, locale and e-mail), buy over the past --days days (promotional lines, a campaign, a rule), "
                        + "get refunds, pay with points at checkout, redeem every kind of reward, get an adjustment approved by a "
                        + "second admin, and some points expire. Then the ledger's verify, a summary and the dashboard's URL.",
                "",
                "Example: deploy/local/demo.sh --members 50 --days 30 --seed 7", ""},
        footer = {"", "Exit status: 0 done as planned; 1 a call answered what the demo did not expect (its problem body is "
                + "printed); 2 bad options; 3 done, but not as planned (the summary's WARNING lines say what)."})
public final class Demo implements Callable<Integer> {

    @Option(names = "--members", paramLabel = "N", description = "members of the shop (default ${DEFAULT-VALUE})")
    int members = 200;

    @Option(names = "--days", paramLabel = "D", description = "days of the month, before today (default ${DEFAULT-VALUE})")
    int days = 30;

    @Option(names = "--seed", paramLabel = "S", description = "the plan's seed: the same seed, members and days give the "
            + "same month (default: a new one each run, printed)")
    Long seed;

    @Option(names = "--run-id", paramLabel = "ID", description = "prefix of every id the run makes (default demo-<UTC time>); "
            + "a fresh one per run keeps runs apart")
    String runId;

    @Option(names = "--workers", paramLabel = "N", description = "calls in flight at once (default ${DEFAULT-VALUE})")
    int workers = 4;

    @Option(names = "--expiry-lead", paramLabel = "SECONDS", description = "lapsed members' points expire this long after "
            + "their orders are recorded (default ${DEFAULT-VALUE})")
    long expiryLeadSeconds = 75;

    @Option(names = "--expiry-wait", paramLabel = "SECONDS", description = "how long to wait at the end for those points "
            + "to expire (default ${DEFAULT-VALUE})")
    long expiryWaitSeconds = 240;

    @Option(names = "--expiry-months", paramLabel = "M", description = "earning-service's points.expiry-months "
            + "(default ${DEFAULT-VALUE})")
    int expiryMonths = 12;

    @Option(names = "--progress", paramLabel = "bar|plain", description = "a redrawn bar (a terminal) or plain lines "
            + "(default: bar when there is a console)")
    String progress;

    @Option(names = "--earning", paramLabel = "URL", defaultValue = "http://localhost:8081") String earning;
    @Option(names = "--ledger", paramLabel = "URL", defaultValue = "http://localhost:8082") String ledger;
    @Option(names = "--catalog", paramLabel = "URL", defaultValue = "http://localhost:8083") String catalog;
    @Option(names = "--redemption", paramLabel = "URL", defaultValue = "http://localhost:8084") String redemption;
    @Option(names = "--notification", paramLabel = "URL", defaultValue = "http://localhost:8085") String notification;
    @Option(names = "--dashboard", paramLabel = "URL", defaultValue = "http://localhost:8086") String dashboard;

    @Option(names = "--private-key", paramLabel = "FILE", defaultValue = "deploy/local/.run/keys/jwt-private.pem",
            description = "the local stack's JWT signing key, as token.sh uses (default ${DEFAULT-VALUE})")
    Path privateKey;

    @Option(names = "--issuer", defaultValue = "points-local") String issuer;
    @Option(names = "--audience", defaultValue = "points-platform") String audience;

    public static void main(String[] args) {
        // demo.sh passes the stack's URLs, key and --progress first; the caller's options after them win.
        System.exit(new CommandLine(new Demo()).setOverwrittenOptionsAllowed(true).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        long chosenSeed = seed != null ? seed : Math.abs(System.nanoTime() % 1_000_000);
        String run = runId != null ? runId
                : "demo-" + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        MonthPlan plan;
        try {
            plan = MonthPlan.of(chosenSeed, members, days);
            if (workers < 1 || workers > 64) {
                throw new IllegalArgumentException("workers must be within 1..64, was " + workers);
            }
            if (!run.matches("[A-Za-z0-9._:-]{1,24}")) {
                throw new IllegalArgumentException("run-id must be 1-24 letters, digits or ._:-, was " + run);
            }
        } catch (IllegalArgumentException e) {
            System.err.println("demo.sh: " + e.getMessage());
            return 2;
        }
        boolean bar = progress == null ? System.console() != null : "bar".equals(progress);
        ShopMonth.Services services = new ShopMonth.Services(earning, ledger, catalog, redemption, notification);
        Tokens tokens = new Tokens(privateKey, issuer, audience);
        out.printf("Demo run %s: %d members over %d days, seed %d (again: --seed %d --members %d --days %d)%n",
                run, members, days, chosenSeed, chosenSeed, members, days);
        try (Progress progressLine = new Progress(out, bar)) {
            ShopMonth month = new ShopMonth(plan, run, services, tokens, progressLine, workers,
                    Duration.ofSeconds(expiryLeadSeconds), Duration.ofSeconds(expiryWaitSeconds), expiryMonths);
            ShopMonth.Outcome outcome = month.run();
            out.println();
            out.print(outcome.summary());
            String analyst = tokens.mint("analyst", "demo-analyst", Duration.ofHours(12));
            out.println();
            out.println("Dashboard (an analyst token valid for 12 hours):");
            out.println("  " + dashboard + "/#token=" + analyst);
            return outcome.asPlanned() ? 0 : 3;
        } catch (ShopMonth.Unexpected e) {
            out.println();
            System.err.println("demo.sh: stopped: " + e.getMessage());
            return 1;
        }
    }
}
