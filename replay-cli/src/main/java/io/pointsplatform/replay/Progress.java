package io.pointsplatform.replay;

import java.io.PrintStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Progress on stderr: on a terminal, a bar redrawn four times a second with events/s and what is left
 * to the log's end; otherwise (a pipe, a log file) a plain line every {@code plainSeconds}.
 */
final class Progress implements AutoCloseable {

    private static final int WIDTH = 30;

    private final PrintStream out;
    private final boolean terminal;
    private final Summary summary;
    private final LongSupplier remaining;
    private final long total;
    private final boolean follow;
    private final ScheduledExecutorService timer;
    private long lastRecords;
    private long lastNanos = System.nanoTime();
    private double rate;
    private boolean shown;

    Progress(PrintStream out, boolean terminal, int plainSeconds, Summary summary, LongSupplier remaining, long total,
            boolean follow) {
        this.out = out;
        this.terminal = terminal;
        this.summary = summary;
        this.remaining = remaining;
        this.total = total;
        this.follow = follow;
        timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "replay-progress");
            thread.setDaemon(true);
            return thread;
        });
        long periodMillis = terminal ? 250 : plainSeconds * 1000L;
        timer.scheduleAtFixedRate(this::show, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    private synchronized void show() {
        try {
            long now = System.nanoTime();
            long records = summary.records();
            double instant = (records - lastRecords) / ((now - lastNanos) / 1e9);
            rate = rate == 0 ? instant : 0.7 * rate + 0.3 * instant;
            lastRecords = records;
            lastNanos = now;
            long left = Math.max(0, remaining.getAsLong());
            long written = summary.written();
            String figures = String.format("%,d events%s  %,.0f events/s  lag %,d%s", records,
                    written == records ? "" : String.format(" (%,d written)", written), rate, left,
                    summary.unreadable() > 0 ? String.format("  unreadable %,d", summary.unreadable()) : "");
            if (terminal) {
                String bar;
                if (follow || total == 0) {
                    bar = follow ? "following  " : "";
                } else {
                    double done = Math.max(0.0, Math.min(1.0, 1.0 - (double) left / total));
                    int filled = (int) Math.round(done * WIDTH);
                    bar = "[" + "#".repeat(filled) + "-".repeat(WIDTH - filled) + "] "
                            + String.format("%3.0f%%  ", done * 100);
                }
                out.print("\r" + bar + figures + "   ");
                shown = true;
            } else {
                out.println("replay-cli: " + figures);
            }
            out.flush();
        } catch (RuntimeException e) {
            // A progress line is not worth stopping the replay for, nor the next lines.
            out.println("replay-cli: progress: " + e);
        }
    }

    @Override
    public synchronized void close() {
        timer.shutdownNow();
        if (shown) {
            out.println();
        }
    }
}
