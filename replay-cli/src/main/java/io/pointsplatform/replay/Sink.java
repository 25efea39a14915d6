package io.pointsplatform.replay;

import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/** Where a replay writes: a file (JSON Lines, CSV) or the analytics schema in PostgreSQL. */
interface Sink extends AutoCloseable {

    /** Whether it writes the typed columns ({@link ReplayEvent#columns()}, tier, day), or only the record as written. */
    default boolean writesColumns() {
        return true;
    }

    /**
     * Whether it keeps each event once by its id itself (PostgreSQL: the key of analytics.events, over
     * every run); else the replay leaves out an event whose id it has written already.
     */
    default boolean keepsEventsOnce() {
        return false;
    }

    /** Does what can be done ahead of writing the batch, on the reader's thread while the previous batch is written. */
    default void prepare(Batch batch) {
    }

    /** Writes a batch whole, in order; the PostgreSQL output commits it with its offsets in one transaction. */
    void write(Batch batch) throws Exception;

    /** The offsets a replay of this name saved ({@code --from saved}); only an output that keeps them has any. */
    default Map<TopicPartition, Long> savedOffsets(String name) throws Exception {
        throw new UnsupportedOperationException("saved offsets are kept with the rows, by --format postgres only");
    }

    /** Members' tiers as far as this output has already seen (none for a file). */
    default Map<String, String> knownTiers() throws Exception {
        return Map.of();
    }

    @Override
    void close() throws Exception;
}
