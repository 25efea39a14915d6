package io.pointsplatform.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Assertions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a topic of the test broker from its beginning, without a consumer group, and collects the
 * records a test is waiting for. Topics are shared by every test of the JVM, so tests pick out
 * their own records (by key, usually a fresh member id).
 */
public final class TopicReader {

    private TopicReader() {
    }

    /** Waits until {@code count} records match, or fails after {@code timeout} saying what it saw. */
    public static List<ConsumerRecord<String, String>> await(String topic, Predicate<ConsumerRecord<String, String>> match,
                                                             int count, Duration timeout) {
        List<ConsumerRecord<String, String>> found = new ArrayList<>();
        long seen = 0;
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, String> consumer = consumer()) {
            fromTheBeginning(consumer, topic, deadline);
            while (found.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    seen++;
                    if (match.test(record)) {
                        found.add(record);
                    }
                }
            }
        }
        if (found.size() < count) {
            throw new AssertionError("expected " + count + " matching records on " + topic + " within " + timeout
                    + " but found " + found.size() + " among " + seen + ": " + found);
        }
        return found;
    }

    /**
     * Every record that matches, reading the topic up to its end as it is now: for asserting that
     * something was published exactly once (after waiting for it with {@link #await}).
     */
    public static List<ConsumerRecord<String, String>> all(String topic, Predicate<ConsumerRecord<String, String>> match) {
        List<ConsumerRecord<String, String>> found = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try (KafkaConsumer<String, String> consumer = consumer()) {
            List<TopicPartition> partitions = fromTheBeginning(consumer, topic, deadline);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic + " to its end within 60 s");
                }
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    if (match.test(record)) {
                        found.add(record);
                    }
                }
            }
        }
        return found;
    }

    private static KafkaConsumer<String, String> consumer() {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, PlatformTestResource.kafkaBootstrapServers());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
    }

    /** Assigns every partition of the topic (waiting for it to exist) at offset 0. */
    private static List<TopicPartition> fromTheBeginning(KafkaConsumer<String, String> consumer, String topic,
                                                         long deadline) {
        List<TopicPartition> partitions = new ArrayList<>();
        while (partitions.isEmpty() && System.nanoTime() < deadline) {
            consumer.partitionsFor(topic, Duration.ofSeconds(5))
                    .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return partitions;
    }

    /**
     * Dead letters, one per record set aside: the first of each {@code dead-letter-topic},
     * {@code -partition} and {@code -offset}. A record is set aside at least once, not exactly once:
     * a rebalance that takes its partition from the consumer while its batch is being applied (a
     * second consumer of the group joining, as at a service's start), or a crash before the batch's
     * offsets are committed, gives the batch again and the record is set aside again
     * (docs/contract-extensions.md, "Bad records").
     */
    public static List<ConsumerRecord<String, String>> onePerSource(List<ConsumerRecord<String, String>> deadLetters) {
        Map<String, ConsumerRecord<String, String>> first = new LinkedHashMap<>();
        for (ConsumerRecord<String, String> letter : deadLetters) {
            first.putIfAbsent(header(letter, "dead-letter-topic") + "-" + header(letter, "dead-letter-partition")
                    + "@" + header(letter, "dead-letter-offset"), letter);
        }
        return new ArrayList<>(first.values());
    }

    /**
     * The dead letters on {@code topic} that match, one per record set aside ({@link #onePerSource}),
     * reading the topic up to its end as it is now ({@link #all}).
     */
    public static List<ConsumerRecord<String, String>> deadLetters(String topic,
                                                                   Predicate<ConsumerRecord<String, String>> match) {
        return onePerSource(all(topic, match));
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        if (header == null) {
            throw new AssertionError("dead letter " + record + " has no " + name + " header");
        }
        return new String(header.value(), StandardCharsets.UTF_8);
    }

    /**
     * Waits for the dead letter of the record {@link TestEvents#publishHuge} sent to {@code topic}-
     * {@code partition}@{@code offset} keyed {@code key}, on {@code deadLetterTopic}, and asserts it
     * was set aside cut to fit (its value's beginning, with the length it had) under the same key.
     */
    public static void assertSetAsideCut(String deadLetterTopic, String topic, int partition, long offset,
                                         String key) {
        ConsumerRecord<String, String> letter = await(deadLetterTopic,
                r -> r.headers().lastHeader("dead-letter-offset") != null
                        && topic.equals(header(r, "dead-letter-topic"))
                        && Integer.toString(partition).equals(header(r, "dead-letter-partition"))
                        && Long.toString(offset).equals(header(r, "dead-letter-offset")),
                1, Duration.ofSeconds(60)).get(0);
        Assertions.assertEquals(key, letter.key());
        Assertions.assertTrue(letter.value().startsWith("{\"specversion\":\"1.0\",\"padding\":\"aaaa"),
                () -> "the letter's value begins " + letter.value().substring(0, Math.min(80, letter.value().length())));
        Assertions.assertTrue(letter.value().length() < TestEvents.HUGE_BYTES / 2, "the letter's value cut");
        Assertions.assertTrue(Long.parseLong(header(letter, "dead-letter-value-truncated-from-bytes"))
                > TestEvents.HUGE_BYTES, "the letter says how long the value was");
    }

    /** The records of one key (a member id), in order, once {@code count} of them are there. */
    public static List<ConsumerRecord<String, String>> awaitKey(String topic, String key, int count) {
        return await(topic, r -> key.equals(r.key()), count, Duration.ofSeconds(30));
    }
}
