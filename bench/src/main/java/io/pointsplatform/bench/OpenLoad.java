package io.pointsplatform.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Recorder;

/**
 * Open-loop load: operations are due at a fixed arrival rate ({@code rate} per second), whatever
 * the system answers, and each latency is measured from the operation's <em>intended</em> send
 * time, so a stall shows as the latency of every operation due during it (no coordinated
 * omission). A dispatcher hands each due operation to a pool of {@code workers} virtual threads
 * (each with its own keep-alive connection); when all are busy the operation waits in a queue and
 * that wait is part of its latency. A warm-up (not recorded) comes first. Every operation due in
 * the window is waited for, so a system that cannot keep up shows in the latencies, and the
 * scenario's name says how long after the window the last one was answered (when over a second).
 * The rate (and the CPU an operation) counts the answers given within the window, whenever they
 * were due: a system that cannot keep up answers fewer than it is sent.
 */
final class OpenLoad {

    private record Due(long sequence, long intendedNanos) {
    }

    private static final Due STOP = new Due(-1, 0);

    private OpenLoad() {
    }

    static Load.Result run(String scenario, double rate, int workers, Duration warmUp, Duration duration, Cpu cpu,
                           Load.Operation operation) throws InterruptedException {
        if (rate <= 0 || workers < 1 || workers > 8192) {
            throw new IllegalArgumentException("rate must be > 0 and workers within 1..8192");
        }
        Recorder recorder = new Recorder(3);
        AtomicLong errors = new AtomicLong();
        AtomicLong lastAnswer = new AtomicLong(Long.MIN_VALUE);
        AtomicLong answeredInWindow = new AtomicLong();
        LinkedBlockingQueue<Due> queue = new LinkedBlockingQueue<>();
        long start = System.nanoTime();
        long recordFrom = start + warmUp.toNanos();
        long end = recordFrom + duration.toNanos();
        List<Thread> pool = new ArrayList<>(workers);
        for (int i = 0; i < workers; i++) {
            pool.add(Thread.ofVirtual().start(() -> {
                try {
                    for (Due due = queue.take(); due != STOP; due = queue.take()) {
                        boolean ok;
                        try {
                            ok = operation.run(due.sequence());
                        } catch (Exception e) {
                            ok = false;
                        }
                        long after = System.nanoTime();
                        if (ok && after >= recordFrom && after < end) {
                            answeredInWindow.incrementAndGet();
                        }
                        if (due.intendedNanos() >= recordFrom) {
                            lastAnswer.accumulateAndGet(after, Math::max);
                            if (ok) {
                                recorder.recordValue(Math.max(1, (after - due.intendedNanos()) / 1000));
                            } else {
                                errors.incrementAndGet();
                            }
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        double intervalNanos = 1e9 / rate;
        Cpu.Sample cpuBefore = null;
        for (long n = 0; ; n++) {
            long intended = start + (long) (n * intervalNanos);
            if (intended >= end) {
                break;
            }
            long wait = intended - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            if (cpuBefore == null && intended >= recordFrom) {
                cpuBefore = cpu.sample();
            }
            queue.add(new Due(n, intended));
        }
        Cpu.Sample cpuAfter = cpu.sample();
        for (int i = 0; i < workers; i++) {
            queue.add(STOP);
        }
        for (Thread thread : pool) {
            thread.join();
        }
        double lateSeconds = (lastAnswer.get() - end) / 1e9;
        String named = lateSeconds > 1 ? String.format(Locale.ROOT,
                "%s; the last answered %.1f s after the window", scenario, lateSeconds) : scenario;
        return new Load.Result(named, answeredInWindow.get(), errors.get(), duration.toNanos() / 1e9,
                recorder.getIntervalHistogram(), cpuBefore == null ? cpu.sample() : cpuBefore, cpuAfter);
    }
}
