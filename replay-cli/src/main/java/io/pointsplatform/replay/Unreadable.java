package io.pointsplatform.replay;

/** A record the replay could not read, and why (the codec's own sentence): counted, reported, never fatal. */
record Unreadable(String topic, int partition, long offset, String reason) {

    /** The reason without the part that differs from record to record, for the summary's counts. */
    String kind() {
        if (reason.startsWith("malformed JSON")) {
            return "not JSON";
        }
        if (reason.contains("unknown event type")) {
            return "unknown event type";
        }
        if (reason.contains("does not belong on")) {
            return "event on the wrong topic";
        }
        if (reason.contains("missing field 'type'") || reason.contains("must be a JSON object")
                || reason.contains("specversion")) {
            return "not a CloudEvent";
        }
        return "fails its schema";
    }
}
