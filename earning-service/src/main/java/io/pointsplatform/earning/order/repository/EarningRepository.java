package io.pointsplatform.earning.order.repository;

import io.pointsplatform.events.Tier;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;

/** Earnings per order, first purchases and members' tiers: the earning path's tables. */
@ApplicationScoped
public class EarningRepository {

    /** What the earning path reads before it decides, in one round trip. */
    public record Lookup(String contentHash, String response, Tier tier, boolean purchasedBefore) {
    }

    /** An earning as stored. */
    public record StoredEarning(String orderId, String memberId, String contentHash, long points,
                                BigDecimal eligibleYuan, long proportionalPoints, String response, String linesJson,
                                String bonusesJson) {
    }

    private static final String LOOKUP = """
            select e.content_hash, e.response,
                   (select tier from member_tier where member_id = $2) as tier,
                   (exists (select 1 from first_purchase where member_id = $2)
                    or exists (select 1 from earning where member_id = $2)) as purchased
            from (select 1) one left join earning e on e.order_id = $1""";

    private static final String INSERT = """
            insert into earning (order_id, member_id, content_hash, points, eligible_yuan, proportional,
                                 rule_set_version, response, lines, bonuses)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) on conflict (order_id) do nothing""";

    public Uni<Lookup> lookup(SqlClient client, String orderId, String memberId) {
        return client.preparedQuery(LOOKUP).execute(Tuple.of(orderId, memberId)).map(rows -> {
            Row row = rows.iterator().next();
            String tier = row.getString("tier");
            return new Lookup(row.getString("content_hash"), row.getString("response"),
                    tier == null ? Tier.MEMBER : Tier.valueOf(tier), row.getBoolean("purchased"));
        });
    }

    /** Claims the member's first purchase for this order; false if another order has it. */
    public Uni<Boolean> claimFirstPurchase(SqlConnection connection, String memberId, String orderId) {
        return connection.preparedQuery("insert into first_purchase (member_id, order_id) values ($1, $2)"
                        + " on conflict (member_id) do nothing")
                .execute(Tuple.of(memberId, orderId)).map(rows -> rows.rowCount() == 1);
    }

    /** Records the earning; false if the order already has one (a concurrent duplicate won). */
    public Uni<Boolean> insert(SqlConnection connection, StoredEarning earning, long ruleSetVersion) {
        return connection.preparedQuery(INSERT)
                .execute(Tuple.from(new Object[] {earning.orderId(), earning.memberId(), earning.contentHash(),
                        earning.points(), earning.eligibleYuan(), earning.proportionalPoints(), ruleSetVersion,
                        earning.response(), earning.linesJson(), earning.bonusesJson()}))
                .map(rows -> rows.rowCount() == 1);
    }

    public Uni<Void> saveTier(SqlConnection connection, String memberId, Tier tier) {
        return connection.preparedQuery("insert into member_tier (member_id, tier) values ($1, $2)"
                        + " on conflict (member_id) do update set tier = excluded.tier, updated_at = now()")
                .execute(Tuple.of(memberId, tier.name())).replaceWithVoid();
    }
}
