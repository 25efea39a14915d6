package io.pointsplatform.kit.inbox;

import io.pointsplatform.events.EventFormatException;
import io.pointsplatform.events.InvariantViolation;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.pgclient.PgException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;

/**
 * Consumes a polled batch of records (a channel in batch mode) in as few transactions as possible,
 * and says which records to set aside, so that one bad record neither blocks nor loses the others.
 *
 * <p>Each record is read first; one that cannot be read is set aside. The rest are applied in
 * order, at most {@code maxPerTransaction} to a transaction; what the transaction refuses (e.g. the
 * fold) is set aside too. A transaction that fails for something a record's data is to blame for
 * (PostgreSQL refusing a value) is tried again one record at a time, so that only the guilty record
 * is set aside. A failure nobody's data is to blame for (the database away) is retried, for about
 * ten minutes, and then fails the batch: the channel's failure strategy ({@code fail}) stops it, so
 * nothing is acknowledged that was neither applied nor set aside.
 */
public final class Batches {

    /** What one record was read as. */
    public record Item<T>(ConsumerRecord<String, String> record, T value) {
    }

    /** A value a transaction refused, by its position in the list it was given, and why. */
    public record Refusal(int position, Throwable reason) {
    }

    private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
    /** With the backoff above, about ten minutes of waiting for the database. */
    private static final int OUTAGE_RETRIES = 64;

    private Batches() {
    }

    /**
     * Reads each record's value with {@code reader} (which throws, e.g. {@link EventFormatException},
     * for one it cannot read), applies what it read with {@code transaction}, and completes with the
     * records to set aside, in no particular order. {@code transaction} must apply its list in one transaction of
     * its own, all or nothing, and may be called again with the same values after a failure.
     */
    public static <T> Uni<List<DeadLetter>> consume(ConsumerRecords<String, String> records,
            Function<String, T> reader, int maxPerTransaction, Function<List<T>, Uni<List<Refusal>>> transaction) {
        return consumeRecords(records, record -> reader.apply(record.value()), maxPerTransaction, transaction);
    }

    /**
     * As {@link #consume}, with a reader of the whole record (its topic and partition too). A record
     * the reader refuses (any exception: reading is pure, so the record is to blame) is set aside with
     * that exception as the reason; one it answers null for is left out (acknowledged with the batch,
     * applied nowhere).
     */
    public static <T> Uni<List<DeadLetter>> consumeRecords(ConsumerRecords<String, String> records,
            Function<ConsumerRecord<String, String>, T> reader, int maxPerTransaction,
            Function<List<T>, Uni<List<Refusal>>> transaction) {
        if (maxPerTransaction < 1) {
            throw new IllegalArgumentException("maxPerTransaction must be > 0, was " + maxPerTransaction);
        }
        List<Item<T>> items = new ArrayList<>(records.count());
        List<DeadLetter> unreadable = new ArrayList<>();
        for (ConsumerRecord<String, String> record : records) {
            try {
                T value = reader.apply(record);
                if (value != null) {
                    items.add(new Item<>(record, value));
                }
            } catch (RuntimeException e) {
                unreadable.add(new DeadLetter(record, e));
            }
        }
        List<List<Item<T>>> chunks = new ArrayList<>();
        for (int from = 0; from < items.size(); from += maxPerTransaction) {
            chunks.add(items.subList(from, Math.min(items.size(), from + maxPerTransaction)));
        }
        return Multi.createFrom().iterable(chunks)
                .onItem().transformToUniAndConcatenate(chunk -> applyChunk(chunk, transaction))
                .collect().in(() -> new ArrayList<>(unreadable), List::addAll);
    }

    private static <T> Uni<List<DeadLetter>> applyChunk(List<Item<T>> chunk,
            Function<List<T>, Uni<List<Refusal>>> transaction) {
        return applyWaitingOutOutages(chunk, transaction)
                .onFailure(Batches::blamesTheData).recoverWithUni(failure -> {
                    Log.warnf("A batch of %d failed (%s); applying its records one by one", chunk.size(),
                            failure.toString());
                    return Multi.createFrom().iterable(chunk)
                            .onItem().transformToUniAndConcatenate(one -> applyWaitingOutOutages(List.of(one), transaction)
                                    .onFailure(Batches::blamesTheData)
                                    .recoverWithItem(alone -> List.of(new DeadLetter(one.record(), alone))))
                            .collect().in(ArrayList::new, List::addAll);
                });
    }

    private static <T> Uni<List<DeadLetter>> applyWaitingOutOutages(List<Item<T>> chunk,
            Function<List<T>, Uni<List<Refusal>>> transaction) {
        List<T> values = chunk.stream().map(Item::value).toList();
        return Uni.createFrom().deferred(() -> transaction.apply(values))
                .onFailure(failure -> !blamesTheData(failure))
                .invoke(failure -> Log.warnf("A batch of %d failed, retrying: %s", chunk.size(), failure.toString()))
                .onFailure(failure -> !blamesTheData(failure))
                .retry().withBackOff(FIRST_BACKOFF, MAX_BACKOFF).atMost(OUTAGE_RETRIES)
                .map(refusals -> {
                    List<DeadLetter> refused = new ArrayList<>(refusals.size());
                    for (Refusal refusal : refusals) {
                        refused.add(new DeadLetter(chunk.get(refusal.position()).record(), refusal.reason()));
                    }
                    return refused;
                });
    }

    /**
     * Whether a failure is the data's fault, so that retrying cannot help and the record is to be set
     * aside: the event or a stored snapshot refused by our own checks, or PostgreSQL refusing a value
     * (class 22, data exception, e.g. a NUL character), a constraint (23) or a size limit (54).
     * Anything else (connections, timeouts, deadlocks, a server shutting down) is worth waiting out.
     */
    public static boolean blamesTheData(Throwable failure) {
        if (failure instanceof PgException pg) {
            String state = pg.getSqlState();
            return state != null && (state.startsWith("22") || state.startsWith("23") || state.startsWith("54"));
        }
        return failure instanceof EventFormatException || failure instanceof InvariantViolation
                || failure instanceof IllegalArgumentException;
    }
}
