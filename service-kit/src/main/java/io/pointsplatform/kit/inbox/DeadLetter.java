package io.pointsplatform.kit.inbox;

import static io.smallrye.reactive.messaging.kafka.fault.KafkaDeadLetterQueue.DEAD_LETTER_CAUSE;
import static io.smallrye.reactive.messaging.kafka.fault.KafkaDeadLetterQueue.DEAD_LETTER_CAUSE_CLASS_NAME;
import static io.smallrye.reactive.messaging.kafka.fault.KafkaDeadLetterQueue.DEAD_LETTER_EXCEPTION_CLASS_NAME;
import static io.smallrye.reactive.messaging.kafka.fault.KafkaDeadLetterQueue.DEAD_LETTER_OFFSET;
import static io.smallrye.reactive.messaging.kafka.fault.KafkaDeadLetterQueue.DEAD_LETTER_PARTITION;
import static io.smallrye.reactive.messaging.kafka.fault.KafkaDeadLetterQueue.DEAD_LETTER_REASON;
import static io.smallrye.reactive.messaging.kafka.fault.KafkaDeadLetterQueue.DEAD_LETTER_TOPIC;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * A record a batch consumer sets aside, and why. Written to the channel's dead-letter topic
 * ({@code <topic>.dlq.<service>}) as SmallRye's own dead-letter strategy writes one: the same key,
 * value and headers, plus {@code dead-letter-reason}, {@code -cause}, {@code -exception-class-name},
 * {@code -topic}, {@code -partition} and {@code -offset}. Batch consumers send their own: in batch
 * mode that strategy would send every record of a failed batch, good ones included.
 *
 * <p>A letter always fits the producer's request limit (1 MiB by default), so that a record the
 * broker took (a compressed one may hold many MiB) cannot stop its consumer by being impossible to
 * set aside: past {@link #MAX_VALUE_BYTES} the value is cut and {@value #VALUE_TRUNCATED} says how
 * long it was; a key past {@link #MAX_KEY_CHARS} is cut ({@value #KEY_TRUNCATED}); the record's own
 * headers past {@link #MAX_HEADERS_BYTES} in all are left out ({@value #HEADERS_DROPPED}); each
 * reason past {@link #MAX_REASON_CHARS} is cut. The whole record stays on its topic, at the
 * partition and offset the letter names, until the topic's retention removes it.
 */
public record DeadLetter(ConsumerRecord<String, String> record, Throwable reason) {

    /** Sends at most this many at a time; a batch has hundreds of records at most. */
    private static final int IN_FLIGHT = 32;

    /** The most of a record's value (UTF-8 bytes) a letter carries. */
    static final int MAX_VALUE_BYTES = 512 * 1024;
    /** The most of a record's key a letter carries (a member id has at most 64). */
    static final int MAX_KEY_CHARS = 256;
    /** The most a record's own headers may weigh (names and values) to be carried in its letter. */
    static final int MAX_HEADERS_BYTES = 64 * 1024;
    /** The most of one reason (a dead-letter header) a letter carries. */
    static final int MAX_REASON_CHARS = 4 * 1024;
    /** Header of a letter whose value was cut: the value's length in UTF-8 bytes. */
    public static final String VALUE_TRUNCATED = "dead-letter-value-truncated-from-bytes";
    /** Header of a letter whose key was cut: the key's length in characters. */
    public static final String KEY_TRUNCATED = "dead-letter-key-truncated-from-chars";
    /** Header of a letter without the record's own headers: how many there were, and their bytes. */
    public static final String HEADERS_DROPPED = "dead-letter-headers-dropped";

    /** Sends every letter on the emitter; completes once the broker has them all. */
    public static Uni<Void> sendAll(MutinyEmitter<Record<String, String>> emitter, List<DeadLetter> letters) {
        if (letters.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Multi.createFrom().iterable(letters)
                .onItem().transformToUni(letter -> emitter.sendMessage(letter.message())).merge(IN_FLIGHT)
                .collect().asList()
                .replaceWithVoid();
    }

    Message<Record<String, String>> message() {
        Log.warnf("Record %s-%d@%d set aside to the dead-letter topic: %s", record.topic(), record.partition(),
                record.offset(), describe(reason));
        Headers headers = new RecordHeaders();
        header(headers, DEAD_LETTER_EXCEPTION_CLASS_NAME, reason.getClass().getName());
        header(headers, DEAD_LETTER_REASON, cut(describe(reason), MAX_REASON_CHARS));
        if (reason.getCause() != null) {
            header(headers, DEAD_LETTER_CAUSE_CLASS_NAME, reason.getCause().getClass().getName());
            header(headers, DEAD_LETTER_CAUSE, cut(describe(reason.getCause()), MAX_REASON_CHARS));
        }
        header(headers, DEAD_LETTER_TOPIC, record.topic());
        header(headers, DEAD_LETTER_PARTITION, Integer.toString(record.partition()));
        header(headers, DEAD_LETTER_OFFSET, Long.toString(record.offset()));
        String key = record.key();
        if (key != null && key.length() > MAX_KEY_CHARS) {
            header(headers, KEY_TRUNCATED, Integer.toString(key.length()));
            key = cut(key, MAX_KEY_CHARS);
        }
        String value = record.value();
        if (value != null && value.length() > MAX_VALUE_BYTES / 3) {
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            if (bytes.length > MAX_VALUE_BYTES) {
                header(headers, VALUE_TRUNCATED, Integer.toString(bytes.length));
                int end = MAX_VALUE_BYTES;
                while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
                    end--; // not inside a character's bytes
                }
                value = new String(bytes, 0, end, StandardCharsets.UTF_8);
            }
        }
        long ownBytes = 0;
        int own = 0;
        for (Header h : record.headers()) {
            own++;
            ownBytes += h.key().length() + (h.value() == null ? 0 : h.value().length);
        }
        if (ownBytes > MAX_HEADERS_BYTES) {
            header(headers, HEADERS_DROPPED, own + " headers, " + ownBytes + " bytes");
        } else {
            record.headers().forEach(headers::add);
        }
        return Message.of(Record.of(key, value))
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withHeaders(headers).build());
    }

    /** {@code text}'s first {@code max} characters, a surrogate pair kept whole or left out. */
    private static String cut(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
        return text.substring(0, end);
    }

    private static String describe(Throwable failure) {
        return failure.getMessage() != null ? failure.getMessage() : failure.toString();
    }

    private static void header(Headers headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
