package io.pointsplatform.kit.batch;

import io.pointsplatform.kit.batch.GroupCommit.Outcome;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Group commit for statements that are each atomic on their own (one row inserted or updated, with
 * its outbox row in the same statement): those asked for while a batch is being written wait, then
 * go together in one transaction, sent at once (the driver pipelines them), so that many share one
 * commit, whose flush to disk is what a write costs most here (docs/benchmarks.md). A statement
 * alone runs at once, in autocommit, as it would without this class.
 *
 * <p>Each answers what it would have answered alone: its rows, or its failure. If one fails, the
 * transaction is rolled back whole and each statement of the batch runs again on its own
 * ({@link GroupCommit}), so only the culprit fails. Within a batch the statements run in the order of
 * their {@code key} (the row they touch), asked-for order kept for one key, so that two batches in
 * flight lock rows in one order and never wait on each other in a circle.
 */
public final class StatementBatches {

    private record Statement(String sql, Tuple values, String key, int position) {
    }

    private final Pool pool;
    private final GroupCommit<Statement, RowSet<Row>> batches;

    /** At most 128 statements a transaction, two transactions at once, 10 000 statements waiting. */
    public StatementBatches(Pool pool) {
        this(pool, 128, 2, 10_000);
    }

    /**
     * @param maxBatch statements in one transaction at most
     * @param inFlight transactions at once
     * @param maxQueued statements waiting at most, beyond which one is refused with {@code 503 BUSY}
     */
    public StatementBatches(Pool pool, int maxBatch, int inFlight, int maxQueued) {
        this.pool = pool;
        this.batches = new GroupCommit<>(this::write, maxBatch, inFlight, maxQueued);
    }

    /** Runs {@code sql} with {@code values} in the next batch; {@code key}: the row it writes. */
    public Uni<RowSet<Row>> execute(String sql, Tuple values, String key) {
        return batches.submit(new Statement(sql, values, key, 0));
    }

    private Uni<List<Outcome<RowSet<Row>>>> write(List<Statement> asked) {
        if (asked.size() == 1) {
            Statement alone = asked.get(0);
            return pool.preparedQuery(alone.sql()).execute(alone.values()).map(rows -> List.of(Outcome.of(rows)));
        }
        List<Statement> ordered = new ArrayList<>(asked.size());
        for (int i = 0; i < asked.size(); i++) {
            Statement s = asked.get(i);
            ordered.add(new Statement(s.sql(), s.values(), s.key(), i));
        }
        ordered.sort(Comparator.comparing(Statement::key).thenComparingInt(Statement::position));
        return pool.withTransaction(c -> {
            List<Uni<RowSet<Row>>> sent = new ArrayList<>(ordered.size());
            for (Statement s : ordered) {
                sent.add(c.preparedQuery(s.sql()).execute(s.values()));
            }
            return Uni.join().all(sent).andFailFast();
        }).map(rows -> {
            @SuppressWarnings("unchecked")
            Outcome<RowSet<Row>>[] outcomes = new Outcome[asked.size()];
            for (int i = 0; i < ordered.size(); i++) {
                outcomes[ordered.get(i).position()] = Outcome.of(rows.get(i));
            }
            return Arrays.asList(outcomes);
        });
    }
}
