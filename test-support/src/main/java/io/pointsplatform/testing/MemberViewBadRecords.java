package io.pointsplatform.testing;

import io.pointsplatform.events.Account;
import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.EventCodec;
import io.pointsplatform.events.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Assertions;

/**
 * What a member view of {@code points.ledger} (service-kit's MemberPointsConsumer, in catalog- and
 * redemption-service) must do with records it cannot use, shown the same way for each service:
 * {@code view} folds the log by member id, {@code service} names its dead-letter topic.
 */
public final class MemberViewBadRecords {

    private static final EventCodec CODEC = new EventCodec();
    private static final Duration WAIT = Duration.ofSeconds(60);

    private MemberViewBadRecords() {
    }

    /**
     * Every kind of bad record ({@link BadRecords#forPointsLedger}) goes to the service's dead-letter
     * topic, once, with the reason and where it came from in its headers; the credit sent after them
     * (same partition, same poll) is applied.
     */
    public static void assertDeadLetteredAndTheNextCreditApplied(String service,
                                                                 Function<String, Optional<Account>> view)
            throws InterruptedException {
        String dlq = Topics.dlq(Topics.POINTS_LEDGER, service);
        String memberId = TestEvents.memberOnPartition("view-bad-", 2);
        Map<String, String> bad = BadRecords.forPointsLedger(memberId);
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        bad.keySet().forEach(value -> records.add(TestEvents.record(Topics.POINTS_LEDGER, 2, memberId, value)));
        records.add(TestEvents.record(Topics.POINTS_LEDGER, 2, memberId, CODEC.write(TestEvents.earned(memberId, 42))));
        PlatformTestResource.kafka().produceStrings().fromRecords(records).awaitCompletion(WAIT);

        awaitAvailable(service, view, memberId, 42);
        List<ConsumerRecord<String, String>> dead = TopicReader.await(dlq, r -> bad.containsKey(r.value()), bad.size(), WAIT);
        for (ConsumerRecord<String, String> letter : dead) {
            String reason = header(letter, "dead-letter-reason");
            Assertions.assertTrue(reason.contains(bad.get(letter.value())),
                    () -> "reason '" + reason + "' for " + letter.value());
            Assertions.assertEquals(Topics.POINTS_LEDGER, header(letter, "dead-letter-topic"));
            Assertions.assertEquals("2", header(letter, "dead-letter-partition"));
            Assertions.assertEquals(memberId, letter.key());
        }
        Assertions.assertEquals(bad.keySet(), new HashSet<>(dead.stream().map(ConsumerRecord::value).toList()));
        Assertions.assertEquals(bad.size(), TopicReader.deadLetters(dlq, r -> bad.containsKey(r.value())).size(),
                "each bad record dead-lettered once");
        Assertions.assertEquals(1, view.apply(memberId).orElseThrow().lots().size());
    }

    /**
     * A record too large to be set aside whole ({@link TestEvents#publishHuge}: past the producer's
     * request limit) is set aside cut to fit, and the credits sent after it, in its poll and in a later
     * one, are applied: the view goes on.
     */
    public static void assertAHugeRecordSetAsideCutAndTheNextCreditApplied(String service,
                                                                           Function<String, Optional<Account>> view)
            throws InterruptedException {
        String memberId = TestEvents.memberOnPartition("view-huge-", 3);
        long offset = TestEvents.publishHuge(Topics.POINTS_LEDGER, 3, memberId);
        TestEvents.publish(Topics.POINTS_LEDGER, TestEvents.earned(memberId, 17));
        awaitAvailable(service, view, memberId, 17);
        TopicReader.assertSetAsideCut(Topics.dlq(Topics.POINTS_LEDGER, service), Topics.POINTS_LEDGER, 3, offset,
                memberId);
        // Read in a later poll than the huge one's: the consumer still runs.
        TestEvents.publish(Topics.POINTS_LEDGER, TestEvents.earned(memberId, 5));
        awaitAvailable(service, view, memberId, 22);
    }

    /**
     * A credit off its member's partition is left out (neither applied nor dead-lettered); the
     * ledger's copy on the member's partition, delivered twice, is applied once.
     */
    public static void assertAStrayCreditLeftOutAndItsCopyAppliedOnce(String service,
                                                                      Function<String, Optional<Account>> view)
            throws InterruptedException {
        String dlq = Topics.dlq(Topics.POINTS_LEDGER, service);
        String memberId = TestEvents.memberOnPartition("view-stray-", 4);
        CloudEvent credit = TestEvents.earned(memberId, 9);
        PlatformTestResource.kafka().produceStrings().fromRecords(
                TestEvents.record(Topics.POINTS_LEDGER, 0, memberId, CODEC.write(credit))).awaitCompletion(WAIT);
        // Read after it on the same partition: once it is applied, the stray one was passed.
        String marker = TestEvents.memberOnPartition("view-marker-", 0);
        TestEvents.publish(Topics.POINTS_LEDGER, TestEvents.earned(marker, 1));
        awaitAvailable(service, view, marker, 1);
        Assertions.assertEquals(Optional.empty(), view.apply(memberId), "the stray credit applied");
        Assertions.assertEquals(List.of(), TopicReader.all(dlq, r -> memberId.equals(r.key())));

        TestEvents.publish(Topics.POINTS_LEDGER, credit);
        TestEvents.publish(Topics.POINTS_LEDGER, credit);
        TestEvents.publish(Topics.POINTS_LEDGER, TestEvents.earned(memberId, 1));
        awaitAvailable(service, view, memberId, 10);
    }

    private static void awaitAvailable(String service, Function<String, Optional<Account>> view, String memberId,
                                       long points) throws InterruptedException {
        Instant deadline = Instant.now().plus(WAIT);
        Optional<Account> seen = view.apply(memberId);
        while (seen.isEmpty() || seen.get().balance(Instant.now()).available() != points) {
            Optional<Account> last = seen;
            Assertions.assertTrue(Instant.now().isBefore(deadline), () -> service + "'s view of " + memberId
                    + " did not show " + points + " available within " + WAIT + ": " + last);
            Thread.sleep(200);
            seen = view.apply(memberId);
        }
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Assertions.assertNotNull(record.headers().lastHeader(name), "header " + name);
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
