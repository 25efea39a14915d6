package io.pointsplatform.ledger.account.repository;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pointsplatform.events.Account;
import io.pointsplatform.events.Origin;
import io.pointsplatform.events.OriginKind;
import io.pointsplatform.events.PointsEarned;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AccountCacheTest {

    private static Account withLots(String memberId, int lots) {
        Account account = new Account(memberId);
        Instant now = Instant.parse("2026-12-01T00:00:00Z");
        for (int i = 0; i < lots; i++) {
            account.apply(new PointsEarned(memberId, "lot-" + i, 1, new Origin(OriginKind.ORDER, "o-" + i), List.of(),
                    now, now.plusSeconds(86_400)));
        }
        return account;
    }

    @Test
    void anAccountIsTakenOnceAndOnlyUnderTheVersionItWasKeptUnder() {
        AccountCache cache = new AccountCache(100, new SimpleMeterRegistry());
        Account account = withLots("m-1", 2);
        cache.put("m-1", 7, account);
        assertThat(cache.version("m-1")).isEqualTo(7L);
        assertThat(cache.take("m-1", 7)).isSameAs(account);
        assertThat(cache.take("m-1", 7)).as("taken already").isNull();
        assertThat(cache.version("m-1")).isNull();

        cache.put("m-1", 8, account);
        assertThat(cache.take("m-1", 9)).as("another version").isNull();
        assertThat(cache.version("m-1")).as("and it is no longer kept").isNull();
    }

    @Test
    void theLeastRecentlyUsedGoWhenTheLotsKeptPassTheLimit() {
        AccountCache cache = new AccountCache(10, new SimpleMeterRegistry());
        cache.put("a", 1, withLots("a", 4));
        cache.put("b", 2, withLots("b", 4));
        assertThat(cache.version("a")).isEqualTo(1L);
        cache.put("c", 3, withLots("c", 4));
        assertThat(cache.version("b")).as("least recently used").isNull();
        assertThat(cache.version("a")).isEqualTo(1L);
        assertThat(cache.version("c")).isEqualTo(3L);
        cache.put("a", 4, withLots("a", 7));
        assertThat(cache.size()).as("4 + 7 lots pass 10: c goes").isEqualTo(1);
        assertThat(cache.version("a")).isEqualTo(4L);

        AccountCache none = new AccountCache(0, new SimpleMeterRegistry());
        none.put("a", 1, withLots("a", 1));
        assertThat(none.version("a")).isNull();
    }
}
