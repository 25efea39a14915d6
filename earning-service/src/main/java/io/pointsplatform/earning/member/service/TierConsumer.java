package io.pointsplatform.earning.member.service;

import io.pointsplatform.earning.order.repository.EarningRepository;
import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.EventCodec;
import io.pointsplatform.events.Tier;
import io.pointsplatform.events.TierChanged;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Keeps each member's tier as the ledger decided it ({@code tier.changed} on {@code points.ledger}),
 * for tier multipliers, campaigns' tier filters and expiry per tier. Events of one member arrive in
 * order (one partition), so the last one applied is the current tier; applying one again changes
 * nothing. Other events are skipped before they are decoded: most of the topic is credits.
 */
@ApplicationScoped
public class TierConsumer {

    private final EventCodec codec;
    private final Pool pool;
    private final EarningRepository earnings;

    public TierConsumer(EventCodec codec, Pool pool, EarningRepository earnings) {
        this.codec = codec;
        this.pool = pool;
        this.earnings = earnings;
    }

    @Incoming("points-ledger")
    public Uni<Void> consume(String payload) {
        if (!payload.contains("\"" + TierChanged.TYPE + "\"")) {
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().item(() -> codec.read(payload)).chain(event -> apply(event))
                .onFailure().invoke(e -> Log.warnf("Record refused, to the dead-letter topic: %s", e.toString()));
    }

    private Uni<Void> apply(CloudEvent event) {
        if (!(event.data() instanceof TierChanged changed)) {
            return Uni.createFrom().voidItem();
        }
        Tier tier = Tier.valueOf(changed.to());
        Log.debugf("Member %s is now %s", changed.memberId(), tier);
        return pool.withTransaction(c -> earnings.saveTier(c, changed.memberId(), tier));
    }
}
