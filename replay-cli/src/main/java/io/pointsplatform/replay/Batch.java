package io.pointsplatform.replay;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * What a run of records gave, written to the output as one unit: the events to write, the records
 * that could not be read, and for each partition the offset after the last record of it (written,
 * filtered out, unreadable or empty alike), which the PostgreSQL output saves with the rows.
 */
final class Batch {

    final List<ReplayEvent> events = new ArrayList<>();
    final List<Unreadable> unreadable = new ArrayList<>();
    final Map<TopicPartition, Long> nextOffsets = new HashMap<>();
    long records;
    long filtered;
    long empty;
    /** Records of points.ledger off their member's partition, left out as the ledger leaves them out: credits, and the rest. */
    long misplacedCredits;
    long misplacedOthers;
    /** Events left out because an event of the same id was written before (file outputs). */
    long duplicates;
    /** Rows the output added for its events (PostgreSQL: fewer when some were there already); -1 when it does not say. */
    long inserted = -1;
    /** What the sink made of it ahead of writing it, on the reader's thread ({@link Sink#prepare}). */
    Object prepared;

    boolean isEmpty() {
        return records == 0;
    }
}
