package io.pointsplatform.ledger.account.replay;

import io.pointsplatform.events.Account;
import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.EventCodec;
import io.pointsplatform.events.PointsEvent;
import io.pointsplatform.events.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Folds {@code points.ledger} from offset 0 to the end offsets it finds at the start, with a plain
 * consumer of its own (no group, nothing committed) and the shared fold, independently of the
 * live projection. Each event id counts once, as live consumption does. Blocking: run it on a
 * worker thread.
 */
public final class LogReplay {

    /** What the log says: every member's account, and the records the fold could not take. */
    public record Result(Map<String, Account> accounts, long events, long duplicates, List<String> refused,
                         Map<TopicPartition, Long> endOffsets, double seconds) {
    }

    private static final int MAX_REFUSED_LISTED = 100;
    private static final Duration MAX_DURATION = Duration.ofMinutes(30);

    private final String bootstrapServers;
    private final EventCodec codec;

    public LogReplay(String bootstrapServers, EventCodec codec) {
        this.bootstrapServers = bootstrapServers;
        this.codec = codec;
    }

    public Result replay() {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        config.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, String.valueOf(64 * 1024 * 1024));
        config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(16 * 1024 * 1024));
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "ledger-replay");
        long start = System.nanoTime();
        try (KafkaConsumer<String, byte[]> consumer =
                     new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(Topics.POINTS_LEDGER, Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(info.topic(), info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Map<TopicPartition, Long> remaining = new HashMap<>();
            end.forEach((partition, offset) -> {
                if (offset > consumer.position(partition)) {
                    remaining.put(partition, offset);
                }
            });
            consumer.pause(partitions.stream().filter(p -> !remaining.containsKey(p)).toList());

            Map<String, Account> accounts = new HashMap<>();
            java.util.Set<String> seen = new java.util.HashSet<>();
            List<String> refused = new ArrayList<>();
            long events = 0;
            long duplicates = 0;
            while (!remaining.isEmpty()) {
                if (System.nanoTime() - start > MAX_DURATION.toNanos()) {
                    throw new IllegalStateException("replay took longer than " + MAX_DURATION);
                }
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofSeconds(2));
                for (ConsumerRecord<String, byte[]> record : records) {
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    Long stop = remaining.get(partition);
                    if (stop == null || record.offset() >= stop) {
                        continue;
                    }
                    events++;
                    try {
                        CloudEvent event = codec.read(record.value());
                        if (!seen.add(event.id())) {
                            duplicates++;
                        } else if (event.data() instanceof PointsEvent data) {
                            Account account = accounts.computeIfAbsent(data.memberId(), Account::new);
                            account.apply(data);
                        }
                    } catch (RuntimeException e) {
                        if (refused.size() < MAX_REFUSED_LISTED) {
                            refused.add(partition + "@" + record.offset() + ": " + e.getMessage());
                        }
                    }
                    if (record.offset() + 1 >= stop) {
                        remaining.remove(partition);
                        consumer.pause(List.of(partition));
                    }
                }
            }
            return new Result(accounts, events, duplicates, refused, end, (System.nanoTime() - start) / 1e9);
        }
    }
}
