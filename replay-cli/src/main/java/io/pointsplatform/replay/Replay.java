package io.pointsplatform.replay;

import io.pointsplatform.events.EventIdSet;
import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.EventCodec;
import io.pointsplatform.events.EventTypes;
import io.pointsplatform.events.PointsEarned;
import io.pointsplatform.events.PointsEvent;
import io.pointsplatform.events.TierChanged;
import io.pointsplatform.events.Topics;
import io.pointsplatform.kit.inbox.MemberPartitions;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * One replay: Kafka's records read by manual assignment (no consumer group, nothing committed to
 * Kafka), from where {@link Start} says, up to each partition's end as it was at start or on and on
 * ({@code follow}). Three threads, so that the two cores overlap the work: this one polls Kafka, a
 * reader reads and filters the events into batches, a writer writes each batch to the {@link Sink}
 * (at most two batches wait for it).
 *
 * <p>What the ledger never applies is left out of every output, by the ledger's own rules
 * (docs/contract-extensions.md, "The log"), and counted in the summary: a record of
 * {@code points.ledger} on another partition than its member's ({@link MemberPartitions}, murmur2 of
 * the member id: a credit found so is forwarded by the ledger to its member's partition under the same
 * event id, and that copy is the one written; any other event found so the ledger dead-letters and
 * never applies), and an event whose id was written before (a producer's retry, a forwarded credit
 * read twice): PostgreSQL keeps each id once by its key, a file by the ids this replay has written
 * ({@link EventIdSet}, exact, about 100 bytes an event).
 */
final class Replay {

    /** What {@code --from}, {@code --types} … say; {@code types} and {@code members} null for all. */
    record Options(List<String> topics, Start start, boolean follow, String name, Set<String> types,
            Set<String> members, ZoneId zone, int batchRecords, long stopAfterBatches) {
    }

    private static final Set<String> CONTRACT_TOPICS = Set.of(Topics.POINTS_LEDGER, Topics.MEMBERS,
            Topics.CATALOG_REWARDS, Topics.REDEMPTIONS, Topics.NOTIFICATIONS);
    private static final Object END = new Object();
    /** The ids of a file replay's events are remembered in a set sized up front for at most this many (it grows beyond). */
    private static final long PRESIZED_IDS = 1 << 22;
    /** Credits found off their member's partition that a file replay looks for the copy of at its end. */
    private static final int MAX_CREDITS_LOOKED_FOR = 100_000;

    private final Options options;
    private final Properties kafka;
    private final Sink sink;
    private final Summary summary = new Summary();
    private final EventCodec codec = new EventCodec();
    private final Map<TopicPartition, Long> ends = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Long> written = new ConcurrentHashMap<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean stopping;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    /** The partitions of points.ledger (0 when it is not replayed): a member's is murmur2 of its id modulo these. */
    private int ledgerPartitions;
    /** The ids of the events written, for an output that does not keep each event once itself; else null. Reader's thread only. */
    private EventIdSet writtenIds;
    /** Ids of credits found off their member's partition (as the options select them), whose copy a file replay looks for at its end. */
    private final List<String> creditsOffTheirPartition = new ArrayList<>();

    Replay(Options options, Properties kafka, Sink sink) {
        this.options = options;
        this.kafka = kafka;
        this.sink = sink;
    }

