package io.pointsplatform.ledger.account.replay;

import io.pointsplatform.events.Account;
import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.EventCodec;
import io.pointsplatform.events.PointsEvent;
import io.pointsplatform.events.PointsReleased;
import io.pointsplatform.events.PointsReserved;
import io.pointsplatform.events.PointsSpent;
import io.pointsplatform.events.Topics;
import io.pointsplatform.kit.kafka.KafkaConnection;
import io.pointsplatform.ledger.account.repository.AccountStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Folds {@code points.ledger} with plain consumers of its own (no group, nothing committed) and
 * the shared fold, independently of the live projection. Each event id counts once, as live
 * consumption does. A member's events all live in one partition (the key is the member id), so
 * each partition is folded on its own, into accounts no other partition touches: as many at once
 * as there are cores, the largest first, and each handed on as soon as it is done, so that a
 * caller can write one partition's accounts while the next is folded and need never hold them all.
 * Blocking: run it on a worker.
 */
public final class LogReplay {

    /** What one partition folded to: its members' accounts, and the event that opened each of their open holds (by {@link AccountStore#holdKey}). */
    public record Part(TopicPartition partition, Map<String, Account> accounts, Map<String, PointsReserved> openHolds) {
    }

    /** Where a replay stopped and what it counted (the accounts went to the caller, partition by partition). */
    public static final class State {
        final Map<TopicPartition, LongHashSet> seen = new HashMap<>();
        final List<String> refused = new ArrayList<>();
        Map<TopicPartition, Long> position = new HashMap<>();
        long events;
        long duplicates;
        long applied;
        int members;
        double seconds;

        public List<String> refused() {
            return refused;
        }

        public long events() {
            return events;
        }

        public long duplicates() {
            return duplicates;
        }

        /** Distinct ledger events folded (read, and accepted by the fold): as many as the ledger's history holds, when both are whole. */
        public long applied() {
            return applied;
        }

        /** Members with an account, over every partition. */
        public int members() {
            return members;
        }

        public double seconds() {
            return seconds;
        }

        /** Where the replay stopped: the next offset of each partition. */
        public synchronized Map<TopicPartition, Long> position() {
            return Map.copyOf(position);
        }

        synchronized void absorb(TopicPartition partition, Folding part) {
            seen.put(partition, part.seen);
            if (refused.size() < MAX_REFUSED_LISTED) {
                refused.addAll(part.refused.subList(0, Math.min(part.refused.size(), MAX_REFUSED_LISTED - refused.size())));
            }
            events += part.events;
            duplicates += part.duplicates;
            applied += part.applied;
            members += part.accounts.size();
        }

        /** Counts events folded by the caller after the replay (a rebuild's catch-up). */
        public synchronized void countApplied(long count) {
            applied += count;
        }

        /** Counts members that first appeared after the replay (in a rebuild's catch-up). */
        public synchronized void addMembers(int count) {
            members += count;
        }

        /** Lists a record or event that could not be folded (the first {@value LogReplay#MAX_REFUSED_LISTED}). */
        public synchronized void refuse(String why) {
            if (refused.size() < MAX_REFUSED_LISTED) {
                refused.add(why);
            }
        }
    }

    /** One partition being folded. */
    private static final class Folding {
        final Map<String, Account> accounts = new HashMap<>();
        final Map<String, PointsReserved> openHolds = new HashMap<>();
        final LongHashSet seen;
        final List<String> refused = new ArrayList<>();
        long events;
        long duplicates;
        long applied;

        Folding(LongHashSet seen) {
            this.seen = seen;
        }
    }

    private static final int MAX_REFUSED_LISTED = 100;
    private static final Duration MAX_DURATION = Duration.ofMinutes(30);

    private final KafkaConnection kafka;
    private final EventCodec codec;

    public LogReplay(KafkaConnection kafka, EventCodec codec) {
        this.kafka = kafka;
        this.codec = codec;
    }

