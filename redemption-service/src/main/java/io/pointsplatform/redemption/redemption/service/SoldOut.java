package io.pointsplatform.redemption.redemption.service;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/**
 * Rewards catalog refused for want of stock a moment ago ({@code points.redemption.sold-out-memory},
 * 100 ms by default; 0 turns it off). A new redemption of such a reward, of at least the quantity
 * refused, is refused {@code OUT_OF_STOCK} without asking catalog again: in a flash sale most attempts
 * come after the last unit went, and each one asked catalog, which cost more of the machine than the
 * sale itself (docs/benchmarks.md, 2026-12-07). Catalog's own refusal is made the same way, from a
 * read of the stock without a lock, so the answer says what was true a moment ago in both cases; a
 * unit that comes back (a reservation released, stock added by an admin) is found by the attempts
 * after the memory lapses. Only a new redemption's first call is answered from here: a saga driven
 * again (a retry, the recovery job) may have a reservation at catalog already, and always asks.
 * Forgotten at once when catalog reserves the reward again. Per instance, bounded in size. The
 * reward's name catalog's refusal gave is kept with it, so that a redemption refused from here is
 * named as one catalog refused.
 */
@ApplicationScoped
public class SoldOut {

    /** The least quantity catalog refused, and the reward's name its refusal gave (null when it gave none). */
    public record Refusal(int least, String rewardName) {
    }

    private final Cache<String, Refusal> refused;

    public SoldOut(SagaSettings settings) {
        Duration memory = settings.soldOutMemory();
        this.refused = memory.isZero() || memory.isNegative() ? null
                : Caffeine.newBuilder().expireAfterWrite(memory).maximumSize(10_000).build();
    }

    /** Catalog's refusal of this reward for this quantity or less within the memory, else null. */
    public Refusal refusal(String rewardId, int quantity) {
        if (refused == null) {
            return null;
        }
        Refusal refusal = refused.getIfPresent(rewardId);
        return refusal != null && quantity >= refusal.least() ? refusal : null;
    }

    /** Catalog refused {@code quantity} of the reward OUT_OF_STOCK, naming it {@code rewardName} (or not). */
    public void remember(String rewardId, int quantity, String rewardName) {
        if (refused != null) {
            refused.asMap().merge(rewardId, new Refusal(quantity, rewardName), (was, now) -> new Refusal(
                    Math.min(was.least(), now.least()), now.rewardName() != null ? now.rewardName() : was.rewardName()));
        }
    }

    /** Catalog reserved the reward: it had stock after all. */
    public void forget(String rewardId) {
        if (refused != null) {
            refused.invalidate(rewardId);
        }
    }
}
