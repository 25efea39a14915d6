package io.pointsplatform.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * Where the CPU went during a measured window (Linux {@code /proc}): the named processes
 * ({@code --watch name=pid,...}, e.g. the services and Kafka), every {@code postgres} process
 * together, this load generator, and the machine as a whole. Read as CPU milliseconds per
 * operation, it says which process an operation costs most in, on a machine where all of them share
 * two cores.
 */
final class Cpu {

    /** CPU ticks per group and per database at one moment, and the machine's busy and total ticks. */
    record Sample(Map<String, Long> ticks, Map<String, Long> databases, long machineBusy, long machineTotal) {
    }

    private static final double TICK_MILLIS = 10.0; // USER_HZ is 100 on Linux
    private static final String POSTGRES = "postgres";
    private static final String LOAD = "load generator";

    private final Map<String, Long> watched = new LinkedHashMap<>();
    private final long self = ProcessHandle.current().pid();

    /** {@code spec}: "name=pid,name=pid"; empty or null watches only PostgreSQL and this process. */
    Cpu(String spec) {
        if (spec != null && !spec.isBlank()) {
            for (String pair : spec.split(",")) {
                String[] parts = pair.split("=", 2);
                if (parts.length == 2 && !parts[1].isBlank()) {
                    watched.put(parts[0].trim(), Long.parseLong(parts[1].trim()));
                }
            }
        }
    }

    Sample sample() {
        Map<String, Long> ticks = new LinkedHashMap<>();
        watched.forEach((name, pid) -> ticks.put(name, processTicks(Path.of("/proc", pid.toString(), "stat"))));
        long postgres = 0;
        Map<String, Long> databases = new TreeMap<>();
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path process : processes) {
                String stat = read(process.resolve("stat"));
                if (stat != null && stat.contains("(" + POSTGRES + ")")) {
                    long used = ticksOf(stat);
                    postgres += used;
                    databases.merge(database(read(process.resolve("cmdline"))), used, Long::sum);
                }
            }
        } catch (IOException e) {
            // no /proc: nothing to say
        }
        ticks.put(POSTGRES, postgres);
        ticks.put(LOAD, processTicks(Path.of("/proc", Long.toString(self), "stat")));
        long[] machine = machineTicks();
        return new Sample(ticks, databases, machine[0], machine[1]);
    }

    /** The machine's busy and total CPU ticks since boot ({@code /proc/stat}'s first line; idle and iowait are not busy). */
    private static long[] machineTicks() {
        long busy = 0;
        long total = 0;
        String machine = read(Path.of("/proc/stat"));
        if (machine != null) {
            String[] fields = machine.substring(0, machine.indexOf('\n')).trim().split("\\s+");
            for (int i = 1; i < fields.length && i <= 8; i++) {
                long value = Long.parseLong(fields[i]);
                total += value;
                if (i != 4 && i != 5) { // idle and iowait
                    busy += value;
                }
            }
        }
        return new long[] {busy, total};
    }

    /** A backend's title is "postgres: 15/main: user database host(port) state"; the rest are "other". */
    private static String database(String cmdline) {
        if (cmdline == null) {
            return "other";
        }
        String[] words = cmdline.replace('\0', ' ').trim().split("\\s+");
        return words.length >= 6 && words[0].equals("postgres:") && words[4].contains("(") ? words[3] : "other";
    }

    /**
     * One markdown row: CPU ms per operation per group (the watched processes in the order given,
     * then postgres, then the load generator), PostgreSQL's share by database, then how busy the
     * machine was.
     */
    static String row(String scenario, Sample before, Sample after, long operations) {
        StringJoiner cells = new StringJoiner(" | ", "| " + scenario + " | ", " |");
        for (Map.Entry<String, Long> group : after.ticks().entrySet()) {
            long used = group.getValue() - before.ticks().getOrDefault(group.getKey(), 0L);
            cells.add(String.format(Locale.ROOT, "%.3f", operations == 0 ? 0 : used * TICK_MILLIS / operations));
        }
        StringJoiner databases = new StringJoiner(", ");
        for (Map.Entry<String, Long> database : after.databases().entrySet()) {
            long used = database.getValue() - before.databases().getOrDefault(database.getKey(), 0L);
            if (used > 0 && operations > 0) {
                databases.add(String.format(Locale.ROOT, "%s %.3f", database.getKey(), used * TICK_MILLIS / operations));
            }
        }
        cells.add(databases.toString());
        long total = after.machineTotal() - before.machineTotal();
        cells.add(String.format(Locale.ROOT, "%.0f %%",
                total == 0 ? 0 : 100.0 * (after.machineBusy() - before.machineBusy()) / total));
        return cells.toString();
    }

    private static long processTicks(Path stat) {
        String text = read(stat);
        return text == null ? 0 : ticksOf(text);
    }

    /** utime + stime of a /proc/[pid]/stat line (fields 14 and 15; the name may contain spaces). */
    private static long ticksOf(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /**
     * Waits until the machine has been quiet ({@code /proc/stat}: busy below {@code busyBelow}, a
     * fraction, over each half second for {@code stable}), at most {@code atMost}; returns how long it
     * waited. What a scenario's set-up sent (enrolments, credits) is then taken in by every consumer
     * (the member views, notification-service, the live replay) before the clock starts, instead of
     * competing with the measured requests inside their window.
     */
    static Duration awaitQuiet(double busyBelow, Duration stable, Duration atMost) throws InterruptedException {
        long start = System.nanoTime();
        long quietSince = start;
        long[] last = machineTicks();
        while (System.nanoTime() - start < atMost.toNanos()) {
            Thread.sleep(500);
            long[] now = machineTicks();
            long total = now[1] - last[1];
            double busy = total == 0 ? 0 : (double) (now[0] - last[0]) / total;
            last = now;
            if (busy >= busyBelow) {
                quietSince = System.nanoTime();
            } else if (System.nanoTime() - quietSince >= stable.toNanos()) {
                break;
            }
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /**
     * The stack settled before a scenario's clock starts: the machine under 30 % busy for 3 s (the
     * idle stack: 5-15 %), waiting at most 3 minutes; says on stderr how long it waited, {@code after} what.
     */
    static void awaitSettled(String after) throws InterruptedException {
        Duration waited = awaitQuiet(0.30, Duration.ofSeconds(3), Duration.ofMinutes(3));
        System.err.printf(java.util.Locale.ROOT, "waited %.1f s after %s for the stack to settle%n",
                waited.toMillis() / 1e3, after);
    }

    private static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
