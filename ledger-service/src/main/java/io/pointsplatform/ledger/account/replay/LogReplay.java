package io.pointsplatform.ledger.account.replay;

import io.pointsplatform.events.EventIdSet;
import io.pointsplatform.events.Account;
import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.EventCodec;
import io.pointsplatform.events.EventFormatException;
import io.pointsplatform.events.PointsEarned;
import io.pointsplatform.events.PointsEvent;
import io.pointsplatform.events.PointsReleased;
import io.pointsplatform.events.PointsReserved;
import io.pointsplatform.events.PointsSpent;
import io.pointsplatform.events.Topics;
import io.pointsplatform.kit.inbox.MemberPartitions;
import io.pointsplatform.kit.kafka.KafkaConnection;
import io.pointsplatform.ledger.account.repository.AccountStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.ToLongFunction;
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
 * consumption does (exactly: {@link EventIdSet}), and only once it was applied: an event the fold
 * refuses is not taken for applied, so a later copy of it is folded, as the live ledger applies it.
 * A member's events all live in one partition (the key is the member id), so each partition is
 * folded on its own, into accounts no other partition touches: as many at once as there are cores,
 * the largest first, and each handed on as soon as it is done, so that a caller can write one
 * partition's accounts while the next is folded and need never hold them all. Blocking: run it on a
 * worker.
 *
 * <p>One member, one partition, the same rule as the live consumer (docs/contract-extensions.md, "The
 * log"): a record on another partition than the one Kafka's default partitioner gives its member
 * ({@link MemberPartitions}) is left out where it was found. The live ledger forwards such a credit to
 * the member's partition, where this replay folds the copy in the member's order; any other event
 * found so is refused (listed), as the live ledger dead-letters it. A credit found so whose copy never
 * reached the member's partition, and that the live ledger did not forward, was applied where it was
 * found by a ledger older than the rule (the log holds it from before): the member's partition is
 * folded again with that credit at its start, as
 * a credit only adds a lot and every event naming the lot came after it, so the accounts are the live
 * ones and the log stays rebuildable. Such a partition is handed on twice, the second time
 * ({@link Part#again()}) replacing the first.
 */
public final class LogReplay {

    /**
     * What one partition folded to: its members' accounts, and the event that opened each of their
     * open holds (by {@link AccountStore#holdKey}). {@code again}: the partition was handed on before
     * and this replaces it (folded again with credits found off it, see the class).
     */
    public record Part(TopicPartition partition, Map<String, Account> accounts, Map<String, PointsReserved> openHolds,
                       boolean again) {
    }

    /** Where a replay stopped and what it counted (the accounts went to the caller, partition by partition). */
    public static final class State {
        final Map<TopicPartition, EventIdSet> seen = new HashMap<>();
        /** What each partition's (last) fold counted; a partition folded again replaces its tally. */
        private final Map<TopicPartition, Tally> tallies = new TreeMap<>(
                Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
        /** What came after the replay (a rebuild's catch-up). */
        private final Tally after = new Tally();
        /** Credits found off their member's partition whose copy has not been found there (yet), by that partition. */
        private final Map<TopicPartition, List<Stray>> strays = new HashMap<>();
        private int strayCount;
        Map<TopicPartition, Long> position = new HashMap<>();
        double seconds;

        public synchronized List<String> refused() {
            List<String> all = new ArrayList<>();
            for (Tally tally : tallies.values()) {
                all.addAll(tally.refused);
            }
            all.addAll(after.refused);
            return List.copyOf(all.subList(0, Math.min(all.size(), MAX_REFUSED_LISTED)));
        }

        /** Records read. */
        public synchronized long events() {
            return sum(t -> t.events);
        }

        public synchronized long duplicates() {
            return sum(t -> t.duplicates);
        }

        /** Distinct ledger events folded (read, and accepted by the fold): as many as the ledger's history holds, when both are whole. */
        public synchronized long applied() {
            return sum(t -> t.applied);
        }

        /** Members with an account, over every partition. */
        public synchronized int members() {
            return (int) sum(t -> t.members);
        }

        /** Records found on another partition than their member's, left out there. */
        public synchronized long misplaced() {
            return sum(t -> t.misplaced);
        }

        /** Credits found off their member's partition and never forwarded, folded at the start of the member's partition. */
        public synchronized long strayCreditsFolded() {
            return sum(t -> t.strayCreditsFolded);
        }

        public double seconds() {
            return seconds;
        }

        /** Where the replay stopped: the next offset of each partition. */
        public synchronized Map<TopicPartition, Long> position() {
            return Map.copyOf(position);
        }

        private long sum(ToLongFunction<Tally> count) {
            long total = count.applyAsLong(after);
            for (Tally tally : tallies.values()) {
                total += count.applyAsLong(tally);
            }
            return total;
        }

        /** A partition is folded: its tally and applied ids kept, the strays it found kept until their partition is known to hold them. */
        synchronized void absorb(TopicPartition partition, Folding part) {
            seen.put(partition, part.seen);
            tallies.put(partition, part.tally);
            for (Stray stray : part.strays) {
                EventIdSet home = seen.get(stray.home());
                if (home == null || !home.contains(stray.id())) {
                    strays.computeIfAbsent(stray.home(), p -> new ArrayList<>()).add(stray);
                    strayCount++;
                }
            }
            List<Stray> waiting = strays.get(partition);
            if (waiting != null) {
                int before = waiting.size();
                waiting.removeIf(stray -> part.seen.contains(stray.id()));
                strayCount -= before - waiting.size();
                if (waiting.isEmpty()) {
                    strays.remove(partition);
                }
            }
            if (strayCount > MAX_STRAYS) {
                throw new IllegalStateException("more than " + MAX_STRAYS + " credits on points.ledger are on another"
                        + " partition than their member's and not yet found on it: set the producers' partitioner to"
                        + " Kafka's default (librdkafka: partitioner=murmur2_random)");
            }
        }

        /** A partition folded again: its tally replaces the first. */
        synchronized void replace(TopicPartition partition, Folding part) {
            seen.put(partition, part.seen);
            tallies.put(partition, part.tally);
        }

        /** Credits never found on their member's partition, by that partition: each partition's folded, so these are final. */
        synchronized Map<TopicPartition, List<Stray>> unmatchedStrays() {
            Map<TopicPartition, List<Stray>> copy = new HashMap<>();
            strays.forEach((home, list) -> copy.put(home, List.copyOf(list)));
            return copy;
        }

        /** Counts events folded by the caller after the replay (a rebuild's catch-up). */
        public synchronized void countApplied(long count) {
            after.applied += count;
        }

        /** Counts members that first appeared after the replay (in a rebuild's catch-up). */
        public synchronized void addMembers(int count) {
            after.members += count;
        }

        /** Lists a record or event that could not be folded (the first {@value LogReplay#MAX_REFUSED_LISTED}). */
        public synchronized void refuse(String why) {
            after.refuse(why);
        }

        synchronized void countAfter(Tally read) {
            after.events += read.events;
            after.duplicates += read.duplicates;
            after.misplaced += read.misplaced;
            read.refused.forEach(after::refuse);
        }
    }

    /** What a fold counted. */
    static final class Tally {
        final List<String> refused = new ArrayList<>();
        long events;
        long duplicates;
        long applied;
        long members;
        long misplaced;
        long strayCreditsFolded;

        void refuse(String why) {
            if (refused.size() < MAX_REFUSED_LISTED) {
                refused.add(why);
            }
        }
    }

    /** A credit found on another partition than its member's ({@code home}). */
    record Stray(String id, TopicPartition found, long offset, TopicPartition home) {
    }

    /** One partition being folded. */
    static final class Folding {
        final Map<String, Account> accounts = new HashMap<>();
        final Map<String, PointsReserved> openHolds = new HashMap<>();
        final EventIdSet seen;
        final int partitionCount;
        final Tally tally = new Tally();
        final List<Stray> strays = new ArrayList<>();

        Folding(EventIdSet seen, int partitionCount) {
            this.seen = seen;
            this.partitionCount = partitionCount;
        }
    }

    private static final int MAX_REFUSED_LISTED = 100;
    /** Credits found off their member's partition that a replay keeps in mind at once (about 150 bytes each). */
    private static final int MAX_STRAYS = 1_000_000;
    private static final Duration MAX_DURATION = Duration.ofMinutes(30);

    private final KafkaConnection kafka;
    private final EventCodec codec;
    private final Function<Set<String>, Set<String>> forwarded;
    private final ToLongFunction<String> idHash;

    /**
     * {@code forwarded}: which of these event ids the live ledger has forwarded (its
     * {@code forwarded_event}); blocking, called once a replay, on a replay thread.
     */
    public LogReplay(KafkaConnection kafka, EventCodec codec, Function<Set<String>, Set<String>> forwarded) {
        this(kafka, codec, forwarded, EventIdSet::fnv1a);
    }

    /** With another hash of event ids: tests make them collide. */
    LogReplay(KafkaConnection kafka, EventCodec codec, Function<Set<String>, Set<String>> forwarded,
              ToLongFunction<String> idHash) {
        this.kafka = kafka;
        this.codec = codec;
        this.forwarded = forwarded;
        this.idHash = idHash;
    }

    /**
     * The whole topic, from offset 0 to the end offsets found at the start ({@link State#position()}); each partition's
     * accounts go to {@code done} when it is folded (on a replay thread, possibly two at once), and
     * are not kept. A partition folded again with the credits never forwarded to it goes to
     * {@code done} once more, after every partition was folded once, on the calling thread.
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
        int partitionCount = end.size();
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
                            Folding part = new Folding(new EventIdSet(end.get(partition) - from, idHash), partitionCount);
                            read(consumer, partition, from, end.get(partition), part, LogReplay::fold);
                            part.tally.members = part.accounts.size();
                            state.absorb(partition, part);
                            done.accept(new Part(partition, part.accounts, part.openHolds, false));
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
        foldStrayCreditsHome(state, begin, end, partitionCount, done);
        state.position = new HashMap<>(end);
        state.seconds = (System.nanoTime() - start) / 1e9;
        return state;
    }

    /**
     * Folds again, from its start, each partition that credits found elsewhere belong to and never
     * reached (applied where they were found by a ledger older than the rule), with those credits
     * first, in the order they were found in (partition, offset). A credit the live ledger has
     * forwarded is left out: its copy is on its way to the member's partition (in the outbox, or
     * written after the replay's end offsets), where it is folded as any event.
     */
    private void foldStrayCreditsHome(State state, Map<TopicPartition, Long> begin, Map<TopicPartition, Long> end,
                                      int partitionCount, Consumer<Part> done) {
        Map<TopicPartition, List<Stray>> unmatched = state.unmatchedStrays();
        if (unmatched.isEmpty()) {
            return;
        }
        Set<String> ids = new HashSet<>();
        unmatched.values().forEach(strays -> strays.forEach(stray -> ids.add(stray.id())));
        Set<String> onTheirWay = forwarded.apply(ids);
        unmatched.replaceAll((home, strays) -> strays.stream().filter(stray -> !onTheirWay.contains(stray.id())).toList());
        unmatched.values().removeIf(List::isEmpty);
        if (unmatched.isEmpty()) {
            return;
        }
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            for (Map.Entry<TopicPartition, List<Stray>> home : unmatched.entrySet()) {
                TopicPartition partition = home.getKey();
                long from = begin.getOrDefault(partition, 0L);
                Folding part = new Folding(new EventIdSet(end.get(partition) - from, idHash), partitionCount);
                List<Stray> found = new ArrayList<>(home.getValue());
                found.sort(Comparator.comparing((Stray s) -> s.found().partition()).thenComparingLong(Stray::offset));
                for (Stray stray : found) {
                    try {
                        CloudEvent credit = readAt(consumer, stray.found(), stray.offset());
                        if (!part.seen.contains(credit.id())) {
                            fold(part, credit);
                            part.seen.add(credit.id());
                            part.tally.applied++;
                            part.tally.strayCreditsFolded++;
                        }
                    } catch (RuntimeException e) {
                        part.tally.refuse(stray.found() + "@" + stray.offset() + " (credit off its member's partition "
                                + partition.partition() + "): " + e.getMessage());
                    }
                }
                read(consumer, partition, from, end.get(partition), part, LogReplay::fold);
                part.tally.members = part.accounts.size();
                state.replace(partition, part);
                done.accept(new Part(partition, part.accounts, part.openHolds, true));
            }
        }
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
                EventIdSet seen;
                synchronized (state) {
                    seen = state.seen.computeIfAbsent(partition.getKey(), p -> new EventIdSet(0, idHash));
                }
                Folding part = new Folding(seen, end.size());
                // Folded by the caller; taken for applied here, so that a copy from here on is a duplicate.
                read(consumer, partition.getKey(), from, partition.getValue(), part, (p, event) -> events.add(event));
                state.countAfter(part.tally);
            }
            synchronized (state) {
                state.position = new HashMap<>(end);
            }
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

    private static void fold(Folding part, CloudEvent event) {
        apply(part.accounts, part.openHolds, (PointsEvent) event.data());
    }

    /**
     * Reads {@code partition} from {@code from} to {@code until} (exclusive), each new, readable ledger
     * event on its member's partition to {@code sink}; an event {@code sink} refuses (throws for) is
     * listed and not taken for applied.
     */
    private void read(KafkaConsumer<byte[], byte[]> consumer, TopicPartition partition, long from, long until,
                      Folding part, BiConsumer<Folding, CloudEvent> sink) {
        long start = System.nanoTime();
        consumer.assign(List.of(partition));
        consumer.seek(partition, from);
        Tally tally = part.tally;
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
                tally.events++;
                try {
                    CloudEvent event = ledgerEvent(record.value());
                    String memberId = ((PointsEvent) event.data()).memberId();
                    int home = MemberPartitions.of(memberId, part.partitionCount);
                    if (home != partition.partition()) {
                        tally.misplaced++;
                        misplaced(part, partition, record.offset(), event, new TopicPartition(partition.topic(), home));
                    } else if (part.seen.contains(event.id())) {
                        tally.duplicates++;
                    } else {
                        sink.accept(part, event);
                        part.seen.add(event.id());
                        tally.applied++;
                    }
                } catch (RuntimeException e) {
                    tally.refuse(partition + "@" + record.offset() + ": " + e.getMessage());
                }
            }
        }
    }

    /**
     * A record off its member's partition: a credit is kept in mind until its copy is found on that
     * partition (the live ledger forwards it there); anything else is refused, as live.
     */
    private static void misplaced(Folding part, TopicPartition partition, long offset, CloudEvent event,
                                  TopicPartition home) {
        if (!(event.data() instanceof PointsEarned)) {
            throw new IllegalArgumentException(misplacedReason(event, partition.partition(), home.partition()));
        }
        part.strays.add(new Stray(event.id(), partition, offset, home));
        if (part.strays.size() > MAX_STRAYS) {
            throw new IllegalStateException("more than " + MAX_STRAYS + " credits on " + partition
                    + " belong to other partitions: set the producers' partitioner to Kafka's default"
                    + " (librdkafka: partitioner=murmur2_random)");
        }
    }

    /** Why the ledger refuses an event other than a credit found off its member's partition: the same words live and in replay. */
    public static String misplacedReason(CloudEvent event, int partition, int home) {
        return "event " + event.id() + " (" + event.type() + ") is on partition " + partition + " of "
                + Topics.POINTS_LEDGER + " but its member " + event.subject() + " is on partition " + home
                + " (murmur2 of the member id): the ledger writes every event but credits itself, keyed by member,"
                + " so this one came from another producer; only a credit found so is forwarded to its member's"
                + " partition";
    }

    /** The record's event, which must be one of {@code points.ledger}'s. */
    private CloudEvent ledgerEvent(byte[] value) {
        CloudEvent event = codec.read(value);
        if (!(event.data() instanceof PointsEvent)) {
            throw new EventFormatException("event " + event.id() + " of type " + event.type() + " does not belong on "
                    + Topics.POINTS_LEDGER);
        }
        return event;
    }

    /** The event of the record at {@code offset} of {@code partition}. */
    private CloudEvent readAt(KafkaConsumer<byte[], byte[]> consumer, TopicPartition partition, long offset) {
        consumer.assign(List.of(partition));
        consumer.seek(partition, offset);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofSeconds(2)).records(partition)) {
                if (record.offset() == offset) {
                    return ledgerEvent(record.value());
                }
                if (record.offset() > offset) {
                    throw new IllegalStateException("no record at " + partition + "@" + offset);
                }
            }
        }
        throw new IllegalStateException("could not read " + partition + "@" + offset + " within 30 s");
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
