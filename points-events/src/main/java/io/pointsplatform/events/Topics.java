package io.pointsplatform.events;

/** Kafka topic names from the contract. */
public final class Topics {

    public static final String POINTS_LEDGER = "points.ledger";
    public static final String MEMBERS = "members";
    public static final String CATALOG_REWARDS = "catalog.rewards";
    public static final String REDEMPTIONS = "redemptions";
    /** What notification-service tells members that other services must know of (expiry reminders). */
    public static final String NOTIFICATIONS = "notifications";

    private Topics() {
    }

    /** The dead-letter topic of one consuming service: {@code <topic>.dlq.<service>}. */
    public static String dlq(String topic, String service) {
        Checks.text("dlq", "topic", topic);
        Checks.text("dlq", "service", service);
        return topic + ".dlq." + service;
    }
}
