package io.pointsplatform.events;

/**
 * The {@code data} of a {@link CloudEvent}: one record per event type. Sealed, so that every
 * consumer's {@code switch} is checked by the compiler when a type is added.
 */
public sealed interface EventData permits PointsEvent, MemberEvent, CatalogEvent, RedemptionEvent,
        NotificationEvent {

    /** The CloudEvents {@code type}, also each record's {@code TYPE} constant. */
    String type();

    /** The Kafka key and CloudEvents {@code subject}: the member id, or the reward id on catalog.rewards. */
    String key();
}
