package io.pointsplatform.ledger.reminder.service;

import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.EventCodec;
import io.pointsplatform.events.EventFormatException;
import io.pointsplatform.events.ExpiryReminded;
import io.pointsplatform.kit.inbox.Batches;
import io.pointsplatform.kit.inbox.DeadLetter;
import io.pointsplatform.kit.inbox.LogRecords;
import io.pointsplatform.ledger.reminder.repository.ReminderStore;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Acknowledgment;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Records the expiry reminders notification-service sent ({@code expiry.reminded} on
 * {@code notifications}), per lot and window, a polled batch in one transaction: the ledger's expiry
 * job reads them ({@code LedgerBook.expire}) and never takes a lot earlier than a lead after its last
 * window's reminder. Anything else on the topic, or a record that cannot be read, is set aside to
 * {@code notifications.dlq.ledger-service} (channel {@value #DEAD_LETTERS}) with the reason, and the
 * consumer goes on. A reminder read again (a redelivery) changes nothing: the first per lot and window
 * is kept.
 */
@ApplicationScoped
public class ReminderConsumer {

    public static final String CHANNEL = "notifications";
    public static final String DEAD_LETTERS = "notifications-dlq";
    private static final int MAX_PER_TRANSACTION = 500;

    private final EventCodec codec;
    private final Pool pool;
    private final ReminderStore store;
    private final MutinyEmitter<Record<String, String>> deadLetters;

    public ReminderConsumer(EventCodec codec, Pool pool, ReminderStore store,
                            @Channel(DEAD_LETTERS) MutinyEmitter<Record<String, String>> deadLetters) {
        this.codec = codec;
        this.pool = pool;
        this.store = store;
        this.deadLetters = deadLetters;
    }

    @Incoming(CHANNEL)
    @Acknowledgment(Acknowledgment.Strategy.POST_PROCESSING)
    public Uni<Void> consume(ConsumerRecords<String, String> records) {
        return Batches.consumeRecords(records, this::read, MAX_PER_TRANSACTION,
                        reminders -> pool.withTransaction(c -> store.record(c, reminders))
                                .replaceWith(List.<Batches.Refusal>of()))
                .call(letters -> DeadLetter.sendAll(deadLetters, letters))
                .replaceWithVoid();
    }

    private ReminderStore.Recorded read(ConsumerRecord<String, String> record) {
        CloudEvent event = LogRecords.read(codec, record);
        if (!(event.data() instanceof ExpiryReminded reminded)) {
            // Only one type belongs on the topic today; a later one is not the ledger's to guess at.
            throw new EventFormatException("event " + event.id() + " of type " + event.type()
                    + " is not one the ledger reads on " + record.topic());
        }
        return new ReminderStore.Recorded(event.id(), reminded);
    }
}
