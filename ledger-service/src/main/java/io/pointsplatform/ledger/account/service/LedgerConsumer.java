package io.pointsplatform.ledger.account.service;

import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.EventCodec;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Folds {@code points.ledger} into the accounts, a polled batch at a time (at most
 * {@code max.poll.records} records, see application.properties) in one transaction
 * ({@link LedgerBook#consumeAll}). Each record is acknowledged on its own, and only after the
 * transaction that applied it commits, so offsets never run ahead of the database. A record that
 * cannot be read or applied is nacked alone: the channel's dead-letter strategy sends it to
 * {@code points.ledger.dlq.ledger-service} with the reason, and the rest of its batch is applied.
 */
@ApplicationScoped
public class LedgerConsumer {

    private final EventCodec codec;
    private final LedgerBook book;

    public LedgerConsumer(EventCodec codec, LedgerBook book) {
        this.codec = codec;
        this.book = book;
    }

    @Incoming("points-ledger")
    public Uni<Void> consume(KafkaRecordBatch<String, String> batch) {
        List<KafkaRecord<String, String>> records = batch.getRecords();
        List<KafkaRecord<String, String>> readable = new ArrayList<>(records.size());
        List<CloudEvent> events = new ArrayList<>(records.size());
        List<Uni<Void>> refused = new ArrayList<>();
        for (KafkaRecord<String, String> record : records) {
            try {
                events.add(codec.read(record.getPayload()));
                readable.add(record);
            } catch (RuntimeException unreadable) {
                refused.add(nack(record, unreadable));
            }
        }
        return book.consumeAll(events).chain(outcomes -> {
            List<Uni<Void>> answers = new ArrayList<>(refused);
            for (int i = 0; i < readable.size(); i++) {
                KafkaRecord<String, String> record = readable.get(i);
                Throwable failure = outcomes.get(i);
                answers.add(failure == null ? Uni.createFrom().completionStage(record.ack()) : nack(record, failure));
            }
            return answers.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(answers).andFailFast().replaceWithVoid();
        });
    }

    private static Uni<Void> nack(KafkaRecord<String, String> record, Throwable reason) {
        Log.warnf("Record of %s-%d with key %s refused, to the dead-letter topic: %s", record.getTopic(),
                record.getPartition(), record.getKey(), reason.toString());
        return Uni.createFrom().completionStage(record.nack(reason));
    }
}
