package io.pointsplatform.kit.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.pointsplatform.events.EventFormatException;
import io.smallrye.reactive.messaging.kafka.Record;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;

/**
 * A letter always fits the producer's request limit (1 MiB by default): a record the broker took
 * compressed, many MiB long, is set aside cut rather than stopping its consumer.
 */
class DeadLetterTest {

    private static final int PRODUCER_LIMIT = 1024 * 1024;

    @Test
    void anOrdinaryRecordIsSetAsideWhole() {
        Headers own = new RecordHeaders().add("traceparent", "00-abc-def-01".getBytes(StandardCharsets.UTF_8));
        Message<Record<String, String>> letter = letter("m-1", "{\"not\":\"an event\"}", own,
                new EventFormatException("event: missing field 'type'"));

        assertThat(letter.getPayload().key()).isEqualTo("m-1");
        assertThat(letter.getPayload().value()).isEqualTo("{\"not\":\"an event\"}");
        assertThat(text(letter, "dead-letter-reason")).contains("event: missing field 'type'");
        assertThat(text(letter, "dead-letter-offset")).isEqualTo("42");
        assertThat(text(letter, "traceparent")).isEqualTo("00-abc-def-01");
        assertThat(text(letter, DeadLetter.VALUE_TRUNCATED)).isNull();
        assertThat(text(letter, DeadLetter.HEADERS_DROPPED)).isNull();
    }

    @Test
    void aHugeRecordIsCutToFitTheProducersLimitAndSaysHowLongItWas() {
        // 3 MB of value (a multi-byte character straddling the cut), a 2 000-character key, 2 MB of
        // its own headers and a reason quoting 1 MB of the value.
        String value = "{\"x\":\"" + "a".repeat(DeadLetter.MAX_VALUE_BYTES - 7) + "积".repeat(1_000_000) + "\"}";
        Headers own = new RecordHeaders().add("blob", new byte[2_000_000]);
        Message<Record<String, String>> letter = letter("k".repeat(2_000), value, own,
                new EventFormatException("event: cannot read " + "a".repeat(1_000_000)));

        String kept = letter.getPayload().value();
        assertThat(kept.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(DeadLetter.MAX_VALUE_BYTES);
        assertThat(value).startsWith(kept);
        assertThat(kept).endsWith("a");
        assertThat(text(letter, DeadLetter.VALUE_TRUNCATED))
                .isEqualTo(Integer.toString(value.getBytes(StandardCharsets.UTF_8).length));
        assertThat(letter.getPayload().key()).hasSize(DeadLetter.MAX_KEY_CHARS);
        assertThat(text(letter, DeadLetter.KEY_TRUNCATED)).isEqualTo("2000");
        assertThat(text(letter, "blob")).isNull();
        assertThat(text(letter, DeadLetter.HEADERS_DROPPED)).isEqualTo("1 headers, 2000004 bytes");
        assertThat(text(letter, "dead-letter-reason")).hasSize(DeadLetter.MAX_REASON_CHARS);
        assertThat(size(letter)).isLessThan(PRODUCER_LIMIT - 64 * 1024);
    }

    private static Message<Record<String, String>> letter(String key, String value, Headers headers, Throwable reason) {
        ConsumerRecord<String, String> record = new ConsumerRecord<>("points.ledger", 3, 42, 0L,
                TimestampType.CREATE_TIME, 0, 0, key, value, headers, Optional.empty());
        return new DeadLetter(record, reason).message();
    }

    private static Headers headers(Message<Record<String, String>> letter) {
        return letter.getMetadata(OutgoingKafkaRecordMetadata.class).orElseThrow().getHeaders();
    }

    private static String text(Message<Record<String, String>> letter, String name) {
        Header header = headers(letter).lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** What the letter weighs: its key, value and headers in bytes. */
    private static long size(Message<Record<String, String>> letter) {
        long bytes = letter.getPayload().key().getBytes(StandardCharsets.UTF_8).length
                + letter.getPayload().value().getBytes(StandardCharsets.UTF_8).length;
        for (Header header : headers(letter)) {
            bytes += header.key().length() + header.value().length;
        }
        return bytes;
    }
}
