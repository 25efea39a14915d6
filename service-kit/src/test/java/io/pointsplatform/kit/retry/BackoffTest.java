package io.pointsplatform.kit.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofSeconds(10), Duration.ofHours(1));

    @Test
    void theCeilingDoublesFromTheFirstWaitUpToTheMostAndNeverOverflows() {
        assertThat(backoff.ceiling(1)).isEqualTo(Duration.ofSeconds(10));
        assertThat(backoff.ceiling(2)).isEqualTo(Duration.ofSeconds(20));
        assertThat(backoff.ceiling(9)).isEqualTo(Duration.ofSeconds(2560));
        assertThat(backoff.ceiling(10)).isEqualTo(Duration.ofHours(1));
        assertThat(backoff.ceiling(64)).isEqualTo(Duration.ofHours(1));
        assertThat(backoff.ceiling(Integer.MAX_VALUE)).isEqualTo(Duration.ofHours(1));
        Backoff wide = new Backoff(Duration.ofMillis(1), Duration.ofMillis(Long.MAX_VALUE / 2));
        for (int retry = 1; retry < 200; retry++) {
            assertThat(wide.ceiling(retry)).isPositive().isLessThanOrEqualTo(wide.max());
        }
    }

    @Test
    void eachWaitIsWithinItsCeilingAndTheWaitsSpreadOverIt() {
        long below = 0;
        for (int i = 0; i < 2000; i++) {
            Duration wait = backoff.next(3);
            assertThat(wait).isBetween(Duration.ZERO, Duration.ofSeconds(40));
            if (wait.compareTo(Duration.ofSeconds(20)) < 0) {
                below++;
            }
        }
        // Full jitter: about half of the waits in the lower half (binomial, 2 000 draws: 5 sigma is ±112).
        assertThat(below).isBetween(888L, 1112L);
    }

    @Test
    void aPolicyThatCannotWaitIsRefused() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofNanos(999_999), Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> backoff.ceiling(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
