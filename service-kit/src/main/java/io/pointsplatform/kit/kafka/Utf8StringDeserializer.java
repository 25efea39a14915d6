package io.pointsplatform.kit.kafka;

import io.pointsplatform.events.EventCodec;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * A record's value as text, as Kafka's {@code StringDeserializer} reads it, but for bytes that are
 * not UTF-8: those are read as {@link #NOT_UTF8}, the first bad byte's index, a space, and the bytes
 * as ISO-8859-1 (a character per byte, so the dead-letter topic keeps them), which
 * {@link io.pointsplatform.kit.inbox.LogRecords} refuses as "malformed JSON: not UTF-8", as the
 * codec refuses the same bytes where a rebuild, verify or replay-cli reads them as bytes. Kafka's
 * own deserializer turned them into U+FFFD, and the live consumer applied an event that a rebuild
 * then refused (until 2026-12-08). Every consumer of a contract topic reads its values so
 * ({@code value.deserializer} in each service's application.properties).
 */
public final class Utf8StringDeserializer implements Deserializer<String> {

    /** How a value that is not UTF-8 begins (U+0000 first: no JSON text, no UTF-8 text read here, begins so). */
    public static final String NOT_UTF8 = "\u0000not UTF-8 at byte ";

    @Override
    public String deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        int bad = EventCodec.malformedUtf8(data);
        if (bad < 0) {
            return new String(data, StandardCharsets.UTF_8);
        }
        return NOT_UTF8 + bad + " " + new String(data, StandardCharsets.ISO_8859_1);
    }
}
