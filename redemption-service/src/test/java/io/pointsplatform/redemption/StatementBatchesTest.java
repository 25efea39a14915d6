package io.pointsplatform.redemption;

import static org.assertj.core.api.Assertions.assertThat;

import io.pointsplatform.kit.batch.StatementBatches;
import io.pointsplatform.testing.PlatformTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The saga's group commit (service-kit's StatementBatches) on the real PostgreSQL: statements asked
 * for together share transactions, each answers its own rows, and one that fails fails alone while
 * the others are written.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "redemption"))
class StatementBatchesTest {

    private static final String INSERT = "insert into batch_probe (id, n) values ($1, $2)"
            + " returning id, n, txid_current() as tx";

    @Inject
    Pool pool;

    @Test
    void statementsAskedTogetherShareCommitsAndAFailingOneFailsAlone() {
        pool.query("drop table if exists batch_probe").execute().await().atMost(Duration.ofSeconds(10));
        pool.query("create table batch_probe (id text primary key, n int not null check (n >= 0))")
                .execute().await().atMost(Duration.ofSeconds(10));
        StatementBatches batches = new StatementBatches(pool, 128, 1, 10_000);

        List<Uni<RowSet<Row>>> asked = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            // The 150th breaks the table's check: it alone must fail.
            int n = i == 150 ? -1 : i;
            asked.add(batches.execute(INSERT, Tuple.of("p-" + i, n), "p-" + i)
                    .onFailure().recoverWithItem(() -> null));
        }
        List<RowSet<Row>> answers = Uni.join().all(asked).andCollectFailures().await().atMost(Duration.ofSeconds(30));

        Set<Long> transactions = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            if (i == 150) {
                assertThat(answers.get(i)).as("the statement that broke the check").isNull();
                continue;
            }
            Row row = answers.get(i).iterator().next();
            assertThat(row.getString("id")).isEqualTo("p-" + i);
            assertThat(row.getInteger("n")).isEqualTo(i);
            transactions.add(row.getLong("tx"));
        }
        assertThat(transactions).as("transactions for 199 statements asked at once").hasSizeLessThan(199);
        long written = pool.query("select count(*) as c from batch_probe").execute()
                .await().atMost(Duration.ofSeconds(10)).iterator().next().getLong("c");
        assertThat(written).isEqualTo(199);

        // Alone, a failure is the statement's own error, as without batches.
        Throwable failure = batches.execute(INSERT, Tuple.of("p-1", 1), "p-1").onItem().<Throwable>transform(r -> null)
                .onFailure().recoverWithItem(e -> e).await().atMost(Duration.ofSeconds(10));
        assertThat(failure).isInstanceOf(PgException.class);
        assertThat(((PgException) failure).getSqlState()).isEqualTo("23505");
    }
}
