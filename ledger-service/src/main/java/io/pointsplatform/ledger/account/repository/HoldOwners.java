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

    /**
     * The members that made a hold with this id, at most two (more than one is already
     * ambiguous), {@code preferred} first when it is one of them (null: none preferred).
     */
    public Uni<List<String>> of(String holdId, String preferred) {
        return pool.preparedQuery("select member_id from entry where hold_id = $1 group by member_id"
                        + " order by member_id = $2 desc nulls last, member_id limit 2")
                .execute(Tuple.of(holdId, preferred))
                .map(rows -> {
                    List<String> members = new ArrayList<>(2);
                    for (Row row : rows) {
                        members.add(row.getString("member_id"));
                    }
                    return members;
                });
    }
}
