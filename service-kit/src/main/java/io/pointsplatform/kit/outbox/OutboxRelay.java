package io.pointsplatform.kit.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.kit.kafka.KafkaConnection;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Publishes the outbox to Kafka, oldest first, and deletes what the broker acknowledged.
 *
 * <p>At least once: a crash after the send and before the delete publishes the batch again, and
 * consumers drop the repeat by event id. One relay of a service's database sends at a time: each
 * round first takes a transaction-level advisory lock ({@link #RELAY_LOCK}), and an instance that
 * does not get it skips the round. So a member's events leave in id order even with several
 * instances: rows go to one producer in id order and the idempotent producer never reorders a
 * partition. (Until 2026-12-06 instances shared the table with {@code SKIP LOCKED} alone, and an
 * instance could send a member's later event, say a capture, while another still sent its hold:
 * the replay then met the capture first and refused it.)
 */
@ApplicationScoped
public class OutboxRelay {

    /** The oldest rows, but those of a key or topic paused after a failure (see {@link Pauses}). */
    private static final String SELECT_BATCH = "select id, topic, message_key, payload from outbox"
            + " where topic <> all($2::text[]) and topic || E'\\n' || coalesce(message_key, '') <> all($3::text[])"
            + " order by id limit $1 for update skip locked";
    private static final String DELETE_BATCH = "delete from outbox where id = any($1)";
    /** The advisory lock's name: one relay of a database sends at a time. */
    public static final String RELAY_LOCK = "points.outbox.relay";
    private static final String TAKE_RELAY_LOCK = "select pg_try_advisory_xact_lock(hashtextextended('" + RELAY_LOCK
            + "', 0)) as mine";
    /** Skips the table while another instance vacuums it, rather than wait for it. */
    private static final String VACUUM = "vacuum (skip_locked) outbox";
    private static final byte[] CONTENT_TYPE =
            (CloudEvent.CONTENT_TYPE + "; charset=UTF-8").getBytes(StandardCharsets.UTF_8);

    private static final Duration ROUND_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration WARN_EVERY = Duration.ofMinutes(1);
    /** The outcome of a record not handed to the producer, behind an earlier one of its key it refused. */
    private static final Throwable HELD_BACK = new IllegalStateException("held back behind an earlier event of its key"
            + " that was not sent") {
        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    };
    /** The largest event (before compression) the relay hands to the producer: 16 MiB. */
    static final int MAX_REQUEST_BYTES = 16 * 1024 * 1024;

    private final Pool pool;
    private final boolean enabled;
    private final KafkaConnection kafka;
    private final int batchSize;
    private final long pollIntervalMs;
    private final long lingerMs;
    private final long vacuumEvery;
    private final Counter published;
    private final Counter failures;
    /** The row the last warning of events left unsent named, and when (sender thread only). */
    private volatile long lastWarnedRow = -1;
    private volatile long lastWarnedAt;
    private final Counter vacuums;
    private final AtomicBoolean wakeRequested = new AtomicBoolean();
    private final AtomicBoolean vacuuming = new AtomicBoolean();
    private long sinceVacuum;
    /** Keys and topics whose rows wait out a backoff after a failed send (round thread only). */
    private final Pauses pauses = new Pauses();

    private KafkaProducer<String, byte[]> producer;
    private ScheduledExecutorService worker;
    private ExecutorService sender;

    public OutboxRelay(Pool pool, MeterRegistry registry, KafkaConnection kafka,
                       @ConfigProperty(name = "points.outbox.enabled", defaultValue = "true") boolean enabled,
                       @ConfigProperty(name = "points.outbox.batch-size", defaultValue = "500") int batchSize,
                       @ConfigProperty(name = "points.outbox.poll-interval-ms", defaultValue = "100") long pollIntervalMs,
                       @ConfigProperty(name = "points.outbox.linger-ms", defaultValue = "10") long lingerMs,
                       @ConfigProperty(name = "points.outbox.vacuum-every", defaultValue = "10000") long vacuumEvery) {
        if (batchSize < 1 || batchSize > 10_000) {
            throw new IllegalArgumentException("points.outbox.batch-size must be within 1..10000, was " + batchSize);
        }
        this.pool = pool;
        this.enabled = enabled;
        this.kafka = kafka;
        this.batchSize = batchSize;
        this.pollIntervalMs = Math.max(10, pollIntervalMs);
        if (lingerMs < 0 || lingerMs > pollIntervalMs) {
            throw new IllegalArgumentException("points.outbox.linger-ms must be within 0..poll-interval-ms, was " + lingerMs);
        }
        this.lingerMs = lingerMs;
        if (vacuumEvery < 0) {
            throw new IllegalArgumentException("points.outbox.vacuum-every must be 0 (never) or more, was " + vacuumEvery);
        }
        this.vacuumEvery = vacuumEvery;
        this.published = registry.counter("points.outbox.published");
        this.failures = registry.counter("points.outbox.failures");
        this.vacuums = registry.counter("points.outbox.vacuums");
    }

    void start(@Observes StartupEvent event) {
        if (!enabled) {
            return;
        }
        producer = new KafkaProducer<>(producerConfig(), new StringSerializer(), new ByteArraySerializer());
        // Threads of their own. The drains wait for their rounds on one. The producer's sends go
        // out on the other, because send() may block (up to max.block.ms while the broker is away
        // and the topic's partitions are not known yet). The rows arrive on the event loop, which
        // must never block: it serves the service's requests.
        worker = Executors.newSingleThreadScheduledExecutor(daemon("outbox-relay"));
        sender = Executors.newSingleThreadExecutor(daemon("outbox-relay-send"));
        worker.scheduleWithFixedDelay(this::drainAll, pollIntervalMs, pollIntervalMs, TimeUnit.MILLISECONDS);
    }

    private static ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    void stop(@Observes ShutdownEvent event) {
        if (worker != null) {
            worker.shutdownNow();
        }
        if (sender != null) {
            sender.shutdownNow();
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }

    /**
     * Completes once the outbox is empty (every committed event has left for Kafka), waking the
     * relay and asking again with backoff; fails if it is not empty within {@code within}.
     */
    public Uni<Void> drained(Duration within) {
        return pool.query("select count(*) as n from outbox").execute()
                .map(rows -> rows.iterator().next().getLong("n"))
                .chain(n -> {
                    if (n == 0) {
                        return Uni.createFrom().voidItem();
                    }
                    wake();
                    return Uni.createFrom().<Void>failure(new IllegalStateException(n + " events still in the outbox"));
                })
                .onFailure().retry().withBackOff(Duration.ofMillis(50), Duration.ofMillis(500)).expireIn(within.toMillis());
    }

    /**
     * Asks for a drain soon, e.g. right after a commit: after {@code points.outbox.linger-ms}, so
     * that the commits of the next few milliseconds leave together; coalesces with one already
     * asked for. Every drain reads the outbox's head, which holds the rows deleted since the last
     * vacuum; a drain per commit made that read the costliest statement of earning's database.
     */
    public void wake() {
        if (worker != null && wakeRequested.compareAndSet(false, true)) {
            try {
                worker.schedule(this::drainAll, lingerMs, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopping) {
                wakeRequested.set(false);
            }
        }
    }

    private void drainAll() {
        wakeRequested.set(false);
        try {
            int sent;
            do {
                sent = drainOnce().await().atMost(ROUND_TIMEOUT);
                sinceVacuum += sent;
            } while (sent == batchSize);
            if (vacuumEvery > 0 && sinceVacuum >= vacuumEvery) {
                vacuum();
            }
        } catch (RuntimeException e) {
            failures.increment();
            Log.warnf(e, "Outbox relay failed; the batch stays and is retried");
        }
    }

    /**
     * Every drain reads the outbox from its head, over the rows deleted since the table was last
     * vacuumed; autovacuum comes to a database at most once a minute (autovacuum_naptime), by which
     * time a busy service has deleted a few hundred thousand rows there. So the relay vacuums the
     * table itself every {@code points.outbox.vacuum-every} rows it published (VACUUM blocks
     * neither inserts nor deletes), in the background, one at a time; 0 leaves it to autovacuum.
     */
    private void vacuum() {
        if (!vacuuming.compareAndSet(false, true)) {
            return;
        }
        sinceVacuum = 0;
        pool.query(VACUUM).execute()
                .eventually(() -> vacuuming.set(false))
                .subscribe().with(done -> vacuums.increment(),
                        e -> Log.warnf(e, "Vacuuming the outbox failed; autovacuum will come to it"));
    }

    /**
     * Publishes one batch; completes with the number of events published. Visible for tests. Its
     * commit does not wait for the WAL to reach the disk: a delete lost in a crash only publishes
     * those rows again, which at-least-once delivery allows (consumers drop repeats by event id).
     */
    public Uni<Integer> drainOnce() {
        return pool.withTransaction(connection -> connection.query(TAKE_RELAY_LOCK).execute()
                .chain(lock -> !lock.iterator().next().getBoolean("mine") ? Uni.createFrom().item(0)
                        // Another instance's relay is sending: it takes these rows, in order.
                        : connection.query("set local synchronous_commit = off").execute()
                                .chain(() -> {
                                    long now = System.nanoTime();
                                    return connection.preparedQuery(SELECT_BATCH).execute(Tuple.of(batchSize,
                                            pauses.topics(now), pauses.keys(now)));
                                })
                                .chain(rows -> publishAndDelete(connection, rows))));
    }

    private Uni<Integer> publishAndDelete(SqlConnection connection, RowSet<Row> rows) {
        if (rows.size() == 0) {
            return Uni.createFrom().item(0);
        }
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>(rows.size());
        List<Long> ids = new ArrayList<>(rows.size());
        for (Row row : rows) {
            ids.add(row.getLong("id"));
            records.add(record(row.getString("topic"), row.getString("message_key"), row.getString("payload")));
        }
        // Sent from the sender thread, in id order (one thread keeps the order per partition).
        return Uni.createFrom().item(records).emitOn(sender)
                .map(this::sendInOrder)
                .chain(sends -> Uni.createFrom().completionStage(
                        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).thenApply(done -> sends)))
                .chain(sends -> {
                    List<Throwable> outcomes = sends.stream().map(CompletableFuture::join).toList();
                    List<Long> sent = sentIds(records, ids, outcomes);
                    return connection.preparedQuery(DELETE_BATCH).execute(Tuple.of(sent.toArray(Long[]::new)))
                            .invoke(() -> published.increment(sent.size()))
                            .replaceWith(sent.size());
                });
    }

    /**
     * Hands the records to the producer in order; each future completes with the send's failure, or
     * null once sent. A record the producer refuses at once (larger than it may send) holds back the
     * later records of its key in the batch, which are not handed over at all (they complete with
     * {@link #HELD_BACK}), so that its member's later events do not overtake it.
     */
    private List<CompletableFuture<Throwable>> sendInOrder(List<ProducerRecord<String, byte[]>> records) {
        List<CompletableFuture<Throwable>> sends = new ArrayList<>(records.size());
        Set<String> refused = new HashSet<>();
        for (ProducerRecord<String, byte[]> record : records) {
            String key = Pauses.key(record.topic(), record.key());
            CompletableFuture<Throwable> outcome = new CompletableFuture<>();
            if (refused.contains(key)) {
                outcome.complete(HELD_BACK);
            } else {
                producer.send(record, (metadata, error) -> outcome.complete(error));
                if (outcome.isDone() && outcome.join() != null) {
                    refused.add(key);
                }
            }
            sends.add(outcome);
        }
        return sends;
    }

    /**
     * The rows to delete after a batch's sends: every row sent, except those of a key (topic and
     * message key) after one of its rows that failed, so that a member's events are sent again in
     * order after the one that failed (a consumer drops the repeats by event id). A row that can
     * never be sent (larger than the topic admits, a topic the service may not write) so holds back
     * its own key only: until 2026-12-06 any failure rolled the whole batch back, so one such row
     * stopped the service's every event and sent the other 499 again each round.
     */
    private List<Long> sentIds(List<ProducerRecord<String, byte[]>> records, List<Long> ids, List<Throwable> outcomes) {
        List<Long> sent = new ArrayList<>(ids.size());
        Set<String> heldBack = new HashSet<>();
        int first = -1;
        long now = System.nanoTime();
        for (int i = 0; i < records.size(); i++) {
            String key = Pauses.key(records.get(i).topic(), records.get(i).key());
            if (outcomes.get(i) != null) {
                first = first < 0 ? i : first;
                if (heldBack.add(key) && outcomes.get(i) != HELD_BACK) {
                    pauses.failed(records.get(i).topic(), key, now);
                }
            } else if (!heldBack.contains(key)) {
                sent.add(ids.get(i));
                pauses.sent(records.get(i).topic(), key);
            }
        }
        if (first >= 0) {
            failures.increment();
            // Once a minute for the same row, not every round (a row that can never leave is retried every round).
            if (ids.get(first) == lastWarnedRow && now - lastWarnedAt < WARN_EVERY.toNanos()) {
                return sent;
            }
            lastWarnedRow = ids.get(first);
            lastWarnedAt = now;
            Log.warnf(outcomes.get(first), "Outbox relay: %d of %d events stay (the first not sent: row %d, topic %s, key %s);"
                    + " it and the later events of its key are sent again, in order", ids.size() - sent.size(),
                    ids.size(), ids.get(first), records.get(first).topic(), records.get(first).key());
        }
        return sent;
    }

    private static ProducerRecord<String, byte[]> record(String topic, String key, String payload) {
        ProducerRecord<String, byte[]> record =
                new ProducerRecord<>(topic, key, payload.getBytes(StandardCharsets.UTF_8));
        record.headers().add("content-type", CONTENT_TYPE);
        return record;
    }

    private Properties producerConfig() {
        Properties config = kafka.properties();
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        config.put(ProducerConfig.LINGER_MS_CONFIG, "2");
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000");
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "outbox-relay");
        // The broker limits a batch as stored, compressed (max.message.bytes, 1 MiB by default); the
        // producer's own limit is on the record before compression. At the default (1 MiB) a hold
        // over some 30 000 lots (an event of 1.2 MB that compresses to a fraction of it) could never
        // leave, and every event after it waited behind it. The broker's limit is the one that counts.
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(MAX_REQUEST_BYTES));
        return config;
    }
}
