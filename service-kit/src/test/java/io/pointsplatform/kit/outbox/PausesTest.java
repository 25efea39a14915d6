package io.pointsplatform.kit.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which keys and topics the relay leaves out of a round after their sends failed, and for how long. */
class PausesTest {

    private static final long SECOND = 1_000_000_000L;
    private final Pauses pauses = new Pauses();

    @Test
    void aFailedKeyWaitsLongerEachTimeUntilOneOfItsRowsIsSent() {
        String key = Pauses.key("points.ledger", "m-1");
        pauses.failed("points.ledger", key, 0);
        assertThat(pauses.keys(0)).containsExactly(key);
        assertThat(pauses.keys(SECOND)).as("after its first second").isEmpty();
        pauses.failed("points.ledger", key, SECOND);
        assertThat(pauses.keys(2 * SECOND)).containsExactly(key);
        assertThat(pauses.keys(3 * SECOND)).as("two seconds the second time").isEmpty();
        // A failure while it waits (a later row of the key held back in the same round) adds nothing.
        pauses.failed("points.ledger", key, 3 * SECOND);
        pauses.failed("points.ledger", key, 3 * SECOND + 1);
        assertThat(pauses.keys(6 * SECOND)).containsExactly(key);
        assertThat(pauses.keys(7 * SECOND)).isEmpty();
        pauses.failed("points.ledger", key, 7 * SECOND);
        pauses.sent("points.ledger", key);
        assertThat(pauses.keys(7 * SECOND)).isEmpty();
        assertThat(pauses.topics(7 * SECOND)).isEmpty();
        // Forgotten, so the next failure waits one second again.
        pauses.failed("points.ledger", key, 8 * SECOND);
        assertThat(pauses.keys(9 * SECOND)).isEmpty();
    }

    @Test
    void theBackoffStopsGrowingAtAMinute() {
        String key = Pauses.key("members", "m-1");
        long now = 0;
        for (int i = 0; i < 12; i++) {
            pauses.failed("members", key, now);
            long until = now;
            while (pauses.keys(until).length > 0) {
                until += SECOND / 2;
            }
            assertThat(until - now).isLessThanOrEqualTo(Pauses.MAX.toNanos() + SECOND / 2);
            now = until;
        }
        pauses.failed("members", key, now);
        assertThat(pauses.keys(now + Pauses.MAX.toNanos() - 1)).containsExactly(key);
        assertThat(pauses.keys(now + Pauses.MAX.toNanos())).isEmpty();
    }

    @Test
    void aTopicFailingForManyKeysIsPausedWholeAndFreedByOneSend() {
        for (int m = 0; m <= Pauses.MAX_KEYS_A_TOPIC; m++) {
            pauses.failed("members", Pauses.key("members", "m-" + m), 0);
        }
        assertThat(pauses.topics(0)).containsExactly("members");
        // Its keys stay paused on their own, so that once the topic's pause ends its other rows are read.
        assertThat(pauses.keys(0)).hasSize(Pauses.MAX_KEYS_A_TOPIC + 1);
        assertThat(pauses.topics(Pauses.FIRST.toNanos())).isEmpty();
        assertThat(pauses.keys(Pauses.FIRST.toNanos() - 1)).hasSize(Pauses.MAX_KEYS_A_TOPIC + 1);
        // While the topic waits, its failures add no keys.
        pauses.failed("members", Pauses.key("members", "m-new"), 1);
        assertThat(pauses.keys(1)).doesNotContain(Pauses.key("members", "m-new"));
        pauses.failed("points.ledger", Pauses.key("points.ledger", "m-1"), 0);
        assertThat(pauses.keys(0)).contains(Pauses.key("points.ledger", "m-1"));
        pauses.sent("members", Pauses.key("members", "m-500"));
        assertThat(pauses.topics(0)).isEmpty();
        assertThat(Pauses.key("t", null)).isEqualTo("t\n");
    }
}
