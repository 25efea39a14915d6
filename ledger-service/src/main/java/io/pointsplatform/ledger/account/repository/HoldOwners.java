package io.pointsplatform.ledger.account.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/** Which member a hold belongs to, for the paths that name a hold by its id alone. */
@ApplicationScoped
public class HoldOwners {

    private final Pool pool;

    public HoldOwners(Pool pool) {
        this.pool = pool;
    }

    /** The members that made a hold with this id (at most two: more than one is already ambiguous). */
    public Uni<List<String>> of(String holdId) {
        return pool.preparedQuery("select distinct member_id from entry where hold_id = $1 limit 2")
                .execute(Tuple.of(holdId))
                .map(rows -> {
                    List<String> members = new ArrayList<>(2);
                    for (Row row : rows) {
                        members.add(row.getString("member_id"));
                    }
                    return members;
                });
    }
}
