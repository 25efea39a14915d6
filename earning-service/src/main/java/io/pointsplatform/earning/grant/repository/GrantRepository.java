package io.pointsplatform.earning.grant.repository;

import io.pointsplatform.events.Tier;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

@ApplicationScoped
public class GrantRepository {

    /** A grant recorded before: what it said and what it answered. */
    public record Stored(String contentHash, String response) {
    }

    public Uni<Stored> find(SqlClient client, String grantId) {
        return client.preparedQuery("select content_hash, response from grant_batch where grant_id = $1")
                .execute(Tuple.of(grantId))
                .map(rows -> rows.size() == 0 ? null
                        : new Stored(rows.iterator().next().getString(0), rows.iterator().next().getString(1)));
    }

    /**
     * Records the grant; false if one with this id exists. A concurrent call with the same id waits
     * on the primary key here until the first commits, then gets false.
     */
    public Uni<Boolean> insert(SqlConnection connection, String grantId, String campaignId, long points, int members,
                               String contentHash, String requestedBy, String reason, String response) {
        return connection.preparedQuery("insert into grant_batch (grant_id, campaign_id, points, members,"
                        + " content_hash, requested_by, reason, response) values ($1, $2, $3, $4, $5, $6, $7, $8)"
                        + " on conflict (grant_id) do nothing")
                .execute(Tuple.tuple(List.of(grantId, campaignId, points, members, contentHash,
                        requestedBy == null ? "" : requestedBy, reason == null ? "" : reason, response)))
                .map(rows -> rows.rowCount() == 1);
    }

    /** The tier of each of these members that is enrolled; members not enrolled are absent. */
    public Uni<Map<String, Tier>> enrolled(SqlConnection connection, List<String> memberIds) {
        return connection.preparedQuery("select m.member_id, t.tier from member m"
                        + " left join member_tier t on t.member_id = m.member_id where m.member_id = any($1)")
                .execute(Tuple.of(memberIds.toArray(String[]::new)))
                .map(rows -> {
                    Map<String, Tier> tiers = new HashMap<>();
                    rows.forEach(row -> tiers.put(row.getString(0),
                            row.getString(1) == null ? Tier.MEMBER : Tier.valueOf(row.getString(1))));
                    return tiers;
                });
    }

    public Uni<Void> insertCredits(SqlConnection connection, String grantId, List<String> memberIds,
                                   List<String> lotIds) {
        return connection.preparedQuery("insert into grant_credit (grant_id, member_id, lot_id)"
                        + " select $1, m, l from unnest($2::text[], $3::text[]) as c(m, l)")
                .execute(Tuple.of(grantId, memberIds.toArray(String[]::new), lotIds.toArray(String[]::new)))
                .replaceWithVoid();
    }
}
