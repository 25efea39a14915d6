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
    /** Records of points.ledger off their member's partition, left out (docs/contract-extensions.md, "The log"). */
    long misplacedCredits;
    long misplacedOthers;
    /** Events left out by the replay as written already (file outputs; PostgreSQL's are in {@link #inserted}). */
    long duplicates;
    /** Of the misplaced credits, those whose copy a file replay did not find on the member's partition; -1 when not looked for. */
    long creditsWithoutCopy = -1;
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
        misplacedCredits += batch.misplacedCredits;
        misplacedOthers += batch.misplacedOthers;
        duplicates += batch.duplicates;
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

    synchronized long misplaced() {
        return misplacedCredits + misplacedOthers;
    }

    /** Events not written for their id: left out by the replay, or there already in PostgreSQL. */
    synchronized long duplicates() {
        return duplicates + (inserted >= 0 ? written - inserted : 0);
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
        long misplaced = misplaced();
        text.append(String.format("  misplaced skipped: %,d, duplicates skipped: %,d%n", misplaced, duplicates()));
        if (misplaced > 0) {
            // What the ledger does with them (docs/contract-extensions.md, "One member, one partition").
            text.append(String.format("  misplaced: records of points.ledger on another partition than their member's"
                    + " (murmur2 of the member id), left out as the ledger leaves them out: %,d credits (the ledger"
                    + " forwards a credit to its member's partition, whose copy is the one kept) and %,d other events"
                    + " (which the ledger never applies); their producer must use Kafka's default partitioner%n",
                    misplacedCredits, misplacedOthers));
            if (creditsWithoutCopy > 0) {
                text.append(String.format("  %,d of those credits have no copy on their member's partition in this"
                        + " replay: forwarded after its end, or applied where found by a ledger older than the rule (whose"
                        + " rebuild counts them as strayCreditsFolded); left out here all the same%n",
                        creditsWithoutCopy));
            }
        }
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
