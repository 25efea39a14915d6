package io.pointsplatform.kit.inbox;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Remembers which event ids a consumer has applied, in the same transaction as their effect, so
 * a redelivered event (Kafka is at least once) changes nothing the second time.
 */
@ApplicationScoped
public class ProcessedEvents {

    private static final String MARK =
            "insert into processed_event (event_id) values (?1) on conflict (event_id) do nothing";

    /** True the first time this id is seen; call inside the transaction that applies the event. */
    public Uni<Boolean> firstTime(String eventId) {
        return Panache.getSession()
                .chain(session -> session.createNativeQuery(MARK).setParameter(1, eventId).executeUpdate())
                .map(inserted -> inserted == 1);
    }
}
