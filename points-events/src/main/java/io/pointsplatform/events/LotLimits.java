package io.pointsplatform.events;

import java.util.ArrayList;
import java.util.List;

/**
 * How many lots one event may name (docs/contract-extensions.md, "Events of megabytes"). Every debit
 * names each lot it takes, so a debit over very many small lots is a large event: about 190 bytes a
 * lot with the longest lot ids, 42-63 with the usual ones. At {@link #PER_EVENT} lots an event stays
 * near 2 MB at worst (well inside the 16 MiB the relays and topics take) and under Kafka's default
 * 1 MiB with the usual ids. A decision that would name more is refused ({@code 409 TOO_MANY_LOTS},
 * with the points that fit) or, where it cannot be refused (an expiry, a reminder), written as
 * several events of at most that many lots each.
 */
public final class LotLimits {

    /** The most lots one event names. */
    public static final int PER_EVENT = 10_000;

    private LotLimits() {
    }

    /** Whether {@code allocations} fit in one event. */
    public static boolean fits(List<?> lots) {
        return lots.size() <= PER_EVENT;
    }

    /**
     * The points the first {@link #PER_EVENT} allocations of a plan take: the most a debit in the
     * plan's order can take within one event.
     */
    public static long pointsThatFit(List<Allocation> allocations) {
        return Allocation.total(allocations.subList(0, Math.min(allocations.size(), PER_EVENT)));
    }

    /** {@code lots} in order, cut into consecutive parts of at most {@code max} each; none when empty. */
    public static <T> List<List<T>> parts(List<T> lots, int max) {
        if (max < 1) {
            throw new IllegalArgumentException("parts: max must be positive, was " + max);
        }
        List<List<T>> parts = new ArrayList<>((lots.size() + max - 1) / max);
        for (int from = 0; from < lots.size(); from += max) {
            parts.add(List.copyOf(lots.subList(from, Math.min(lots.size(), from + max))));
        }
        return List.copyOf(parts);
    }

    /** {@link #parts(List, int)} at {@link #PER_EVENT}. */
    public static <T> List<List<T>> parts(List<T> lots) {
        return parts(lots, PER_EVENT);
    }

    /**
     * The id of part {@code index} (from 0) of an event written in parts: the first keeps
     * {@code base}, so that an event of one part has the id it always had; the others add
     * {@code #<index + 1>}, a character no lot or member id of the contract holds.
     */
    public static String partId(String base, int index) {
        return index == 0 ? base : base + "#" + (index + 1);
    }
}
