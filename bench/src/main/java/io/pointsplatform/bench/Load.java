package io.pointsplatform.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Closed-loop load: {@code concurrency} virtual threads each run an operation again and again, a
 * warm-up first (not recorded), then {@code duration} recorded. Latencies go to an HdrHistogram
 * in microseconds; a failed operation counts as an error and its latency is not recorded.
 */
final class Load {

    /** One call of the thing measured; returns false for an answer that is not the expected one. */
    @FunctionalInterface
    interface Operation {
        boolean run(long sequence) throws Exception;
    }

    record Result(String scenario, long operations, long errors, double seconds, Histogram latencyMicros,
                  Cpu.Sample cpuBefore, Cpu.Sample cpuAfter) {

        double perSecond() {
            return operations / seconds;
        }

        double millis(double percentile) {
            return latencyMicros.getTotalCount() == 0 ? 0 : latencyMicros.getValueAtPercentile(percentile) / 1000.0;
        }

        String row() {
            return String.format(Locale.ROOT, "| %s | %,.0f | %.2f | %.2f | %.2f | %.2f | %d |", scenario, perSecond(),
                    millis(50), millis(90), millis(99), millis(99.9), errors);
        }

        /** CPU milliseconds per operation per watched process over the recorded window. */
        String cpuRow() {
            return Cpu.row(scenario, cpuBefore, cpuAfter, operations);
        }
    }

    private Load() {
    }

    static Result run(String scenario, int concurrency, Duration warmUp, Duration duration, Cpu cpu,
                      Operation operation) throws InterruptedException {
        if (concurrency < 1 || concurrency > 4096) {
            throw new IllegalArgumentException("concurrency must be within 1..4096, was " + concurrency);
        }
        Recorder recorder = new Recorder(3);
        AtomicLong sequence = new AtomicLong();
        AtomicLong operations = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long start = System.nanoTime();
        long recordFrom = start + warmUp.toNanos();
        long end = recordFrom + duration.toNanos();
        List<Thread> threads = new ArrayList<>(concurrency);
        for (int i = 0; i < concurrency; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                while (true) {
                    long before = System.nanoTime();
                    if (before >= end) {
                        return;
                    }
                    boolean ok;
                    try {
                        ok = operation.run(sequence.getAndIncrement());
                    } catch (Exception e) {
                        ok = false;
                    }
                    long after = System.nanoTime();
                    if (before >= recordFrom && after <= end) {
                        if (ok) {
                            operations.incrementAndGet();
                            recorder.recordValue(Math.max(1, (after - before) / 1000));
                        } else {
                            errors.incrementAndGet();
                        }
                    }
                }
            }));
        }
        sleepUntil(recordFrom);
        Cpu.Sample cpuBefore = cpu.sample();
        sleepUntil(end);
        Cpu.Sample cpuAfter = cpu.sample();
        for (Thread thread : threads) {
            thread.join();
        }
        return new Result(scenario, operations.get(), errors.get(), duration.toNanos() / 1e9,
                recorder.getIntervalHistogram(), cpuBefore, cpuAfter);
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left = nanoTime - System.nanoTime();
        if (left > 0) {
            Thread.sleep(Duration.ofNanos(left));
        }
    }
}
