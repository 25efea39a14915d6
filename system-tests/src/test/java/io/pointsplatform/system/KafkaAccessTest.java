package io.pointsplatform.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The local broker's authentication and ACLs as deploy/local/up.sh sets them up (a {@link
 * LocalBroker}: the same script, deploy/local/kafka-up.sh, on ports of its own), written to as
 * clients with and without the right credentials.
 */
class KafkaAccessTest {

    private static final String LEDGER = "points.ledger";
    private static final String SCRAM = "org.apache.kafka.common.security.scram.ScramLoginModule";
    private static final String PLAIN = "org.apache.kafka.common.security.plain.PlainLoginModule";
    private static final List<String> SERVICES =
            List.of("earning-service", "ledger-service", "catalog-service", "redemption-service", "notification-service");

    private static LocalBroker broker;

    @BeforeAll
    static void startTheBroker() throws Exception {
        broker = LocalBroker.start("kafka-access");
    }

    @AfterAll
    static void stopTheBroker() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void onlyEarningServiceAndLedgerServiceWritePointsLedger() throws Exception {
        String mark = UUID.randomUUID().toString();
        List<String> written = new ArrayList<>();
        for (String writer : List.of("earning-service", "ledger-service")) {
            String value = writer + " " + mark;
            RecordMetadata sent = send(principal(writer), LEDGER, value);
            assertThat(sent.topic()).isEqualTo(LEDGER);
            written.add(value);
        }

        // Another service's credentials: authenticated, and refused by the ACLs.
        for (String other : List.of("catalog-service", "redemption-service", "notification-service")) {
            assertThat(refusal(principal(other), LEDGER, other + " " + mark))
                    .as(other + " writing " + LEDGER)
                    .isInstanceOf(TopicAuthorizationException.class)
                    .satisfies(e -> assertThat(((TopicAuthorizationException) e).unauthorizedTopics()).contains(LEDGER));
        }
        // The same through PLAIN (there for older librdkafka clients): the same principals, the same ACLs.
        assertThat(refusal(login("PLAIN", PLAIN, "catalog-service", password("catalog-service")), LEDGER, "plain " + mark))
                .isInstanceOf(TopicAuthorizationException.class);

        // No credentials, or wrong ones: not even authenticated.
        assertThat(refusal(login("SCRAM-SHA-512", SCRAM, "ledger-service", "not-" + password("ledger-service")),
                LEDGER, "wrong password " + mark)).isInstanceOf(SaslAuthenticationException.class);
        assertThat(refusal(login("SCRAM-SHA-512", SCRAM, "nobody", password("ledger-service")), LEDGER, "unknown " + mark))
                .isInstanceOf(SaslAuthenticationException.class);
        assertThat(refusal(login("PLAIN", PLAIN, "earning-service", "guess"), LEDGER, "plain guess " + mark))
                .isInstanceOf(SaslAuthenticationException.class);
        // A plaintext client: the broker drops the connection at its first request, so the producer
        // never learns the topic's partitions and gives up when max.block.ms runs out.
        assertThat(refusal(connection(), LEDGER, "plaintext " + mark))
                .isInstanceOf(TimeoutException.class);

        // What the log holds: the two allowed records, nothing of the refused ones.
        assertThat(readAll(principal("operator"), LEDGER)).containsExactlyInAnyOrderElementsOf(written);
    }

    @Test
    void eachServiceWritesItsOwnTopicsAndItsOwnDeadLetterTopicsOnly() throws Exception {
        assertThat(send(principal("earning-service"), "members", "m").topic()).isEqualTo("members");
        assertThat(send(principal("catalog-service"), "catalog.rewards", "r").topic()).isEqualTo("catalog.rewards");
        assertThat(send(principal("redemption-service"), "redemptions", "x").topic()).isEqualTo("redemptions");
        assertThat(refusal(principal("ledger-service"), "members", "m")).isInstanceOf(TopicAuthorizationException.class);
        assertThat(refusal(principal("notification-service"), "catalog.rewards", "r"))
                .isInstanceOf(TopicAuthorizationException.class);

        // Dead-letter topics are made by the broker on first use, by the service allowed to.
        assertThat(send(principal("catalog-service"), "points.ledger.dlq.catalog-service", "d").topic())
                .isEqualTo("points.ledger.dlq.catalog-service");
        assertThat(send(principal("notification-service"), "members.dlq.notification-service", "d").topic())
                .isEqualTo("members.dlq.notification-service");
        assertThat(refusal(principal("catalog-service"), "points.ledger.dlq.ledger-service", "d"))
                .isInstanceOf(TopicAuthorizationException.class);
    }

    @Test
    void aServiceConsumesInItsOwnGroupOnly() throws Exception {
        assertThat(firstPoll(principal("catalog-service"), "catalog-service")).isNull();
        assertThat(firstPoll(principal("catalog-service"), "ledger-service")).isInstanceOf(GroupAuthorizationException.class);
        assertThat(firstPoll(principal("operator"), "any-group-" + UUID.randomUUID())).isNull();
    }

