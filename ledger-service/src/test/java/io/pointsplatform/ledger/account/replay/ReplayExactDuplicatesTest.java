package io.pointsplatform.ledger.account.replay;

import io.pointsplatform.events.EventIdSet;
import static org.assertj.core.api.Assertions.assertThat;

import io.pointsplatform.events.Account;
import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.EventCodec;
import io.pointsplatform.events.Topics;
import io.pointsplatform.kit.kafka.KafkaConnection;
import io.pointsplatform.testing.PlatformTestResource;
import io.pointsplatform.testing.TestEvents;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Test;

/**
 * A replay drops a repeated event id, and only that: two credits whose ids the replay's hash cannot
 * tell apart are both folded. (The log is the test broker's, shared with other tests; this one looks
 * at its own member only.)
 */
class ReplayExactDuplicatesTest {

    @Test
    void twoCreditsWhoseIdsHashAlikeAreBothFoldedAndARepeatOnce() {
        String memberId = TestEvents.memberOnPartition("collide-", 2);
        CloudEvent first = TestEvents.earned(memberId, 30);
        CloudEvent second = TestEvents.earned(memberId, 12);
        PlatformTestResource.kafka().produceStrings().fromRecords(
                TestEvents.record(Topics.POINTS_LEDGER, first),
                TestEvents.record(Topics.POINTS_LEDGER, second),
                TestEvents.record(Topics.POINTS_LEDGER, first)).awaitCompletion(Duration.ofSeconds(30));

        // The two ids hash alike; the others as ever (the whole topic is replayed).
        ToLongFunction<String> collide = id -> id.equals(first.id()) || id.equals(second.id()) ? 42L : EventIdSet.fnv1a(id);
        LogReplay replay = new LogReplay(new KafkaConnection(Map.of("bootstrap.servers", PlatformTestResource.kafkaBootstrapServers())),
                new EventCodec(), ids -> Set.of(), collide);
        Map<String, Account> found = new ConcurrentHashMap<>();
        LogReplay.State state = replay.replay(part -> {
            Account account = part.accounts().get(memberId);
            if (account != null) {
                found.put(memberId, account);
            }
        });

        Account account = found.get(memberId);
        assertThat(account).isNotNull();
        assertThat(account.lots()).hasSize(2);
        assertThat(account.balance(Instant.now()).available()).isEqualTo(42);
        assertThat(account.lifetimeEarned()).isEqualTo(42);
        assertThat(state.duplicates()).isGreaterThanOrEqualTo(1);
        assertThat(state.refused()).noneMatch(why -> why.contains(memberId));
        assertThat(collide.applyAsLong(first.id())).isEqualTo(collide.applyAsLong(second.id()));
    }
}
