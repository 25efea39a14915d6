package io.pointsplatform.ledger.account.replay;

import io.pointsplatform.events.Account;
import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.EventCodec;
import io.pointsplatform.events.PointsEvent;
import io.pointsplatform.events.PointsReserved;
import io.pointsplatform.events.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
 * partitions are folded on parallel threads into disjoint accounts. Blocking: run it on a worker.
 */
public final class LogReplay {

    /** The state a replay reached: accounts, the ids it applied, and where it stopped. */
    public static final class State {
        final Map<String, Account> accounts = new HashMap<>();
        final Map<String, PointsReserved> holds = new HashMap<>();
        final LongHashSet seen = new LongHashSet();
        final List<String> refused = new ArrayList<>();
        Map<TopicPartition, Long> position = new HashMap<>();
        java.util.Set<String> touched;
        long events;
        long duplicates;
        double seconds;

        public Map<String, Account> accounts() {
            return accounts;
        }

        /** The event that made each hold ("memberId/holdId"), for its TTL and reference. */
        public Map<String, PointsReserved> holds() {
            return holds;
        }

        public List<String> refused() {
            return refused;
        }

        public long events() {
            return events;
        }

        public long duplicates() {
            return duplicates;
        }

        public double seconds() {
            return seconds;
        }

        void absorb(State part) {
            accounts.putAll(part.accounts);
            holds.putAll(part.holds);
            seen.addAll(part.seen);
            if (refused.size() < MAX_REFUSED_LISTED) {
                refused.addAll(part.refused.subList(0, Math.min(part.refused.size(), MAX_REFUSED_LISTED - refused.size())));
            }
            events += part.events;
            duplicates += part.duplicates;
        }
    }

    private static final int MAX_REFUSED_LISTED = 100;
    private static final Duration MAX_DURATION = Duration.ofMinutes(30);

    private final String bootstrapServers;
    private final EventCodec codec;

    public LogReplay(String bootstrapServers, EventCodec codec) {
        this.bootstrapServers = bootstrapServers;
        this.codec = codec;
    }

    /** The whole topic, from offset 0 to the end offsets found at the start. */
    public State replay() {
        long start = System.nanoTime();
        State state = new State();
        Map<TopicPartition, Long> end;
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = partitions(consumer);
            end = consumer.endOffsets(partitions);
            state.position = new HashMap<>(consumer.beginningOffsets(partitions));
        }
        int threads = Math.max(1, Math.min(end.size(), Runtime.getRuntime().availableProcessors()));
        List<Map<TopicPartition, Long>> groups = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            groups.add(new HashMap<>());
        }
        int i = 0;
        for (Map.Entry<TopicPartition, Long> partition : end.entrySet()) {
            groups.get(i++ % threads).put(partition.getKey(), partition.getValue());
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> new Thread(r, "ledger-replay"));
        try {
            List<Future<State>> parts = new ArrayList<>();
            for (Map<TopicPartition, Long> group : groups) {
                Map<TopicPartition, Long> from = new HashMap<>();
                group.keySet().forEach(p -> from.put(p, state.position.get(p)));
                parts.add(pool.submit(() -> {
                    State part = new State();
                    fold(part, from, group);
                    return part;
                }));
            }
            for (Future<State> part : parts) {
                state.absorb(part.get());
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
     * Carries {@code state} on from where it stopped to the end offsets found now; returns the
     * members whose accounts that changed.
     */
    public java.util.Set<String> catchUp(State state) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions(consumer));
            state.touched = new java.util.HashSet<>();
            fold(state, state.position, end);
            state.position = new HashMap<>(end);
            java.util.Set<String> touched = state.touched;
            state.touched = null;
            return touched;
        }
    }

    private void fold(State state, Map<TopicPartition, Long> from, Map<TopicPartition, Long> until) {
        long start = System.nanoTime();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            Map<TopicPartition, Long> remaining = new HashMap<>();
            until.forEach((partition, stop) -> {
                long first = from.getOrDefault(partition, 0L);
                if (stop > first) {
                    remaining.put(partition, stop);
                }
            });
            consumer.assign(remaining.keySet());
            remaining.keySet().forEach(p -> consumer.seek(p, from.getOrDefault(p, 0L)));
            while (!remaining.isEmpty()) {
                if (System.nanoTime() - start > MAX_DURATION.toNanos()) {
                    throw new IllegalStateException("replay took longer than " + MAX_DURATION);
                }
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofSeconds(2));
                for (TopicPartition partition : records.partitions()) {
                    Long stop = remaining.get(partition);
                    if (stop == null) {
                        continue;
                    }
                    for (ConsumerRecord<byte[], byte[]> record : records.records(partition)) {
                        if (record.offset() >= stop) {
                            break;
                        }
                        apply(state, partition, record);
                        if (record.offset() + 1 >= stop) {
                            remaining.remove(partition);
                            consumer.pause(List.of(partition));
                        }
                    }
                }
            }
        }
    }

    private void apply(State state, TopicPartition partition, ConsumerRecord<byte[], byte[]> record) {
        state.events++;
        try {
            CloudEvent event = codec.read(record.value());
            if (!state.seen.add(LongHashSet.hash(event.id()))) {
                state.duplicates++;
                return;
            }
            if (event.data() instanceof PointsEvent data) {
                state.accounts.computeIfAbsent(data.memberId(), Account::new).apply(data);
                if (state.touched != null) {
                    state.touched.add(data.memberId());
                }
                if (data instanceof PointsReserved hold) {
                    state.holds.put(hold.memberId() + "/" + hold.holdId(), hold);
                }
            }
        } catch (RuntimeException e) {
            if (state.refused.size() < MAX_REFUSED_LISTED) {
                state.refused.add(partition + "@" + record.offset() + ": " + e.getMessage());
            }
        }
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
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
