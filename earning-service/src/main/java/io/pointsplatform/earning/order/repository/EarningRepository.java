package io.pointsplatform.earning.order.repository;

import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.EventCodec;
import io.pointsplatform.events.Tier;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Earnings per order, first purchases and members' tiers: the earning path's tables. */
@ApplicationScoped
public class EarningRepository {

    /**
     * What the earning path reads before it decides, in one round trip: the order's earlier
     * earning, the member's tier, whether the member bought before, and whether it was enrolled.
     */
    public record Lookup(String contentHash, String response, Tier tier, boolean purchasedBefore, boolean enrolled) {
    }

    /** An earning as stored. */
    public record StoredEarning(String orderId, String memberId, String contentHash, long points,
                                BigDecimal eligibleYuan, long proportionalPoints, String response, String linesJson,
                                String bonusesJson, String linePointsJson) {
    }

    private static final String LOOKUP = """
            select e.content_hash, e.response,
                   (select tier from member_tier where member_id = $2) as tier,
                   (exists (select 1 from first_purchase where member_id = $2)
                    or exists (select 1 from earning where member_id = $2)) as purchased,
                   exists (select 1 from member where member_id = $2) as enrolled
            from (select 1) one left join earning e on e.order_id = $1""";

    private static final String INSERT = """
            insert into earning (order_id, member_id, content_hash, points, eligible_yuan, proportional,
                                 rule_set_version, response, lines, bonuses, line_points)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) on conflict (order_id) do nothing""";

    /** An earning to record with the credit it sends (null when it earned nothing). */
    public record NewEarning(StoredEarning earning, CloudEvent credit) {
    }

    /*
     * Each order's member is looked up by index, one probe per order (the lateral subquery, kept
     * apart by "offset 0"): written as joins and EXISTS in the select list, the planner hashed the
     * whole of member and member_tier for every batch (0.9 ms a batch at 2 000 members, and growing
     * with them) rather than probe them a few times.
     */
    private static final String LOOKUP_ALL = """
            select o.n, e.content_hash, e.response, m.tier, m.purchased, m.enrolled
            from unnest($1::text[], $2::text[]) with ordinality as o(order_id, member_id, n)
            left join earning e on e.order_id = o.order_id
            cross join lateral (
                select (select t.tier from member_tier t where t.member_id = o.member_id) as tier,
                       (exists (select 1 from first_purchase f where f.member_id = o.member_id)
                        or exists (select 1 from earning p where p.member_id = o.member_id)) as purchased,
                       exists (select 1 from member m where m.member_id = o.member_id) as enrolled
                offset 0) m
            order by o.n""";

    /**
     * Records the earnings and their credits in one statement, in order id order (so two batches
     * never wait on each other's rows in a cycle); returns the order ids recorded, leaving out those
     * a concurrent duplicate recorded first (their credits are not written either).
     */
    private static final String INSERT_ALL = """
            with e as (
                insert into earning (order_id, member_id, content_hash, points, eligible_yuan, proportional,
                                     rule_set_version, response, lines, bonuses, line_points)
                select * from unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[]::numeric[], $6::bigint[],
                                     $7::bigint[], $8::text[], $9::text[], $10::text[], $16::text[])
                order by 1
                on conflict (order_id) do nothing
                returning order_id),
            o as (
                insert into outbox (topic, message_key, event_id, payload)
                select $11, c.message_key, c.event_id, c.payload
                from unnest($12::text[], $13::text[], $14::text[], $15::text[]) with ordinality
                     as c(order_id, message_key, event_id, payload, n)
                join e on e.order_id = c.order_id
                order by c.n)
            select order_id from e""";

    /** {@link #lookup} for several orders in one round trip, in the same order. */
    public Uni<List<Lookup>> lookupAll(SqlClient client, List<String> orderIds, List<String> memberIds) {
        return client.preparedQuery(LOOKUP_ALL)
                .execute(Tuple.of(orderIds.toArray(String[]::new), memberIds.toArray(String[]::new)))
                .map(rows -> {
                    List<Lookup> lookups = new ArrayList<>(orderIds.size());
                    for (Row row : rows) {
                        lookups.add(lookupOf(row));
                    }
                    return lookups;
                });
    }

