package io.pointsplatform.bench.demo;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The demo's progress: on a terminal one line redrawn in place (phase, a bar, done/total, rate);
 * elsewhere (a log, CI) one plain line when a phase ends.
 */
final class Progress implements AutoCloseable {

    private static final int WIDTH = 30;

    private final PrintStream out;
    private final boolean bar;
    private final ScheduledExecutorService painter;
    private final AtomicLong done = new AtomicLong();
    private volatile String phase = "";
    private volatile long total;
    private volatile long startedNanos;

    Progress(PrintStream out, boolean bar) {
        this.out = out;
        this.bar = bar;
        if (bar) {
            painter = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "demo-progress");
                thread.setDaemon(true);
                return thread;
            });
            painter.scheduleAtFixedRate(this::paint, 200, 200, TimeUnit.MILLISECONDS);
        } else {
            painter = null;
        }
    }

    /** Starts a phase of {@code total} steps. */
    synchronized void start(String name, long steps) {
        phase = name;
        total = steps;
        done.set(0);
        startedNanos = System.nanoTime();
        paint();
    }

    void step() {
        done.incrementAndGet();
    }

    void set(long value) {
        done.set(value);
    }

    /** Ends the phase, with {@code note} after its figures. */
    synchronized void end(String note) {
        double seconds = (System.nanoTime() - startedNanos) / 1e9;
        String line = String.format(Locale.ROOT, "%-22s %6d/%-6d %6.1f s %8.1f/s%s", phase, done.get(), total, seconds,
                done.get() / Math.max(seconds, 1e-3), note.isEmpty() ? "" : "  " + note);
        if (bar) {
            out.print("\r\033[2K");
        }
        out.println(line);
        out.flush();
        phase = "";
    }

    /** A line of its own (above the bar on a terminal). */
    synchronized void say(String line) {
        if (bar) {
            out.print("\r\033[2K");
        }
        out.println(line);
        out.flush();
        paint();
    }

    private synchronized void paint() {
        if (!bar || phase.isEmpty()) {
            return;
        }
        long d = done.get();
        long t = Math.max(total, 1);
        int filled = (int) Math.min(WIDTH, d * WIDTH / t);
        double seconds = (System.nanoTime() - startedNanos) / 1e9;
        out.print(String.format(Locale.ROOT, "\r\033[2K%-22s [%s%s] %d/%d  %.1f/s  %.0f s", phase, "#".repeat(filled),
                ".".repeat(WIDTH - filled), d, total, d / Math.max(seconds, 1e-3), seconds));
        out.flush();
    }

    @Override
    public void close() {
        if (painter != null) {
            painter.shutdownNow();
        }
    }
}
