package io.pointsplatform.replay;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What a replay did: counted as batches are written, reported at the end. */
final class Summary {

    private static final int EXAMPLES = 5;

    long records;
    long written;
    long filtered;
    long empty;
    long unreadable;
    long batches;
    /** New rows, when the output says (PostgreSQL), else -1. */
    long inserted = -1;
    final Map<String, Long> unreadableByKind = new TreeMap<>();
    final List<Unreadable> examples = new ArrayList<>();
    long startNanos = System.nanoTime();
    long endNanos;
    boolean stoppedEarly;

    synchronized void add(Batch batch) {
        records += batch.records;
        written += batch.events.size();
        filtered += batch.filtered;
        empty += batch.empty;
        unreadable += batch.unreadable.size();
        batches++;
        if (batch.inserted >= 0) {
            inserted = Math.max(inserted, 0) + batch.inserted;
        }
        for (Unreadable record : batch.unreadable) {
            unreadableByKind.merge(record.kind(), 1L, Long::sum);
            if (examples.size() < EXAMPLES) {
                examples.add(record);
            }
        }
    }

    synchronized long records() {
        return records;
    }

    synchronized long written() {
        return written;
    }

    synchronized long unreadable() {
        return unreadable;
    }

    double seconds() {
        return ((endNanos == 0 ? System.nanoTime() : endNanos) - startNanos) / 1e9;
    }

    synchronized String describe() {
        double seconds = seconds();
        StringBuilder text = new StringBuilder();
        text.append(String.format("replay-cli: %s in %.1f s: %,d records read, %,d events written%s (%,.0f events/s), "
                        + "%,d filtered out, %,d unreadable%s%n",
                stoppedEarly ? "stopped" : "done", seconds, records, written,
                inserted >= 0 && inserted != written ? String.format(" (%,d new, the rest there already)", inserted) : "",
                seconds > 0 ? records / seconds : 0.0,
                filtered, unreadable, empty > 0 ? String.format(", %,d empty (tombstones)", empty) : ""));
        if (unreadable > 0) {
            text.append("  unreadable records by kind:");
            unreadableByKind.forEach((kind, count) -> text.append(String.format(" %s %,d;", kind, count)));
            text.setLength(text.length() - 1);
            text.append(System.lineSeparator());
            for (Unreadable record : examples) {
                text.append(String.format("  e.g. %s-%d@%d: %s%n", record.topic(), record.partition(), record.offset(),
                        record.reason()));
            }
        }
        return text.toString();
    }
}
