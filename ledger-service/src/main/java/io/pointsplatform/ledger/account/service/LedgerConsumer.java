package io.pointsplatform.ledger.account.service;

import io.pointsplatform.events.EventCodec;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Folds {@code points.ledger} into the accounts. The record's offset is committed only after the
 * transaction that applied it commits; a record that cannot be read or applied fails, and the
 * channel's dead-letter strategy sends it to {@code points.ledger.dlq.ledger-service} with the reason.
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
    public Uni<Void> consume(String payload) {
        return Uni.createFrom().item(() -> codec.read(payload)).chain(book::consume).replaceWithVoid()
                .onFailure().invoke(e -> Log.warnf("Record refused, to the dead-letter topic: %s", e.toString()));
    }
}
