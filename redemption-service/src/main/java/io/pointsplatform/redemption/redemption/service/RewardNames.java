package io.pointsplatform.redemption.redemption.service;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/**
 * The names catalog's reservations gave rewards lately, so that a redemption catalog refuses (or
 * {@link SoldOut} refuses for it) still names the reward to its member: a refusal answers no
 * reservation, and so no name. In a flash sale most attempts are refused, and each member's notice
 * says "兑换「限量礼品」未成功" rather than the reward's id. Remembered {@link #MEMORY} after the last
 * reservation that named it, per instance, bounded in size; a reward none of this instance's
 * reservations named lately is named by its id, as before.
 */
@ApplicationScoped
public class RewardNames {

    /** How long a name is kept after a reservation last gave it: a renamed reward shows its new name after that at most. */
    static final Duration MEMORY = Duration.ofMinutes(10);

    private final Cache<String, String> names = Caffeine.newBuilder().expireAfterWrite(MEMORY).maximumSize(10_000).build();

    /** A reservation of the reward named it so (nothing when it named none). */
    public void remember(String rewardId, String name) {
        if (name != null && !name.isBlank()) {
            names.put(rewardId, name);
        }
    }

    /** The reward's name as a reservation gave it lately, or null. */
    public String of(String rewardId) {
        return names.getIfPresent(rewardId);
    }
}
