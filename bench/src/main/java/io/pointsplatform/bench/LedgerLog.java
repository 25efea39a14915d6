package io.pointsplatform.bench;

import io.pointsplatform.events.Account;
import io.pointsplatform.events.AllocationPlan;
import io.pointsplatform.events.Allocator;
import io.pointsplatform.events.BreakdownLine;
import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.EventCodec;
import io.pointsplatform.events.MemberEnrolled;
import io.pointsplatform.events.Origin;
import io.pointsplatform.events.OriginKind;
import io.pointsplatform.events.PointsEarned;
import io.pointsplatform.events.PointsEvent;
import io.pointsplatform.events.PointsSpent;
import io.pointsplatform.events.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes to {@code points.ledger} as earning- and ledger-service would (structured CloudEvents, key
 * = member id, the relay's producer settings), and reads it back with a plain consumer: the raw
 * Kafka figures that the ledger's numbers are set beside.
 */
final class LedgerLog implements AutoCloseable {

    private static final byte[] CONTENT_TYPE = (CloudEvent.CONTENT_TYPE + "; charset=UTF-8").getBytes(StandardCharsets.UTF_8);

    private final Properties connection;
    private final EventCodec codec = new EventCodec();
    private final KafkaProducer<String, byte[]> producer;

    /** {@code connection}: bootstrap.servers and how to log in (e.g. the local stack's operator.properties). */
    LedgerLog(Properties connection) {
        this.connection = connection;
        Properties config = new Properties();
        config.putAll(connection);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        config.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, "131072");
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    /** A credit as earning-service writes it: available now, a year to live. */
    static CloudEvent earned(String memberId, String lotId, long points, Instant now) {
        return CloudEvent.of("points.earned:" + lotId, "/earning-service", memberId, now,
                new PointsEarned(memberId, lotId, points, new Origin(OriginKind.ORDER, lotId),
                        List.of(new BreakdownLine("base", points)), now.minusSeconds(60), now.plus(365, ChronoUnit.DAYS)));
    }

    /** An enrolment as earning-service writes it on {@code members}: no e-mail address, no name. */
    static CloudEvent enrolled(String memberId, String locale, Instant now) {
        return CloudEvent.of("member.enrolled:" + memberId, "/earning-service", memberId, now,
                new MemberEnrolled(memberId, null, null, null, locale, null));
    }

    void send(CloudEvent event) {
        send(Topics.POINTS_LEDGER, event);
    }

    /** {@code event} on {@code topic}, keyed by its member. */
    void send(String topic, CloudEvent event) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, event.subject(), codec.writeBytes(event));
        record.headers().add("content-type", CONTENT_TYPE);
        AtomicReference<Exception> failure = new AtomicReference<>();
        producer.send(record, (metadata, error) -> {
            if (error != null) {
                failure.compareAndSet(null, error);
            }
        });
        if (failure.get() != null) {
            throw new IllegalStateException("produce failed", failure.get());
        }
    }

    void flush() {
        producer.flush();
    }

    /**
     * {@code events} events over {@code members} members of run {@code runId}: about 60% credits and
     * 40% direct spends, each spend naming the lots the shared allocator picks, so the log is one the
     * fold accepts. Returns the events per second the producer sustained (acks=all, flushed).
     */
    double writeHistory(String runId, long events, int members) {
        long start = System.nanoTime();
        history(runId, events, members, this::send);
        producer.flush();
        return events / ((System.nanoTime() - start) / 1e9);
    }

    /** The history {@link #writeHistory} writes, handed to {@code sink} one event at a time. */
    static void history(String runId, long events, int members, java.util.function.Consumer<CloudEvent> sink) {
        SplittableRandom random = new SplittableRandom(42);
        List<Account> accounts = new ArrayList<>(members);
        for (int i = 0; i < members; i++) {
            accounts.add(new Account("bench-" + runId + "-m" + i));
        }
        Instant now = Instant.now();
        for (long n = 0; n < events; n++) {
            Account account = accounts.get((int) (n % members));
            String memberId = account.memberId();
            long available = account.balance(now).available();
            PointsEvent data;
            String id;
            if (available >= 10 && random.nextInt(10) < 4) {
                long points = 1 + random.nextLong(Math.min(available, 200));
                AllocationPlan plan = Allocator.forDebit(account.lots(), points, now);
                data = new PointsSpent(memberId, null, points, plan.allocations(), "bench-" + n);
                id = "points.spent:bench-" + runId + "-" + n;
            } else {
                String lotId = "bench-" + runId + "-lot" + n;
                CloudEvent credit = earned(memberId, lotId, 1 + random.nextLong(500), now);
                data = (PointsEvent) credit.data();
                id = credit.id();
            }
            account.apply(data);
            sink.accept(CloudEvent.of(id, "/bench", memberId, now, data));
        }
    }

    /**
     * The in-process ceiling of a rebuild on one thread: decode every document and fold it, no
     * Kafka, no database. Returns events per second (best of three rounds, after a warm-up round).
     */
    static double decodeAndFold(long events, int members) {
        EventCodec codec = new EventCodec();
        List<byte[]> documents = new ArrayList<>();
        history("fold", events, members, event -> documents.add(codec.writeBytes(event)));
        double best = 0;
        for (int round = 0; round < 4; round++) {
            java.util.Map<String, Account> accounts = new java.util.HashMap<>();
            long start = System.nanoTime();
            for (byte[] document : documents) {
                CloudEvent event = codec.read(document);
                accounts.computeIfAbsent(event.subject(), Account::new).apply((PointsEvent) event.data());
            }
            double rate = documents.size() / ((System.nanoTime() - start) / 1e9);
            best = round == 0 ? 0 : Math.max(best, rate);
        }
        return best;
    }

    /** Reads the whole topic from offset 0 with a plain consumer; returns records per second. */
    double readAll(long[] countOut) {
        Properties config = new Properties();
        config.putAll(connection);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        config.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, String.valueOf(64 * 1024 * 1024));
        config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(16 * 1024 * 1024));
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(Topics.POINTS_LEDGER)) {
                partitions.add(new TopicPartition(info.topic(), info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            var end = consumer.endOffsets(partitions);
            long total = end.values().stream().mapToLong(Long::longValue).sum()
                    - consumer.beginningOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
            long start = System.nanoTime();
            long read = 0;
            while (read < total) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofSeconds(5));
                read += records.count();
                if (records.isEmpty() && System.nanoTime() - start > Duration.ofMinutes(10).toNanos()) {
                    throw new IllegalStateException("read " + read + " of " + total + " records in 10 minutes");
                }
            }
            countOut[0] = read;
            return read / ((System.nanoTime() - start) / 1e9);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