    /** Claims first purchases (member id to order id), in member id order; returns the members won. */
    public Uni<Set<String>> claimFirstPurchases(SqlConnection connection, Map<String, String> orderByMember) {
        if (orderByMember.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        return connection.preparedQuery("insert into first_purchase (member_id, order_id)"
                        + " select * from unnest($1::text[], $2::text[]) order by 1 on conflict (member_id) do nothing"
                        + " returning member_id")
                .execute(Tuple.of(orderByMember.keySet().toArray(String[]::new),
                        orderByMember.values().toArray(String[]::new)))
                .map(rows -> {
                    Set<String> won = new HashSet<>();
                    rows.forEach(row -> won.add(row.getString(0)));
                    return won;
                });
    }

    /** Records earnings and their credits' outbox rows in one statement; returns the order ids recorded. */
    public Uni<Set<String>> insertAll(SqlConnection connection, List<NewEarning> earnings, long ruleSetVersion,
                                      String topic, EventCodec codec) {
        int n = earnings.size();
        String[] orderIds = new String[n];
        String[] memberIds = new String[n];
        String[] hashes = new String[n];
        Long[] points = new Long[n];
        String[] eligible = new String[n];
        Long[] proportional = new Long[n];
        Long[] versions = new Long[n];
        String[] responses = new String[n];
        String[] lines = new String[n];
        String[] bonuses = new String[n];
        String[] linePoints = new String[n];
        List<String> creditOrders = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        List<String> eventIds = new ArrayList<>();
        List<String> payloads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            StoredEarning earning = earnings.get(i).earning();
            orderIds[i] = earning.orderId();
            memberIds[i] = earning.memberId();
            hashes[i] = earning.contentHash();
            points[i] = earning.points();
            eligible[i] = earning.eligibleYuan().toPlainString();
            proportional[i] = earning.proportionalPoints();
            versions[i] = ruleSetVersion;
            responses[i] = earning.response();
            lines[i] = earning.linesJson();
            bonuses[i] = earning.bonusesJson();
            linePoints[i] = earning.linePointsJson();
            CloudEvent credit = earnings.get(i).credit();
            if (credit != null) {
                creditOrders.add(earning.orderId());
                keys.add(credit.subject());
                eventIds.add(credit.id());
                payloads.add(codec.write(credit));
            }
        }
        return connection.preparedQuery(INSERT_ALL)
                .execute(Tuple.from(new Object[] {orderIds, memberIds, hashes, points, eligible, proportional, versions,
                        responses, lines, bonuses, topic, creditOrders.toArray(String[]::new),
                        keys.toArray(String[]::new), eventIds.toArray(String[]::new), payloads.toArray(String[]::new),
                        linePoints}))
                .map(rows -> {
                    Set<String> recorded = new HashSet<>();
                    rows.forEach(row -> recorded.add(row.getString(0)));
                    return recorded;
                });
    }

    public Uni<Lookup> lookup(SqlClient client, String orderId, String memberId) {
        return client.preparedQuery(LOOKUP).execute(Tuple.of(orderId, memberId))
                .map(rows -> lookupOf(rows.iterator().next()));
    }

    private static Lookup lookupOf(Row row) {
        String tier = row.getString("tier");
        return new Lookup(row.getString("content_hash"), row.getString("response"),
                tier == null ? Tier.MEMBER : Tier.valueOf(tier), row.getBoolean("purchased"), row.getBoolean("enrolled"));
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
                        earning.response(), earning.linesJson(), earning.bonusesJson(), earning.linePointsJson()}))
                .map(rows -> rows.rowCount() == 1);
    }

    public Uni<Void> saveTier(SqlConnection connection, String memberId, Tier tier) {
        return connection.preparedQuery("insert into member_tier (member_id, tier) values ($1, $2)"
                        + " on conflict (member_id) do update set tier = excluded.tier, updated_at = now()")
                .execute(Tuple.of(memberId, tier.name())).replaceWithVoid();
    }
}
