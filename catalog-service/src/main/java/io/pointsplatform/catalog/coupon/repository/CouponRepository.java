package io.pointsplatform.catalog.coupon.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/** Every statement on imported coupon codes. */
@ApplicationScoped
public class CouponRepository {

    /** Those of {@code codes} already imported, for any reward. */
    public Uni<List<String>> existing(SqlClient c, List<String> codes) {
        return c.preparedQuery("select code from coupon_code where code = any($1)")
                .execute(Tuple.of(codes.toArray(String[]::new))).map(rows -> {
                    List<String> found = new ArrayList<>();
                    rows.forEach(row -> found.add(row.getString("code")));
                    return found;
                });
    }

    /** Adds codes to a reward, each marked with the import that added it ({@code importHash}). */
    public Uni<Void> insert(SqlClient c, String rewardId, List<String> codes, String importHash) {
        List<Tuple> rows = codes.stream().map(code -> Tuple.of(code, rewardId, importHash)).toList();
        return c.preparedQuery("insert into coupon_code (code, reward_id, import_hash) values ($1, $2, $3)")
                .executeBatch(rows).replaceWithVoid();
    }

    /** How many codes of the reward the import with that hash added. */
    public Uni<Long> importedBy(SqlClient c, String rewardId, String importHash) {
        return c.preparedQuery("select count(*) as n from coupon_code where reward_id = $1 and import_hash = $2")
                .execute(Tuple.of(rewardId, importHash)).map(rows -> rows.iterator().next().getLong("n"));
    }

    /**
     * Takes the oldest available code of a reward for a reservation; null when none is left. Codes
     * another transaction holds are passed over, so concurrent reservations do not queue on one code.
     */
    public Uni<String> take(SqlClient c, String rewardId, String reservationId) {
        return c.preparedQuery("update coupon_code set status = 'RESERVED', reservation_id = $2 where code ="
                        + " (select code from coupon_code where reward_id = $1 and status = 'AVAILABLE'"
                        + " order by seq limit 1 for update skip locked) returning code")
                .execute(Tuple.of(rewardId, reservationId))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString("code"));
    }

    /** RESERVED → AVAILABLE (released), ISSUED (confirmed) or VOID (returned: never issued again). */
    public Uni<Void> mark(SqlClient c, String code, String status) {
        return c.preparedQuery("update coupon_code set status = $2,"
                        + " reservation_id = case when $2 = 'AVAILABLE' then null else reservation_id end where code = $1")
                .execute(Tuple.of(code, status)).replaceWithVoid();
    }
}
