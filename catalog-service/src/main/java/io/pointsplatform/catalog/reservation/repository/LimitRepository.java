package io.pointsplatform.catalog.reservation.repository;

import io.pointsplatform.catalog.reward.repository.RewardRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Each member's units of a reward in a limit's period. Raised only by a conditional statement, in the
 * reservation's transaction: two concurrent reservations of one member wait on the same row, and the
 * second sees the first's count, so the limit holds under any concurrency.
 */
@ApplicationScoped
public class LimitRepository {

    /**
     * Counts {@code quantity} more units unless that would pass {@code limit}: false then. Behind the
     * reward's gate (RewardRepository#sharedGate), the reservation's first lock.
     */
    public Uni<Boolean> take(SqlClient c, String memberId, String rewardId, String periodKey, int quantity, int limit) {
        if (quantity > limit) {
            return Uni.createFrom().item(false);
        }
        return c.preparedQuery("insert into member_limit (member_id, reward_id, period_key, used) select $1, $2, $3, $4"
                        + " from " + RewardRepository.sharedGate(2)
                        + " on conflict (member_id, reward_id, period_key) do update set used = member_limit.used + $4"
                        + " where member_limit.used + $4 <= $5")
                .execute(Tuple.of(memberId, rewardId, periodKey, quantity, limit)).map(rows -> rows.rowCount() == 1);
    }

    public Uni<Void> giveBack(SqlClient c, String memberId, String rewardId, String periodKey, int quantity) {
        return c.preparedQuery("update member_limit set used = greatest(used - $4, 0)"
                        + " where member_id = $1 and reward_id = $2 and period_key = $3")
                .execute(Tuple.of(memberId, rewardId, periodKey, quantity)).replaceWithVoid();
    }

    /** Forgets every member's count of a reward (before they are counted again under another period). */
    public Uni<Void> forget(SqlClient c, String rewardId) {
        return c.preparedQuery("delete from member_limit where reward_id = $1").execute(Tuple.of(rewardId))
                .replaceWithVoid();
    }

    /** Records counts of a reward: {@code used} by (member id, period key), after {@link #forget}. */
    public Uni<Void> count(SqlClient c, String rewardId, Map<List<String>, Integer> used) {
        if (used.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<String> members = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        used.forEach((memberAndKey, count) -> {
            members.add(memberAndKey.get(0));
            keys.add(memberAndKey.get(1));
            counts.add(count);
        });
        return c.preparedQuery("insert into member_limit (member_id, reward_id, period_key, used)"
                        + " select m, $2, k, u from unnest($1::text[], $3::text[], $4::int[]) as c(m, k, u)")
                .execute(Tuple.of(members.toArray(String[]::new), rewardId, keys.toArray(String[]::new),
                        counts.toArray(Integer[]::new)))
                .replaceWithVoid();
    }

    /** The member's count per reward and period key, for the rewards named. */
    public Uni<Map<String, Map<String, Integer>>> used(SqlClient c, String memberId, List<String> rewardIds) {
        return c.preparedQuery("select reward_id, period_key, used from member_limit"
                        + " where member_id = $1 and reward_id = any($2)")
                .execute(Tuple.of(memberId, rewardIds.toArray(String[]::new))).map(rows -> {
                    Map<String, Map<String, Integer>> used = new HashMap<>();
                    rows.forEach(row -> used.computeIfAbsent(row.getString("reward_id"), id -> new HashMap<>())
                            .put(row.getString("period_key"), row.getInteger("used")));
                    return used;
                });
    }
}