    /**
     * The ACLs cover what the services' own configuration says they consume and where they set
     * records aside: a new consumer without its grant in contract.conf fails here, not on the local stack.
     */
    @Test
    void theContractGrantsWhatEachServiceConsumesAndDeadLetters() throws IOException {
        Map<String, Set<String>> reads = new HashMap<>();
        Map<String, Set<String>> groups = new HashMap<>();
        Map<String, Set<String>> writes = new HashMap<>();
        for (String line : Files.readAllLines(broker.root().resolve("deploy/local/kafka/contract.conf"))) {
            String[] words = line.strip().split("\\s+");
            if (words.length < 3 || words[0].startsWith("#") || words[0].equals("topic")) {
                continue;
            }
            Map<String, Set<String>> grants = switch (words[1]) {
                case "reads" -> reads;
                case "groups" -> groups;
                case "writes" -> writes;
                default -> throw new AssertionError("unknown verb in contract.conf: " + line);
            };
            grants.computeIfAbsent(words[0], k -> new TreeSet<>()).addAll(List.of(words).subList(2, words.length));
        }
        for (String service : SERVICES) {
            Properties config = new Properties();
            try (InputStream in = Files.newInputStream(broker.root().resolve(service).resolve("src/main/resources/application.properties"))) {
                config.load(in);
            }
            Set<String> read = reads.getOrDefault(service, Set.of());
            for (String key : config.stringPropertyNames()) {
                String value = config.getProperty(key);
                if (key.matches("mp\\.messaging\\.incoming\\.[^.]+\\.topic")) {
                    assertThat(read).as(service + " consumes " + value + " (" + key + ")").contains(value);
                } else if (key.matches("mp\\.messaging\\.incoming\\.[^.]+\\.group\\.id")) {
                    assertThat(groups.getOrDefault(service, Set.of())).as(service + "'s group " + value).contains(value);
                } else if (key.matches("mp\\.messaging\\.(outgoing\\.[^.]+\\.topic|incoming\\.[^.]+\\.dead-letter-queue\\.topic)")) {
                    boolean ownDeadLetters = read.stream().anyMatch(topic -> value.equals(topic + ".dlq." + service));
                    assertThat(ownDeadLetters || writes.getOrDefault(service, Set.of()).contains(value))
                            .as(service + " writes " + value + " (" + key + ")").isTrue();
                }
            }
        }
    }

    // --- clients --------------------------------------------------------------------------------

    /** The client properties kafka-up.sh wrote for that principal. */
    private static Properties principal(String name) throws IOException {
        return broker.client(name);
    }

    private static String password(String principal) throws IOException {
        return broker.password(principal);
    }

    private static Properties login(String mechanism, String module, String user, String password) {
        Properties properties = connection();
        properties.put("security.protocol", "SASL_PLAINTEXT");
        properties.put("sasl.mechanism", mechanism);
        properties.put("sasl.jaas.config", module + " required username=\"" + user + "\" password=\"" + password + "\";");
        return properties;
    }

    /** No credentials: the broker's address alone. */
    private static Properties connection() {
        Properties properties = new Properties();
        properties.put("bootstrap.servers", broker.bootstrap());
        return properties;
    }

    private static KafkaProducer<String, String> producer(Properties client) {
        Properties config = new Properties();
        config.putAll(client);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "8000");
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "8000");
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "16000");
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }

    private static RecordMetadata send(Properties client, String topic, String value) throws Exception {
        KafkaProducer<String, String> producer = producer(client);
        try {
            return producer.send(new ProducerRecord<>(topic, "m-" + value.hashCode(), value)).get(30, TimeUnit.SECONDS);
        } finally {
            producer.close(Duration.ofSeconds(5));
        }
    }

    /** Why a send is refused, whether send() itself throws or its future fails; fails the test if it is not. */
    private static Throwable refusal(Properties client, String topic, String value) throws Exception {
        KafkaProducer<String, String> producer = producer(client);
        try {
            RecordMetadata sent = producer.send(new ProducerRecord<>(topic, "m-" + value.hashCode(), value)).get(30, TimeUnit.SECONDS);
            throw new AssertionError("written to " + sent + ": " + value);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (org.apache.kafka.common.KafkaException e) {
            return e;
        } finally {
            producer.close(Duration.ofSeconds(5));
        }
    }

    /** Every value on the topic, from offset 0 to the end offsets found first. */
    private static List<String> readAll(Properties client, String topic) {
        Properties config = new Properties();
        config.putAll(client);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(20)).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<String> values = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                assertThat(System.nanoTime()).as("reading " + topic + " to its end").isLessThan(deadline);
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    values.add(record.value());
                }
            }
            return values;
        }
    }

    /** Joins {@code group} on points.ledger; null when the first polls go through, else what they threw. */
    private static Throwable firstPoll(Properties client, String group) {
        Properties config = new Properties();
        config.putAll(client);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(LEDGER));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (consumer.assignment().isEmpty()) {
                assertThat(System.nanoTime()).as(group + " gets its partitions").isLessThan(deadline);
                consumer.poll(Duration.ofMillis(500));
            }
            return null;
        } catch (org.apache.kafka.common.KafkaException e) {
            return e;
        }
    }
}
