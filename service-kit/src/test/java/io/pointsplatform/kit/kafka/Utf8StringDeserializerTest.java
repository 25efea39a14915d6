package io.pointsplatform.kit.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.EventCodec;
import io.pointsplatform.events.EventFormatException;
import io.pointsplatform.events.MemberEnrolled;
import io.pointsplatform.kit.inbox.LogRecords;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * A live consumer reads a value that is not UTF-8 as the codec reads the same bytes in a rebuild or
 * a replay: refused, "malformed JSON: not UTF-8", never turned into U+FFFD and applied.
 */
class Utf8StringDeserializerTest {

    private final EventCodec codec = new EventCodec();
    private final Utf8StringDeserializer deserializer = new Utf8StringDeserializer();

    @Test
    void utf8IsReadAsKafkasOwnDeserializerReadsIt() {
        String json = codec.write(CloudEvent.of("member.enrolled:m-1", "/earning-service", Instant.now(),
                new MemberEnrolled("m-1", "李雷", null, null)));
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        assertThat(deserializer.deserialize("members", bytes)).isEqualTo(json);
        assertThat(LogRecords.read(codec, record(deserializer.deserialize("members", bytes))).id())
                .isEqualTo("member.enrolled:m-1");
        assertThat(deserializer.deserialize("members", null)).isNull();
    }

    @Test
    void bytesThatAreNotUtf8AreRefusedAsTheCodecRefusesThemAsBytes() {
        String json = codec.write(CloudEvent.of("member.enrolled:m-1", "/earning-service", Instant.now(),
                new MemberEnrolled("m-1", "Li", null, null)));
        int at = json.indexOf("Li");
        for (byte[] bad : new byte[][] {{(byte) 0xFF}, {(byte) 0xC0, (byte) 0x80}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}}) {
            byte[] before = json.substring(0, at).getBytes(StandardCharsets.UTF_8);
            byte[] after = json.substring(at).getBytes(StandardCharsets.UTF_8);
            byte[] value = new byte[before.length + bad.length + after.length];
            System.arraycopy(before, 0, value, 0, before.length);
            System.arraycopy(bad, 0, value, before.length, bad.length);
            System.arraycopy(after, 0, value, before.length + bad.length, after.length);

            String read = deserializer.deserialize("members", value);
            assertThatThrownBy(() -> LogRecords.read(codec, record(read))).isInstanceOf(EventFormatException.class)
                    .hasMessage("malformed JSON: not UTF-8 (byte " + before.length + ")");
            assertThatThrownBy(() -> codec.read(value)).isInstanceOf(EventFormatException.class)
                    .hasMessage("malformed JSON: not UTF-8 (byte " + before.length + ")");
            // The bytes themselves stay in what is read (one character each), for the dead-letter topic.
            assertThat(read.substring(read.indexOf(' ', Utf8StringDeserializer.NOT_UTF8.length()) + 1)
                    .getBytes(StandardCharsets.ISO_8859_1)).isEqualTo(value);
        }
    }

    private static ConsumerRecord<String, String> record(String value) {
        return new ConsumerRecord<>("members", 0, 0L, "m-1", value);
    }
}
