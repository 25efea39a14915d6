package io.pointsplatform.kit.retry;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one retry policy of the platform's kept retries (a delivery or a saga step that is tried again
 * later, its due time stored): exponential backoff with full jitter. Before the n-th retry the
 * ceiling is {@code min(max, first * 2^(n-1))}, and the wait a random duration from 0 to that
 * ceiling, so that what failed together (a receiver's or a server's outage) does not come back all
 * at once. Retries within one call, where nothing is stored, use SmallRye Fault Tolerance or
 * Mutiny's own backoff instead.
 */
public record Backoff(Duration first, Duration max) {

    public Backoff {
        // At least a millisecond: the waits are whole milliseconds, and a first of less was 0 ms, so
        // every wait was none (until 2026-12-06).
        if (first == null || max == null || first.toMillis() < 1 || max.compareTo(first) < 0) {
            throw new IllegalArgumentException("backoff: first must be at least 1 ms and max at least first, were "
                    + first + " and " + max);
        }
    }

    /** The longest wait before retry number {@code retry} (1 for the first retry, after one failure). */
    public Duration ceiling(int retry) {
        if (retry < 1) {
            throw new IllegalArgumentException("retry counts from 1, was " + retry);
        }
        long firstMs = first.toMillis();
        int shift = Math.min(retry - 1, 62);
        long ceilingMs = shift >= Long.numberOfLeadingZeros(firstMs) - 1 ? Long.MAX_VALUE : firstMs << shift;
        return ceilingMs > max.toMillis() ? max : Duration.ofMillis(ceilingMs);
    }

    /** The wait before retry number {@code retry}: uniformly random from 0 to {@link #ceiling}, to the millisecond. */
    public Duration next(int retry) {
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(ceiling(retry).toMillis() + 1));
    }
}
