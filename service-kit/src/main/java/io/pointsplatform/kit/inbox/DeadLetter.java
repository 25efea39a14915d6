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
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * A record a batch consumer sets aside, and why. Written to the channel's dead-letter topic
 * ({@code <topic>.dlq.<service>}) as SmallRye's own dead-letter strategy writes one: the same key,
 * value and headers, plus {@code dead-letter-reason}, {@code -cause}, {@code -exception-class-name},
 * {@code -topic}, {@code -partition} and {@code -offset}. Batch consumers send their own: in batch
 * mode that strategy would send every record of a failed batch, good ones included.
 */
public record DeadLetter(ConsumerRecord<String, String> record, Throwable reason) {

    /** Sends at most this many at a time; a batch has hundreds of records at most. */
    private static final int IN_FLIGHT = 32;

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
        header(headers, DEAD_LETTER_REASON, describe(reason));
        if (reason.getCause() != null) {
            header(headers, DEAD_LETTER_CAUSE_CLASS_NAME, reason.getCause().getClass().getName());
            header(headers, DEAD_LETTER_CAUSE, describe(reason.getCause()));
        }
        header(headers, DEAD_LETTER_TOPIC, record.topic());
        header(headers, DEAD_LETTER_PARTITION, Integer.toString(record.partition()));
        header(headers, DEAD_LETTER_OFFSET, Long.toString(record.offset()));
        record.headers().forEach(headers::add);
        return Message.of(Record.of(record.key(), record.value()))
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withHeaders(headers).build());
    }

    private static String describe(Throwable failure) {
        return failure.getMessage() != null ? failure.getMessage() : failure.toString();
    }

    private static void header(Headers headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
