package io.pointsplatform.earning.rule.service;

import io.pointsplatform.earning.rule.repository.RuleRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The rule set in force, cached so the checkout path reads no rules from the database. A change made
 * through this instance is seen at once ({@link #reload()}); one made through another instance
 * within {@code points.rules.refresh-ms}, when the version is checked again.
 */
@ApplicationScoped
public class RuleBook {

    private record Cached(RuleSet ruleSet, long checkedAtMs) {
    }

    private final Pool pool;
    private final RuleRepository repository;
    private final long refreshMs;
    private final AtomicReference<Cached> cached = new AtomicReference<>();

    public RuleBook(Pool pool, RuleRepository repository,
                    @ConfigProperty(name = "points.rules.refresh-ms", defaultValue = "1000") long refreshMs) {
        this.pool = pool;
        this.repository = repository;
        this.refreshMs = refreshMs;
    }

    public Uni<RuleSet> current() {
        Cached now = cached.get();
        long nowMs = System.currentTimeMillis();
        if (now != null && nowMs - now.checkedAtMs() < refreshMs) {
            return Uni.createFrom().item(now.ruleSet());
        }
        if (now == null) {
            return reload();
        }
        return repository.version(pool).chain(version -> {
            if (version == now.ruleSet().version()) {
                cached.compareAndSet(now, new Cached(now.ruleSet(), nowMs));
                return Uni.createFrom().item(now.ruleSet());
            }
            return reload();
        });
    }

    public Uni<RuleSet> reload() {
        long nowMs = System.currentTimeMillis();
        return pool.withTransaction(repository::load).invoke(ruleSet -> cached.updateAndGet(
                old -> old != null && old.ruleSet().version() > ruleSet.version() ? old : new Cached(ruleSet, nowMs)));
    }
}
