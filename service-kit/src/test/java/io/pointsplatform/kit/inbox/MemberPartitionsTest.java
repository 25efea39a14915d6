package io.pointsplatform.kit.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

class MemberPartitionsTest {

    @Test
    void aMembersPartitionIsTheOneTheJavaClientsDefaultPartitionerGivesItsKey() {
        Random random = new Random(19);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder memberId = new StringBuilder("m-");
            int length = random.nextInt(40);
            for (int c = 0; c < length; c++) {
                // ASCII mostly, and now and then a character that takes two or three bytes in UTF-8.
                memberId.append(random.nextInt(10) == 0 ? (char) (0x80 + random.nextInt(0x3000)) : (char) ('0' + random.nextInt(75)));
            }
            int partitions = 1 + random.nextInt(64);
            assertThat(MemberPartitions.of(memberId.toString(), partitions)).as(memberId.toString())
                    .isEqualTo(BuiltInPartitioner.partitionForKey(memberId.toString().getBytes(StandardCharsets.UTF_8),
                            partitions));
        }
    }

    @Test
    void aRecordElsewhereIsMisplaced() {
        String memberId = "m-1001";
        int home = MemberPartitions.of(memberId, 6);
        assertThat(MemberPartitions.misplaced(new ConsumerRecord<>("points.ledger", home, 0, memberId, "{}"), memberId, 6))
                .isFalse();
        assertThat(MemberPartitions.misplaced(new ConsumerRecord<>("points.ledger", (home + 1) % 6, 0, memberId, "{}"),
                memberId, 6)).isTrue();
        assertThatThrownBy(() -> MemberPartitions.of(memberId, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
