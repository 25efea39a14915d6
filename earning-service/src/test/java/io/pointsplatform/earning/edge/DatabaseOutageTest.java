package io.pointsplatform.earning.edge;

import static io.pointsplatform.earning.Orders.MID_MONTH;
import static io.pointsplatform.earning.Orders.earn;
import static io.pointsplatform.earning.Orders.id;
import static io.pointsplatform.earning.Orders.line;
import static io.pointsplatform.earning.Orders.member;
import static io.pointsplatform.earning.Orders.order;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.pointsplatform.testing.LocalPostgres;
import io.pointsplatform.testing.PlatformTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The service's database refusing connections, as while PostgreSQL restarts: an order is answered
 * {@code 503 UNAVAILABLE} with {@code Retry-After} (the client's cue to repeat it), never a 500 that
 * reads as our bug, and nothing of it is applied; repeated once the database is back, it is taken
 * once. The database is really closed to the service: its connection limit set to 0 and the
 * service's connections ended, so PostgreSQL refuses the new ones (SQLSTATE 53300).
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "earning"))
class DatabaseOutageTest {

    @Inject
    Pool pool;

    @Test
    void anOrderWhileTheDatabaseIsAwayIs503AndTakenOnceWhenRepeated() throws Exception {
        String memberId = member();
        Map<String, Object> order = order(id("o"), memberId, MID_MONTH, List.of(line("42.00")));
        String database = pool.query("select current_database()").execute()
                .map(rows -> rows.iterator().next().getString(0)).await().atMost(Duration.ofSeconds(10));

        try (Connection admin = DriverManager.getConnection(LocalPostgres.jdbcUrl(database), LocalPostgres.USER, LocalPostgres.PASSWORD);
             Statement sql = admin.createStatement()) {
            try {
                sql.execute("alter database \"" + database + "\" connection limit 0");
                sql.execute("select pg_terminate_backend(pid) from pg_stat_activity"
                        + " where datname = current_database() and pid <> pg_backend_pid()");

                earn(order).statusCode(503)
                        .contentType(startsWith("application/problem+json"))
                        .header("Retry-After", "1")
                        .body("code", equalTo("UNAVAILABLE"));
            } finally {
                sql.execute("alter database \"" + database + "\" connection limit -1");
            }
        }

        // The refused order was not applied: its repeat is taken as new (201), and only once.
        int[] points = new int[1];
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> points[0] = earn(order).statusCode(201).extract().path("points"));
        earn(order).statusCode(200).body("points", equalTo(points[0]));
        long rows = pool.preparedQuery("select count(*) from earning where order_id = $1")
                .execute(Tuple.of(order.get("orderId"))).map(r -> r.iterator().next().getLong(0))
                .await().atMost(Duration.ofSeconds(10));
        assertThat(rows).isEqualTo(1);
    }
}
