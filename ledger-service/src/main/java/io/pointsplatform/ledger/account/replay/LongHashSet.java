package io.pointsplatform.ledger.account.replay;

/**
 * A set of longs in one array (open addressing): a replay remembers a 64-bit hash of every event id
 * it applied in ~16 bytes each instead of a String in a HashSet (~100 bytes). Two ids with the same
 * 64-bit hash among a billion events is a chance of about 3 in 100 million.
 */
final class LongHashSet {

    private static final long EMPTY = 0;
    private static final int MAX_PRESIZED = 1 << 27;
    private long[] slots;
    private int size;
    private boolean hasZero;

    LongHashSet() {
        this(1 << 15);
    }

    /** A set sized for {@code expected} values up front, so a replay does not copy it as it grows. */
    LongHashSet(long expected) {
        int capacity = 1 << 16;
        while (capacity < MAX_PRESIZED && capacity < expected * 2) {
            capacity <<= 1;
        }
        slots = new long[capacity];
    }

    /** Adds {@code value}; false when it was there already. */
    boolean add(long value) {
        if (value == EMPTY) {
            boolean added = !hasZero;
            hasZero = true;
            return added;
        }
        if (size * 2 >= slots.length) {
            grow();
        }
        int mask = slots.length - 1;
        int i = mix(value) & mask;
        while (slots[i] != EMPTY) {
            if (slots[i] == value) {
                return false;
            }
            i = (i + 1) & mask;
        }
        slots[i] = value;
        size++;
        return true;
    }

    private void grow() {
        long[] old = slots;
        slots = new long[old.length * 2];
        size = 0;
        for (long value : old) {
            if (value != EMPTY) {
                add(value);
            }
        }
    }

    private static int mix(long value) {
        long h = value * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }

    /** A 64-bit FNV-1a hash of an event id. */
    static long hash(String id) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < id.length(); i++) {
            h ^= id.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }
}
