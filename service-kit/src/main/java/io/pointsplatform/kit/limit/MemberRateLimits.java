package io.pointsplatform.kit.limit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import io.pointsplatform.kit.problem.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A per-member rate limit on what a member's token may create (issue #20, abuse): redemptions and
 * payments at redemption-service, holds at the ledger. At most {@code points.rate-limit.permits} a
 * {@code points.rate-limit.period} per member and action, a resilience4j limiter per (action,
 * member) kept in a bounded Caffeine cache. Per instance: N instances admit up to N times the limit
 * in all (the catalog's per-member limits and the ledger's balance stay the real bounds; this one
 * stops a runaway client early). Answered {@code 429 RATE_LIMITED} with {@code Retry-After}
 * (ProblemMappers, from the refusal's {@code retryAfterSeconds}).
 */
@ApplicationScoped
public class MemberRateLimits {

    private final RateLimiterConfig config;
    private final Cache<String, RateLimiter> limiters;
    private final boolean enabled;

    public MemberRateLimits(@ConfigProperty(name = "points.rate-limit.permits", defaultValue = "10") int permits,
                            @ConfigProperty(name = "points.rate-limit.period", defaultValue = "1m") Duration period,
                            @ConfigProperty(name = "points.rate-limit.max-members", defaultValue = "100000") long maxMembers,
                            @ConfigProperty(name = "points.rate-limit.enabled", defaultValue = "true") boolean enabled) {
        this.config = RateLimiterConfig.custom().limitForPeriod(permits).limitRefreshPeriod(period)
                .timeoutDuration(Duration.ZERO).build();
        this.limiters = Caffeine.newBuilder().maximumSize(maxMembers).expireAfterAccess(period.multipliedBy(2)).build();
        this.enabled = enabled;
    }

    /** Takes a permit for this member's action, or refuses with {@code 429 RATE_LIMITED} and when to come back. */
    public void acquire(String action, String memberId) {
        if (!enabled) {
            return;
        }
        RateLimiter limiter = limiters.get(action + "\n" + memberId, key -> RateLimiter.of(action, config));
        if (!limiter.acquirePermission()) {
            long nanos = limiter instanceof AtomicRateLimiter atomic
                    ? atomic.getDetailedMetrics().getNanosToWait() : config.getLimitRefreshPeriod().toNanos();
            long seconds = Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
            throw new RateLimited(action, seconds);
        }
    }

    /** 429 with the seconds to wait, for the Retry-After header. */
    public static final class RateLimited extends ApiException {

        RateLimited(String action, long retryAfterSeconds) {
            super(429, "RATE_LIMITED", "Too many requests", "Too many " + action + " for this member; try again in "
                    + retryAfterSeconds + " s", retryAfterSeconds);
        }
    }
}
