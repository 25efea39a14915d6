package io.pointsplatform.kit.inbox;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;

/**
 * One member, one partition (CONTRACT.md, "Kafka topics"): the partition of a topic keyed by member
 * id that Kafka's default partitioner gives a member, the Java client's, and how many partitions a
 * consumed topic has.
 *
 * <p>A record found on another partition than its member's came from a producer with another
 * partitioner (librdkafka's default, {@code consistent_random}, hashes with CRC32; it must be set to
 * {@code murmur2_random}). Per-member order, and so replay = live, rests on the rule, so what a
 * consumer does with such a record is part of the contract: see docs/contract-extensions.md ("The
 * log").
 */
@ApplicationScoped
public class MemberPartitions {

    private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
    private static final int RETRIES = 64;

    private final KafkaClientService clients;
    private final Map<String, Integer> counts = new ConcurrentHashMap<>();

    public MemberPartitions(KafkaClientService clients) {
        this.clients = clients;
    }

    /**
     * The partition the Java client's default partitioner gives a record keyed {@code memberId} on a
     * topic of {@code partitions} partitions: murmur2 of the key's UTF-8 bytes, made positive, modulo
     * the count ({@code BuiltInPartitioner.partitionForKey}).
     */
    public static int of(String memberId, int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("a topic has at least one partition, not " + partitions);
        }
        return Utils.toPositive(Utils.murmur2(memberId.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /** Whether {@code record} is on another partition than {@code memberId}'s. */
    public static boolean misplaced(ConsumerRecord<?, ?> record, String memberId, int partitions) {
        return record.partition() != of(memberId, partitions);
    }

    /**
     * How many partitions the topic of these records has, as the channel's consumer sees it. Asked
     * once per topic (a partition count is fixed for the life of a topic keyed by member: adding
     * partitions moves members), and again if a record comes from a partition beyond the count known.
     */
    public Uni<Integer> count(String channel, ConsumerRecords<?, ?> records) {
        String topic = null;
        int highest = -1;
        for (TopicPartition partition : records.partitions()) {
            topic = partition.topic();
            highest = Math.max(highest, partition.partition());
        }
        if (topic == null) {
            return Uni.createFrom().item(0);
        }
        return count(channel, topic, highest);
    }

    /** As {@link #count(String, ConsumerRecords)}, for a record of {@code topic} read from {@code partition}. */
    public Uni<Integer> count(String channel, String topic, int partition) {
        Integer known = counts.get(topic);
        if (known != null && partition < known) {
            return Uni.createFrom().item(known);
        }
        // The broker away for a moment must not fail a batch (which stops the channel) or set a
        // good record aside: asked again with backoff for about ten minutes, as Batches waits out outages.
        return Uni.createFrom().deferred(() -> consumerOf(channel).partitionsFor(topic))
                .onFailure().invoke(e -> Log.warnf("Cannot read the partitions of %s, trying again: %s", topic, e.toString()))
                .onFailure().retry().withBackOff(FIRST_BACKOFF, MAX_BACKOFF).atMost(RETRIES)
                .map(infos -> remember(topic, Math.max(infos.size(), partition + 1)));
    }

    /**
     * The channel's consumer; a channel read with {@code concurrency} N has N consumers, whose
     * channels the connector names {@code channel$1} to {@code channel$N}: any of them knows the
     * topic's partitions.
     */
    private KafkaConsumer<Object, Object> consumerOf(String channel) {
        KafkaConsumer<Object, Object> consumer = clients.getConsumer(channel);
        if (consumer != null) {
            return consumer;
        }
        for (String name : clients.getConsumerChannels()) {
            if (name.startsWith(channel + "$")) {
                return clients.getConsumer(name);
            }
        }
        throw new IllegalStateException("no Kafka consumer for channel " + channel);
    }

    private int remember(String topic, int count) {
        Integer before = counts.put(topic, count);
        if (before == null) {
            Log.infof("%s has %d partitions; a record on another than its member's is handled as"
                    + " docs/contract-extensions.md says (\"The log\")", topic, count);
        } else if (before != count) {
            Log.warnf("%s now has %d partitions, not %d: members whose partition moved are read as misplaced"
                    + " from now on", topic, count, before);
        }
        return count;
    }
}
