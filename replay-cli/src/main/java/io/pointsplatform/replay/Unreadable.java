package io.pointsplatform.replay;

import io.pointsplatform.kit.validation.Texts;

/**
 * A record the replay could not read, and why (the codec's own sentence): counted, reported, never
 * fatal. The reason may quote the record (an unknown type as written), so it is kept as PostgreSQL can
 * store it ({@link Texts#forStorage}: a type holding U+0000 once failed the batch's transaction, and
 * the replay stopped at that offset on every run) and at most {@value #MAX_REASON_CHARS} characters.
 */
record Unreadable(String topic, int partition, long offset, String reason) {

    static final int MAX_REASON_CHARS = 1000;
    /** How a reason ends when the record holds a value PostgreSQL cannot store (text or a time, {@link UnstorableText}; or one it refused). */
    static final String UNSTORABLE = ", which PostgreSQL cannot store";

    Unreadable {
        reason = Texts.forStorage(reason, MAX_REASON_CHARS);
    }

    /** The reason without the part that differs from record to record, for the summary's counts. */
    String kind() {
        if (reason.endsWith(UNSTORABLE)) {
            return "values PostgreSQL cannot store";
        }
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