    /** The Kafka consumer's settings: ours for throughput, then the caller's (connection, security), then what we need. */
    static Properties consumerConfig(String name, Properties given) {
        Properties config = new Properties();
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "replay-cli-" + name);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(2 << 20));
        config.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(16 << 20));
        config.put(ConsumerConfig.RECEIVE_BUFFER_CONFIG, Integer.toString(4 << 20));
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        config.putAll(given);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return config;
    }

    /** Asks a running replay to stop (a signal): the batch being written is finished or rolled back whole. */
    void stop() {
        stopping = true;
        KafkaConsumer<byte[], byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
    }

    Summary summary() {
        return summary;
    }

    /** Records between what has been written and the log's end (as it was at start, or as last seen when following). */
    long remaining() {
        long left = 0;
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            left += Math.max(0, end.getValue() - written.getOrDefault(end.getKey(), 0L));
        }
        return left;
    }

    /**
     * Runs the replay to its end; {@code progress} is made once the start and end are known (from
     * the remaining records and their total).
     */
    Summary run(Function<Replay, AutoCloseable> progress) throws Exception {
        try (KafkaConsumer<byte[], byte[]> kafkaConsumer = new KafkaConsumer<>(consumerConfig(options.name(), kafka))) {
            consumer = kafkaConsumer;
            List<TopicPartition> partitions = partitions(kafkaConsumer);
            kafkaConsumer.assign(partitions);
            seek(kafkaConsumer, partitions);
            Map<TopicPartition, Long> endAtStart = kafkaConsumer.endOffsets(partitions);
            Map<TopicPartition, Long> stopAt = new HashMap<>();
            long toRead = 0;
            for (TopicPartition partition : partitions) {
                long position = kafkaConsumer.position(partition);
                written.put(partition, position);
                ends.put(partition, endAtStart.get(partition));
                toRead += Math.max(0, endAtStart.get(partition) - position);
                if (!options.follow()) {
                    stopAt.put(partition, endAtStart.get(partition));
                }
            }
            if (!sink.keepsEventsOnce()) {
                writtenIds = new EventIdSet(Math.min(toRead, PRESIZED_IDS));
            }
            Map<String, String> tiers = new HashMap<>(sink.knownTiers());
            summary.startNanos = System.nanoTime();
            try (AutoCloseable shown = progress.apply(this)) {
                pipeline(kafkaConsumer, partitions, stopAt, tiers);
            }
            if (writtenIds != null && !stopping && !options.follow()) {
                summary.creditsWithoutCopy = creditsOffTheirPartition.stream().filter(id -> !writtenIds.contains(id))
                        .count();
            }
            summary.endNanos = System.nanoTime();
        } catch (WakeupException stopped) {
            summary.endNanos = System.nanoTime();
        } finally {
            consumer = null;
        }
        Throwable failed = failure.get();
        if (failed instanceof Exception e) {
            throw e;
        } else if (failed != null) {
            throw new IllegalStateException(failed);
        }
        summary.stoppedEarly = stopping;
        return summary;
    }

    private List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> kafkaConsumer) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : options.topics()) {
            List<PartitionInfo> infos = kafkaConsumer.partitionsFor(topic);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalArgumentException("topic " + topic + " does not exist (or this principal may not"
                        + " describe it)");
            }
            for (PartitionInfo info : infos) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            if (topic.equals(Topics.POINTS_LEDGER)) {
                ledgerPartitions = infos.size();
            }
        }
        return partitions;
    }

    private void seek(KafkaConsumer<byte[], byte[]> kafkaConsumer, List<TopicPartition> partitions) throws Exception {
        switch (options.start()) {
            case Start.Beginning beginning -> kafkaConsumer.seekToBeginning(partitions);
            case Start.At at -> {
                Map<TopicPartition, Long> query = new HashMap<>();
                partitions.forEach(partition -> query.put(partition, at.time().toEpochMilli()));
                Map<TopicPartition, OffsetAndTimestamp> found = kafkaConsumer.offsetsForTimes(query);
                List<TopicPartition> nothingSince = new ArrayList<>();
                for (TopicPartition partition : partitions) {
                    OffsetAndTimestamp offset = found.get(partition);
                    if (offset == null) {
                        nothingSince.add(partition);
                    } else {
                        kafkaConsumer.seek(partition, offset.offset());
                    }
                }
                kafkaConsumer.seekToEnd(nothingSince);
            }
            case Start.Saved saved -> {
                Map<TopicPartition, Long> offsets = sink.savedOffsets(options.name());
                Map<TopicPartition, Long> first = kafkaConsumer.beginningOffsets(partitions);
                List<TopicPartition> unsaved = new ArrayList<>();
                for (TopicPartition partition : partitions) {
                    Long offset = offsets.get(partition);
                    if (offset == null) {
                        unsaved.add(partition);
                    } else {
                        // Below the log's start (retention took the rest): its first record still there.
                        kafkaConsumer.seek(partition, Math.max(offset, first.get(partition)));
                    }
                }
                kafkaConsumer.seekToBeginning(unsaved);
            }
        }
    }

    private void pipeline(KafkaConsumer<byte[], byte[]> kafkaConsumer, List<TopicPartition> partitions,
            Map<TopicPartition, Long> stopAt, Map<String, String> tiers) throws InterruptedException {
        BlockingQueue<Object> polled = new ArrayBlockingQueue<>(4);
        ExecutorService writer = Executors.newSingleThreadExecutor(runnable -> new Thread(runnable, "replay-writer"));
        Thread reader = new Thread(() -> read(polled, writer, stopAt, tiers), "replay-reader");
        reader.start();
        try {
            List<TopicPartition> active = new ArrayList<>(partitions);
            if (!options.follow()) {
                active.removeIf(partition -> kafkaConsumer.position(partition) >= stopAt.get(partition));
                List<TopicPartition> done = new ArrayList<>(partitions);
                done.removeAll(active);
                kafkaConsumer.pause(done);
            }
            while (!stopping && !active.isEmpty()) {
                ConsumerRecords<byte[], byte[]> records;
                try {
                    records = kafkaConsumer.poll(Duration.ofMillis(200));
                } catch (WakeupException woken) {
                    break;
                }
                if (!records.isEmpty()) {
                    while (!polled.offer(records, 100, TimeUnit.MILLISECONDS)) {
                        if (stopping) {
                            break;
                        }
                    }
                }
                if (options.follow()) {
                    for (TopicPartition partition : records.partitions()) {
                        kafkaConsumer.currentLag(partition).ifPresent(lag ->
                                ends.put(partition, kafkaConsumer.position(partition) + lag));
                    }
                } else {
                    List<TopicPartition> done = new ArrayList<>();
                    for (TopicPartition partition : active) {
                        if (kafkaConsumer.position(partition) >= stopAt.get(partition)) {
                            done.add(partition);
                        }
                    }
                    if (!done.isEmpty()) {
                        kafkaConsumer.pause(done);
                        active.removeAll(done);
                    }
                }
            }
        } finally {
            // The reader takes END after what is queued. A reader that failed (and stopped the
            // replay) takes nothing any more: then what is queued is dropped, or this would wait for
            // a place forever (seen when the live replay's reader ran out of heap).
            while (!polled.offer(END, 100, TimeUnit.MILLISECONDS)) {
                if (!reader.isAlive()) {
                    polled.clear();
                }
            }
            reader.join();
            writer.shutdown();
            writer.awaitTermination(1, TimeUnit.HOURS);
        }
    }

    /** The reader's loop: events read, filtered and batched; a batch is written when full or when Kafka pauses. */
    private void read(BlockingQueue<Object> polled, ExecutorService writer, Map<TopicPartition, Long> stopAt,
            Map<String, String> tiers) {
        Semaphore waiting = new Semaphore(2);
        Batch batch = new Batch();
        try {
            while (true) {
                Object next = polled.poll(200, TimeUnit.MILLISECONDS);
                if (next == END) {
                    break;
                }
                if (next == null) {
                    if (!batch.isEmpty()) {
                        submit(writer, waiting, batch);
                        batch = new Batch();
                    }
                    continue;
                }
                @SuppressWarnings("unchecked")
                ConsumerRecords<byte[], byte[]> records = (ConsumerRecords<byte[], byte[]>) next;
                // Partition by partition, as the records iterate: one TopicPartition a partition, not a record.
                for (TopicPartition partition : records.partitions()) {
                    Long last = stopAt.get(partition);
                    for (ConsumerRecord<byte[], byte[]> record : records.records(partition)) {
                        if (stopping) {
                            break;
                        }
                        if (last != null && record.offset() >= last) {
                            continue;
                        }
                        add(batch, record, partition, tiers);
                        if (batch.records >= options.batchRecords()) {
                            submit(writer, waiting, batch);
                            batch = new Batch();
                        }
                    }
                }
            }
            if (!batch.isEmpty() && !stopping) {
                submit(writer, waiting, batch);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            failure.compareAndSet(null, e);
            stop();
        }
    }

    private void add(Batch batch, ConsumerRecord<byte[], byte[]> record, TopicPartition partition,
            Map<String, String> tiers) {
        batch.records++;
        batch.nextOffsets.put(partition, record.offset() + 1);
        byte[] value = record.value();
        if (value == null) {
            batch.empty++;
            return;
        }
        CloudEvent event;
        try {
            event = codec.read(value);
        } catch (RuntimeException unreadable) {
            batch.unreadable.add(new Unreadable(record.topic(), record.partition(), record.offset(),
                    String.valueOf(unreadable.getMessage())));
            return;
        }
        String type = event.type();
        String unstorable = UnstorableText.find(value);
        if (unstorable == null) {
            unstorable = UnstorableText.findTime(event.time(), event.data(), options.zone());
        }
        if (unstorable != null) {
            // Left out of every output alike, as the live consumers, whose database refuses it, set it aside.
            batch.unreadable.add(new Unreadable(record.topic(), record.partition(), record.offset(),
                    "event " + event.id() + " (" + type + ") holds " + unstorable + Unreadable.UNSTORABLE));
            return;
        }
        if (CONTRACT_TOPICS.contains(record.topic()) && !EventTypes.topic(type).equals(record.topic())) {
            batch.unreadable.add(new Unreadable(record.topic(), record.partition(), record.offset(),
                    "event " + event.id() + " (" + type + ") does not belong on " + record.topic()));
            return;
        }
        if (ledgerPartitions > 0 && event.data() instanceof PointsEvent points
                && record.topic().equals(Topics.POINTS_LEDGER)
                && MemberPartitions.misplaced(record, points.memberId(), ledgerPartitions)) {
            // Off its member's partition: never applied there by the ledger (a credit's forwarded copy is).
            if (points instanceof PointsEarned) {
                batch.misplacedCredits++;
                if (writtenIds != null && creditsOffTheirPartition.size() < MAX_CREDITS_LOOKED_FOR
                        && (options.types() == null || options.types().contains(type))
                        && (options.members() == null || options.members().contains(points.memberId()))) {
                    creditsOffTheirPartition.add(event.id());
                }
            } else {
                batch.misplacedOthers++;
            }
            return;
        }
        if (event.data() instanceof TierChanged changed) {
            tiers.put(changed.memberId(), changed.to());
        }
        if (options.types() != null && !options.types().contains(type)) {
            batch.filtered++;
            return;
        }
        if (options.members() == null && !sink.writesColumns()) {
            if (writtenBefore(batch, event.id())) {
                return;
            }
            batch.events.add(new ReplayEvent(record.topic(), record.partition(), record.offset(), value, event.id(),
                    type, event.time(), null, null, null));
            return;
        }
        EventColumns columns = EventColumns.of(event.data());
        String memberId = columns.memberId();
        if (options.members() != null && (memberId == null || !options.members().contains(memberId))) {
            batch.filtered++;
            return;
        }
        if (writtenBefore(batch, event.id())) {
            return;
        }
        String tier = memberId == null ? null : tiers.getOrDefault(memberId, "MEMBER");
        batch.events.add(new ReplayEvent(record.topic(), record.partition(), record.offset(), value, event.id(), type,
                event.time(), columns, tier, LocalDate.ofInstant(event.time(), options.zone())));
    }

    /**
     * Whether an event of this id was written before by a replay into an output that does not keep
     * each event once itself (a file): then it is counted and left out, else its id is remembered.
     */
    private boolean writtenBefore(Batch batch, String id) {
        if (writtenIds == null || writtenIds.add(id)) {
            return false;
        }
        batch.duplicates++;
        return true;
    }

    private void submit(ExecutorService writer, Semaphore waiting, Batch batch) throws InterruptedException {
        sink.prepare(batch);
        waiting.acquire();
        writer.execute(() -> {
            try {
                if (stopping) {
                    return;
                }
                sink.write(batch);
                summary.add(batch);
                written.putAll(batch.nextOffsets);
                if (options.stopAfterBatches() > 0 && summary.batches >= options.stopAfterBatches()) {
                    stop();
                }
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
                stop();
            } finally {
                waiting.release();
            }
        });
    }
}
