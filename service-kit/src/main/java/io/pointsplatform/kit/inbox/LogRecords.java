package io.pointsplatform.kit.inbox;

import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.EventCodec;
import io.pointsplatform.events.EventFormatException;
import io.pointsplatform.events.EventTypes;
import io.pointsplatform.kit.kafka.Utf8StringDeserializer;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads a record of a contract topic as every consumer does: a CloudEvent the codec reads (JSON, the
 * envelope, a known type, data as its JSON Schema says: {@link EventCodec}) of a type that belongs on
 * the record's topic, from a value that was UTF-8 ({@link Utf8StringDeserializer}). Anything else is an
 * {@link EventFormatException} whose message says why, for the dead-letter topic.
 */
public final class LogRecords {

    private LogRecords() {
    }

    public static CloudEvent read(EventCodec codec, ConsumerRecord<String, String> record) {
        String value = record.value();
        if (value != null && value.startsWith(Utf8StringDeserializer.NOT_UTF8)) {
            // The bytes were not UTF-8 (Utf8StringDeserializer): refused as the codec refuses them as bytes.
            int end = value.indexOf(' ', Utf8StringDeserializer.NOT_UTF8.length());
            throw new EventFormatException("malformed JSON: not UTF-8 (byte "
                    + value.substring(Utf8StringDeserializer.NOT_UTF8.length(), end) + ")");
        }
        CloudEvent event = codec.read(value);
        String belongsOn = EventTypes.topic(event.type());
        if (!belongsOn.equals(record.topic())) {
            throw new EventFormatException("event " + event.id() + " of type " + event.type() + " does not belong on "
                    + record.topic() + " (it belongs on " + belongsOn + ")");
        }
        return event;
    }
}
