package io.pointsplatform.kit.view;

import io.pointsplatform.events.EventCodec;
import io.quarkus.arc.properties.IfBuildProperty;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Keeps a service's own read-only view of each member's points ({@code member_points}) from
 * {@code points.ledger}. Opt-in at build time with {@code points.member-view.enabled=true}, with the
 * channel {@code points-ledger} configured; the ledger keeps its own, richer projection instead.
 * The record is acknowledged (offset committed) only after the transaction commits; a record that
 * cannot be read fails the message, which the channel's dead-letter strategy sends aside.
 */
@ApplicationScoped
@IfBuildProperty(name = "points.member-view.enabled", stringValue = "true")
public class MemberPointsConsumer {

    private final EventCodec codec;
    private final MemberPointsProjector projector;

    public MemberPointsConsumer(EventCodec codec, MemberPointsProjector projector) {
        this.codec = codec;
        this.projector = projector;
    }

    @Incoming("points-ledger")
    @WithTransaction
    public Uni<Void> consume(String payload) {
        return projector.apply(codec.read(payload)).replaceWithVoid();
    }
}
