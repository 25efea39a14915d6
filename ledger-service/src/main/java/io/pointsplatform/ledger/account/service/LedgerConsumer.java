package io.pointsplatform.ledger.account.service;

import io.pointsplatform.events.EventCodec;
import io.pointsplatform.kit.inbox.Batches;
import io.pointsplatform.kit.inbox.DeadLetter;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Acknowledgment;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Folds {@code points.ledger} into the accounts, a polled batch at a time (at most
 * {@code max.poll.records}, see application.properties) in one transaction
 * ({@link LedgerBook#consumeAll}). A record that cannot be read, or whose event the fold refuses, is
 * set aside to {@code points.ledger.dlq.ledger-service} (channel {@value #DEAD_LETTERS}) with the
 * reason, and the rest of its batch is applied. The batch is acknowledged (its offsets committed)
 * only after its transaction committed and its dead letters were written. A failure no record is to
 * blame for (the database away) is retried with backoff and finally stops the channel, so a good
 * record is never set aside for it ({@link Batches}).
 */
@ApplicationScoped
public class LedgerConsumer {

    /** The outgoing channel to the dead-letter topic. */
    public static final String DEAD_LETTERS = "points-ledger-dlq";
    /** As {@code max.poll.records}: a polled batch is one transaction. */
    private static final int MAX_PER_TRANSACTION = 256;

    private final EventCodec codec;
    private final LedgerBook book;
    private final MutinyEmitter<Record<String, String>> deadLetters;

    public LedgerConsumer(EventCodec codec, LedgerBook book,
                          @Channel(DEAD_LETTERS) MutinyEmitter<Record<String, String>> deadLetters) {
        this.codec = codec;
        this.book = book;
        this.deadLetters = deadLetters;
    }

    @Incoming("points-ledger")
    @Acknowledgment(Acknowledgment.Strategy.POST_PROCESSING)
    public Uni<Void> consume(ConsumerRecords<String, String> records) {
        return Batches.consume(records, codec::read, MAX_PER_TRANSACTION,
                        events -> book.consumeAll(events).replaceWith(List.<Batches.Refusal>of()))
                .call(letters -> DeadLetter.sendAll(deadLetters, letters))
                .replaceWithVoid();
    }
}
