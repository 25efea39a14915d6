package io.pointsplatform.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pointsplatform.events.Account;
import io.pointsplatform.events.AccountState;
import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.EventCodec;
import io.pointsplatform.events.Topics;
import io.pointsplatform.ledger.account.repository.AccountStore;
import io.pointsplatform.testing.LocalPostgres;
import io.pointsplatform.testing.PlatformTestResource;
import io.pointsplatform.testing.TestEvents;
import io.vertx.mutiny.sqlclient.Pool;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/** What the tests of the log's bad records share: reading accounts and dead letters, producing on a partition. */
final class LogRecordsSupport {

    static final EventCodec CODEC = new EventCodec();
    static final String DLQ = Topics.dlq(Topics.POINTS_LEDGER, "ledger-service");
    static final Duration WAIT = Duration.ofSeconds(60);

    private LogRecordsSupport() {
    }

    /** The member's live account as committed, or null. */
    static Account account(AccountStore store, Pool pool, String memberId) {
        Map<String, Account> accounts = store.readAll(pool, List.of(memberId)).await().atMost(WAIT);
        return accounts.get(memberId);
    }

    static AccountState state(AccountStore store, Pool pool, String memberId) {
        Account account = account(store, pool, memberId);
        assertThat(account).as("account of %s", memberId).isNotNull();
        return account.snapshot();
    }

    /** Waits until the member's account has earned {@code points} in all. */
    static void awaitEarned(AccountStore store, Pool pool, String memberId, long points) {
        await().atMost(WAIT).untilAsserted(() -> {
            Account account = account(store, pool, memberId);
            assertThat(account).as("account of %s", memberId).isNotNull();
            assertThat(account.lifetimeEarned()).isEqualTo(points);
        });
    }

    /**
     * Waits until the ledger's consumer has read {@code partition} past what was sent to it so far:
     * a credit of a member of that partition, sent after, is applied.
     */
    static void awaitConsumerPast(AccountStore store, Pool pool, int partition) {
        String marker = TestEvents.memberOnPartition("marker-", partition);
        TestEvents.publish(Topics.POINTS_LEDGER, TestEvents.earned(marker, 1));
        awaitEarned(store, pool, marker, 1);
    }

    /** Sends {@code value} keyed {@code key} to a given partition of points.ledger. */
    static void produceOn(int partition, String key, String value) {
        PlatformTestResource.kafka().produceStrings()
                .fromRecords(TestEvents.record(Topics.POINTS_LEDGER, partition, key, value))
                .awaitCompletion(WAIT);
    }

    static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        assertThat(header).as("header " + name).isNotNull();
        return new String(header.value(), StandardCharsets.UTF_8);
    }

    static long count(String database, String sql, String parameter) throws SQLException {
        try (Connection c = DriverManager.getConnection(LocalPostgres.jdbcUrl(database), LocalPostgres.USER,
                LocalPostgres.PASSWORD); var s = c.prepareStatement(sql)) {
            s.setString(1, parameter);
            try (var rows = s.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    /** A partition other than the member's. */
    static int foreignPartition(String memberId) {
        return (TestEvents.partitionOf(memberId) + 1) % PlatformTestResource.PARTITIONS;
    }

    static String write(CloudEvent event) {
        return CODEC.write(event);
    }
}
