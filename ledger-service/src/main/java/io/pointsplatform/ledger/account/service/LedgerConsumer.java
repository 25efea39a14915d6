package io.pointsplatform.ledger.account.service;

import io.pointsplatform.events.EventCodec;
import io.pointsplatform.kit.view.MemberPointsProjector;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Folds {@code points.ledger} into the accounts. The offset is committed only after the
 * transaction commits; a record that cannot be read or applied goes to the dead-letter topic with
 * the reason in its headers, and consumption goes on.
 */
@ApplicationScoped
public class LedgerConsumer {

    private final EventCodec codec;
    private final MemberPointsProjector projector;

    public LedgerConsumer(EventCodec codec, MemberPointsProjector projector) {
        this.codec = codec;
        this.projector = projector;
    }

    @Incoming("points-ledger")
    @WithTransaction
    public Uni<Void> consume(String payload) {
        return projector.apply(codec.read(payload)).replaceWithVoid();
    }
}
