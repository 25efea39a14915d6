package io.pointsplatform.events;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The registry of every event type: its record, its topic and its JSON Schema. */
public final class EventTypes {

    /**
     * One event type. {@code schemaPath} is a class-path resource path without a leading slash,
     * e.g. {@code schemas/points.earned.json}: load it with a {@code ClassLoader}.
     */
    public record Entry(String type, Class<? extends EventData> dataClass, String topic, String schemaPath) {
    }

    /** The schema of the envelope; {@code data} is checked against the type's own schema. */
    public static final String ENVELOPE_SCHEMA_PATH = "schemas/cloudevent.json";

    private static final Map<String, Entry> BY_TYPE = registry();

    private EventTypes() {
    }

    private static Map<String, Entry> registry() {
        Map<String, Entry> byType = new LinkedHashMap<>();
        add(byType, PointsEarned.TYPE, PointsEarned.class, Topics.POINTS_LEDGER);
        add(byType, PointsReserved.TYPE, PointsReserved.class, Topics.POINTS_LEDGER);
        add(byType, PointsReleased.TYPE, PointsReleased.class, Topics.POINTS_LEDGER);
        add(byType, PointsSpent.TYPE, PointsSpent.class, Topics.POINTS_LEDGER);
        add(byType, PointsReturned.TYPE, PointsReturned.class, Topics.POINTS_LEDGER);
        add(byType, PointsExpired.TYPE, PointsExpired.class, Topics.POINTS_LEDGER);
        add(byType, PointsReversed.TYPE, PointsReversed.class, Topics.POINTS_LEDGER);
        add(byType, PointsAdjusted.TYPE, PointsAdjusted.class, Topics.POINTS_LEDGER);
        add(byType, TierChanged.TYPE, TierChanged.class, Topics.POINTS_LEDGER);
        add(byType, ExpiryDeferred.TYPE, ExpiryDeferred.class, Topics.POINTS_LEDGER);
        add(byType, MemberEnrolled.TYPE, MemberEnrolled.class, Topics.MEMBERS);
        add(byType, MemberUpdated.TYPE, MemberUpdated.class, Topics.MEMBERS);
        add(byType, RewardUpserted.TYPE, RewardUpserted.class, Topics.CATALOG_REWARDS);
        add(byType, RewardRetired.TYPE, RewardRetired.class, Topics.CATALOG_REWARDS);
        add(byType, StockChanged.TYPE, StockChanged.class, Topics.CATALOG_REWARDS);
        add(byType, RedemptionRequested.TYPE, RedemptionRequested.class, Topics.REDEMPTIONS);
        add(byType, RedemptionCompleted.TYPE, RedemptionCompleted.class, Topics.REDEMPTIONS);
        add(byType, RedemptionFailed.TYPE, RedemptionFailed.class, Topics.REDEMPTIONS);
        add(byType, RedemptionCancelled.TYPE, RedemptionCancelled.class, Topics.REDEMPTIONS);
        add(byType, ExpiryReminded.TYPE, ExpiryReminded.class, Topics.NOTIFICATIONS);
        return Collections.unmodifiableMap(byType);
    }

    private static void add(Map<String, Entry> byType, String type, Class<? extends EventData> dataClass,
            String topic) {
        byType.put(type, new Entry(type, dataClass, topic, "schemas/" + type + ".json"));
    }

    /** Every type, in a stable order (points first). */
    public static Collection<Entry> all() {
        return BY_TYPE.values();
    }

    public static Set<String> types() {
        return BY_TYPE.keySet();
    }

    public static Optional<Entry> find(String type) {
        return Optional.ofNullable(type == null ? null : BY_TYPE.get(type));
    }

    public static Class<? extends EventData> dataClass(String type) {
        return entry(type).dataClass();
    }

    public static String topic(String type) {
        return entry(type).topic();
    }

    public static String schemaPath(String type) {
        return entry(type).schemaPath();
    }

    private static Entry entry(String type) {
        return find(type).orElseThrow(() -> new IllegalArgumentException("unknown event type " + type));
    }
}
