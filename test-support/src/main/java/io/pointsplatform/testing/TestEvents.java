package io.pointsplatform.testing;

import io.pointsplatform.events.BreakdownLine;
import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.EventCodec;
import io.pointsplatform.events.Origin;
import io.pointsplatform.events.OriginKind;
import io.pointsplatform.events.PointsEarned;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;

/** Events as earning-service would write them, and a way to put them on the test broker. */
public final class TestEvents {

    private static final EventCodec CODEC = new EventCodec();

    private TestEvents() {
    }

    /** A credit available now that expires in a year, on a fresh lot. */
    public static CloudEvent earned(String memberId, long points) {
        return earnedAt(memberId, points, Instant.now());
    }

    /** A credit that occurred at {@code at} (available from then), expiring a year from now, on a fresh lot. */
    public static CloudEvent earnedAt(String memberId, long points, Instant at) {
        String lotId = "lot-" + UUID.randomUUID();
        return CloudEvent.of("points.earned:" + lotId, "/earning-service", memberId, at,
                new PointsEarned(memberId, lotId, points, new Origin(OriginKind.ORDER, "order-" + lotId),
                        List.of(new BreakdownLine("base", points)), at.minusSeconds(1),
                        Instant.now().plus(365, ChronoUnit.DAYS)));
    }

    /** As the outbox relay does: structured mode, with the CloudEvents content-type header. */
    public static void publish(String topic, CloudEvent event) {
        PlatformTestResource.kafka().produceStrings().fromRecords(record(topic, event)).awaitCompletion();
    }

    /** The record the outbox relay writes for an event: keyed by its subject, structured mode. */
    public static ProducerRecord<String, String> record(String topic, CloudEvent event) {
        return record(topic, null, event.subject(), CODEC.write(event));
    }

    /**
     * Any value as a structured-mode record, on the given partition (null: by key). Records sent
     * together to one partition reach a batch consumer in one poll, as a rule.
     */
    public static ProducerRecord<String, String> record(String topic, Integer partition, String key, String value) {
        ProducerRecord<String, String> record = new ProducerRecord<>(topic, partition, key, value);
        record.headers().add("content-type",
                (CloudEvent.CONTENT_TYPE + "; charset=UTF-8").getBytes(StandardCharsets.UTF_8));
        return record;
    }

    /**
     * A fresh member id, {@code prefix} followed by a random part, whose partition (Kafka's default
     * partitioner over the test broker's {@value PlatformTestResource#PARTITIONS} partitions) is
     * {@code partition}: records sent together to that partition reach a batch consumer in one poll,
     * and are where every consumer expects the member's records (one member, one partition).
     */
    public static String memberOnPartition(String prefix, int partition) {
        while (true) {
            String memberId = prefix + UUID.randomUUID();
            if (partitionOf(memberId) == partition) {
                return memberId;
            }
        }
    }

    /** The partition the Java producer's default partitioner gives a record keyed {@code memberId} on the test broker. */
    public static int partitionOf(String memberId) {
        return BuiltInPartitioner.partitionForKey(memberId.getBytes(StandardCharsets.UTF_8), PlatformTestResource.PARTITIONS);
    }

    /** How long {@link #publishHuge}'s value is: three times a producer's default request limit (1 MiB). */
    public static final int HUGE_BYTES = 3_000_000;

    /**
     * A record too large to be set aside whole: {@value #HUGE_BYTES} bytes of value, past a producer's
     * default request limit, which a client that raises its own limit gets past the broker by
     * compressing it (the broker limits the compressed batch). Not a CloudEvent. Sent to
     * {@code partition} keyed {@code key}; answers its offset.
     */
    /** Raw bytes as a record's value (bytes that are not UTF-8, say), on the given partition; its offset. */
    public static long publishBytes(String topic, int partition, String key, byte[] value) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, partition, key, value);
        return PlatformTestResource.kafka().produce(String.class, byte[].class).fromRecords(record)
                .awaitCompletion().getLastRecord().offset();
    }

    public static long publishHuge(String topic, int partition, String key) {
        String value = "{\"specversion\":\"1.0\",\"padding\":\"" + "a".repeat(HUGE_BYTES) + "\"}";
        return PlatformTestResource.kafka().produceStrings()
                .withProp("max.request.size", Integer.toString(4 * HUGE_BYTES))
                .withProp("compression.type", "lz4")
                .fromRecords(record(topic, partition, key, value))
                .awaitCompletion().getLastRecord().offset();
    }

    /** Any text as a record value, e.g. to show what a consumer does with something unreadable. */
    public static void publishRaw(String topic, String key, String value) {
        PlatformTestResource.kafka().produceStrings()
                .fromRecords(new ProducerRecord<>(topic, key, value))
                .awaitCompletion();
    }
}
