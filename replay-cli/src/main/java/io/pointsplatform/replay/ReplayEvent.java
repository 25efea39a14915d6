package io.pointsplatform.replay;

import io.pointsplatform.events.CloudEvent;
import java.time.LocalDate;

/**
 * One readable record of the log, as every output needs it: where it was in Kafka, the event read
 * from it (checked as every consumer checks it), the record's bytes as written, the analytics
 * columns derived from the event ({@link EventColumns}), the member's tier when it happened and the
 * day it happened on in the programme's zone (these three null for an output that writes only the
 * record as written).
 */
record ReplayEvent(String topic, int partition, long offset, byte[] value, CloudEvent event, EventColumns columns,
        String tier, LocalDate day) {
}
