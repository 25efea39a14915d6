package io.pointsplatform.replay;

import java.time.Instant;
import java.time.LocalDate;

/**
 * One readable record of the log, as every output needs it: where it was in Kafka, the record's
 * bytes as written, the CloudEvent's id, type and time (read and checked as every consumer checks
 * it; the event itself is not kept, so that a batch waiting to be written holds little), the analytics
 * columns derived from the event ({@link EventColumns}), the member's tier when it happened and the
 * day it happened on in the programme's zone (these three null for an output that writes only the
 * record as written).
 */
record ReplayEvent(String topic, int partition, long offset, byte[] value, String id, String type, Instant time,
        EventColumns columns, String tier, LocalDate day) {
}
