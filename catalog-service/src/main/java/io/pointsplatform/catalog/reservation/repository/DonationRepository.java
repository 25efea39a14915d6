package io.pointsplatform.catalog.reservation.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The running total of points given to each cause. */
@ApplicationScoped
public class DonationRepository {

    /**
     * Adds (or, negative, subtracts) points; the total after it. A subtraction is a plain update: the
     * insert's row would be checked (total >= 0) before its conflict was found.
     */
    public Uni<Long> add(SqlClient c, String cause, long points) {
        if (points < 0) {
            return c.preparedQuery("update donation_total set total_points = total_points + $2 where cause = $1"
                            + " returning total_points")
                    .execute(Tuple.of(cause, points)).map(rows -> rows.iterator().next().getLong("total_points"));
        }
        return c.preparedQuery("insert into donation_total (cause, total_points) values ($1, $2)"
                        + " on conflict (cause) do update set total_points = donation_total.total_points + $2"
                        + " returning total_points")
                .execute(Tuple.of(cause, points)).map(rows -> rows.iterator().next().getLong("total_points"));
    }

    public Uni<Map<String, Long>> totals(SqlClient c, List<String> causes) {
        if (causes.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return c.preparedQuery("select cause, total_points from donation_total where cause = any($1)")
                .execute(Tuple.of(causes.toArray(String[]::new))).map(rows -> {
                    Map<String, Long> totals = new HashMap<>();
                    rows.forEach(row -> totals.put(row.getString("cause"), row.getLong("total_points")));
                    return totals;
                });
    }
}
