package io.pointsplatform.notification.notice.service;

import io.pointsplatform.events.EventCodec;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Turns events of {@code members} and {@code points.ledger} into notifications. */
@ApplicationScoped
public class EventConsumer {

    private final EventCodec codec;
    private final NotificationService notifications;

    public EventConsumer(EventCodec codec, NotificationService notifications) {
        this.codec = codec;
        this.notifications = notifications;
    }

    @Incoming("members")
    @WithTransaction
    public Uni<Void> member(String payload) {
        return notifications.onEvent(codec.read(payload));
    }

    @Incoming("points-ledger")
    @WithTransaction
    public Uni<Void> points(String payload) {
        return notifications.onEvent(codec.read(payload));
    }
}