    /**
     * The whole topic, from offset 0 to the end offsets found at the start ({@link State#position()}); each partition's
     * accounts go to {@code done} when it is folded (on a replay thread, possibly two at once), and
     * are not kept.
     */
    public State replay(Consumer<Part> done) {
        State state = new State();
        long start = System.nanoTime();
        Map<TopicPartition, Long> begin;
        Map<TopicPartition, Long> end;
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = partitions(consumer);
            end = consumer.endOffsets(partitions);
            begin = consumer.beginningOffsets(partitions);
        }
        List<TopicPartition> largestFirst = new ArrayList<>(end.keySet());
        largestFirst.sort(Comparator.comparingLong((TopicPartition p) -> end.get(p) - begin.getOrDefault(p, 0L)).reversed());
        int threads = Math.max(1, Math.min(end.size(), Runtime.getRuntime().availableProcessors()));
        Queue<TopicPartition> waiting = new ConcurrentLinkedQueue<>(largestFirst);
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> new Thread(r, "ledger-replay"));
        try {
            // One consumer per thread, for every partition it takes: a consumer's making and closing
            // (its metrics, its JMX names, its connection) is not paid again for each partition.
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(pool.submit(() -> {
                    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
                        for (TopicPartition partition; (partition = waiting.poll()) != null; ) {
                            long from = begin.getOrDefault(partition, 0L);
                            Folding part = new Folding(new LongHashSet(end.get(partition) - from));
                            read(consumer, partition, from, end.get(partition), part,
                                    (p, event) -> apply(p.accounts, p.openHolds, (PointsEvent) event.data()));
                            state.absorb(partition, part);
                            done.accept(new Part(partition, part.accounts, part.openHolds));
                        }
                    }
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("replay interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("replay failed: " + e.getCause().getMessage(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        state.position = new HashMap<>(end);
        state.seconds = (System.nanoTime() - start) / 1e9;
        return state;
    }

    /**
     * The ledger events written since {@code state} stopped, up to the end offsets found now, in
     * each partition's order, those read before left out; moves its position on and counts them.
     * For the caller to fold into the accounts they concern ({@link #apply}) and count as applied
     * ({@link State#countApplied}).
     */
    public List<CloudEvent> since(State state) {
        List<CloudEvent> events = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions(consumer));
            for (Map.Entry<TopicPartition, Long> partition : end.entrySet()) {
                long from = state.position.getOrDefault(partition.getKey(), 0L);
                if (partition.getValue() <= from) {
                    continue;
                }
                Folding part = new Folding(state.seen.computeIfAbsent(partition.getKey(), p -> new LongHashSet()));
                read(consumer, partition.getKey(), from, partition.getValue(), part, (p, event) -> events.add(event));
                state.events += part.events;
                state.duplicates += part.duplicates;
                part.refused.forEach(state::refuse);
            }
            state.position = new HashMap<>(end);
        }
        return events;
    }

    /**
     * Folds one event into {@code accounts}, keeping {@code openHolds} (the event that opened each
     * open hold) in step. The one fold step of a replay and of a rebuild's catch-up.
     */
    public static void apply(Map<String, Account> accounts, Map<String, PointsReserved> openHolds, PointsEvent data) {
        accounts.computeIfAbsent(data.memberId(), Account::new).apply(data);
        switch (data) {
            case PointsReserved hold -> openHolds.put(AccountStore.holdKey(hold.memberId(), hold.holdId()), hold);
            case PointsReleased released -> openHolds.remove(AccountStore.holdKey(released.memberId(), released.holdId()));
            case PointsSpent spent when spent.holdId() != null ->
                    openHolds.remove(AccountStore.holdKey(spent.memberId(), spent.holdId()));
            default -> {
            }
        }
    }

    /** Reads {@code partition} from {@code from} to {@code until} (exclusive), each new, readable ledger event to {@code sink}. */
    private void read(KafkaConsumer<byte[], byte[]> consumer, TopicPartition partition, long from, long until,
                      Folding part, BiConsumer<Folding, CloudEvent> sink) {
        long start = System.nanoTime();
        consumer.assign(List.of(partition));
        consumer.seek(partition, from);
        // The position, not the last record seen: it also moves past offsets that hold no record.
        while (consumer.position(partition) < until) {
            if (System.nanoTime() - start > MAX_DURATION.toNanos()) {
                throw new IllegalStateException("replay took longer than " + MAX_DURATION);
            }
            ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofSeconds(2));
            for (ConsumerRecord<byte[], byte[]> record : records.records(partition)) {
                if (record.offset() >= until) {
                    break;
                }
                part.events++;
                try {
                    CloudEvent event = codec.read(record.value());
                    if (!part.seen.add(LongHashSet.hash(event.id()))) {
                        part.duplicates++;
                    } else if (event.data() instanceof PointsEvent) {
                        sink.accept(part, event);
                        part.applied++;
                    }
                } catch (RuntimeException e) {
                    if (part.refused.size() < MAX_REFUSED_LISTED) {
                        part.refused.add(partition + "@" + record.offset() + ": " + e.getMessage());
                    }
                }
            }
        }
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        Properties config = kafka.properties();
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        config.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, String.valueOf(64 * 1024 * 1024));
        config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(16 * 1024 * 1024));
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "ledger-replay");
        // The key (the member id) is in the event too: left as bytes, never decoded.
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo info : consumer.partitionsFor(Topics.POINTS_LEDGER, Duration.ofSeconds(30))) {
            partitions.add(new TopicPartition(info.topic(), info.partition()));
        }
        return partitions;
    }
}
