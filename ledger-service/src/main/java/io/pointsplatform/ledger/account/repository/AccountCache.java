package io.pointsplatform.ledger.account.repository;

import io.pointsplatform.events.Account;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Accounts as the ledger last wrote them, each under the version that write gave it (V8), least
 * recently used dropped first when they hold more than {@code points.ledger.account-cache.max-lots}
 * lots in all (0: no cache).
 *
 * <p>Safe because an account is used only under its row lock, and only when the version the lock
 * read is the one it is kept under: a write that rolled back left the committed version, which no
 * kept account has; a write by another instance, a job or a rebuild gave the row a version this
 * cache never saw. Taking an account removes it, so the transaction that folds into it owns it;
 * it is put back only by the save that gives it its new version.
 */
@ApplicationScoped
public class AccountCache {

    private record Kept(long version, Account account, int lots) {
    }

    private final long maxLots;
    private final LinkedHashMap<String, Kept> kept = new LinkedHashMap<>(1024, 0.75f, true);
    private long lots;
    private final Counter hits;
    private final Counter misses;

    public AccountCache(@ConfigProperty(name = "points.ledger.account-cache.max-lots", defaultValue = "1500000") long maxLots,
                        MeterRegistry registry) {
        this.maxLots = maxLots;
        this.hits = Counter.builder("points.ledger.account.cache").tag("result", "hit")
                .description("Locked accounts taken from memory, not read from their snapshot").register(registry);
        this.misses = Counter.builder("points.ledger.account.cache").tag("result", "miss")
                .description("Locked accounts read from their snapshot").register(registry);
        Gauge.builder("points.ledger.account.cache.lots", this, AccountCache::lots)
                .description("Lots of the accounts kept in memory").register(registry);
    }

    private synchronized double lots() {
        return lots;
    }

    /** Counts an account read from its snapshot under the lock, kept in memory or not. */
    public void missed() {
        misses.increment();
    }

    /** The version the member's account is kept under, or null (for tests: {@link #take} compares it itself). */
    synchronized Long version(String memberId) {
        Kept k = kept.get(memberId);
        return k == null ? null : k.version();
    }

    /** Takes the member's account if it is kept under this version; null otherwise (and nothing stays kept). */
    public synchronized Account take(String memberId, long version) {
        Kept k = kept.remove(memberId);
        if (k == null) {
            return null;
        }
        lots -= k.lots();
        if (k.version() != version) {
            return null;
        }
        hits.increment();
        return k.account();
    }

    /** Keeps the account as just written under {@code version}; the caller no longer changes it. */
    public synchronized void put(String memberId, long version, Account account) {
        if (maxLots <= 0) {
            return;
        }
        Kept previous = kept.put(memberId, new Kept(version, account, account.lotCount()));
        if (previous != null) {
            lots -= previous.lots();
        }
        lots += account.lotCount();
        for (Iterator<Map.Entry<String, Kept>> it = kept.entrySet().iterator(); lots > maxLots && it.hasNext(); ) {
            lots -= it.next().getValue().lots();
            it.remove();
        }
    }

    /** Forgets every account (after a rebuild swapped the table in which they were written). */
    public synchronized void clear() {
        kept.clear();
        lots = 0;
    }

    synchronized int size() {
        return kept.size();
    }
}
