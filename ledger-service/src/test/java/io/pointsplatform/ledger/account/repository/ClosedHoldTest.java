package io.pointsplatform.ledger.account.repository;

import static org.assertj.core.api.Assertions.assertThat;

import io.pointsplatform.ledger.account.repository.AccountStore.ClosedHold;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ClosedHoldTest {

    @Test
    void aHoldHasLapsedAtItsExpiryAndAfterNeverBefore() {
        Instant expiresAt = Instant.parse("2026-12-06T10:00:00Z");
        ClosedHold hold = new ClosedHold("r", expiresAt);
        assertThat(hold.lapsedAt(expiresAt.minusNanos(1000))).isFalse();
        assertThat(hold.lapsedAt(expiresAt)).as("at the expiry itself, as the job's expires_at <= now").isTrue();
        assertThat(hold.lapsedAt(expiresAt.plusSeconds(1))).isTrue();
        assertThat(new ClosedHold(null, null).lapsedAt(expiresAt)).as("no expiry known: open").isFalse();
    }
}
