package io.pointsplatform.events;

/** Events of the {@value Topics#NOTIFICATIONS} topic: what notification-service told a member that others rely on. */
public sealed interface NotificationEvent extends EventData permits ExpiryReminded {

    String memberId();

    @Override
    default String key() {
        return memberId();
    }
}
