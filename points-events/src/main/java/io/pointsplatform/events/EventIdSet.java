package io.pointsplatform.events;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * The event ids a replay has applied in one partition, exactly. A replay remembers millions: a
 * {@code HashSet<String>} costs about 100 bytes an id and as many objects for the collector to trace.
 * Here an id costs a slot of two longs (a 64-bit hash, and where its text is kept) in an open-addressing
 * table at most half full, and its text, one byte a character (UTF-8 for an id that is not ASCII),
 * in large byte arrays: about 80 bytes for the ledger's ids, in a few dozen objects whatever the count.
 *
 * <p>The hash only finds the candidates: a slot whose hash is equal is a duplicate only if its text is
 * the id's too. Hashes alone (as this set once kept) would take two ids with the same 64-bit hash for
 * one and drop a real event: over six partitions of a billion events, a chance of about 1 in 200.
 *
 * <p>Not thread-safe: one partition is folded by one thread. The ledger's {@code rebuild} and
 * {@code verify} count an event once by it, and replay-cli writes an event once by it.
 */
public final class EventIdSet {

    /** The text of ids is kept in arrays of this many bytes (one of its own for a longer id). */
    private static final int CHUNK_BYTES = 1 << 20;
    private static final int MIN_CAPACITY = 1 << 12;
    private static final int MAX_PRESIZED = 1 << 27;
    private static final long EMPTY = 0;

    private final ToLongFunction<String> hash;
    /** Two longs a slot, side by side (one cache line): the id's hash, and where its text starts (chunk index in the high 32 bits, offset in the low 32). */
    private long[] table;
    private int size;
    private final List<byte[]> chunks = new ArrayList<>();
    private byte[] chunk;
    private int used;
    /** What {@link #contains} last looked for and did not find, and the free slot it stopped at: {@link #add} of it goes there. */
    private String pendingId;
    private long pendingHash;
    private int pendingSlot;

    public EventIdSet() {
        this(0);
    }

    /** A set sized for {@code expected} ids up front, so a replay does not copy it as it grows. */
    public EventIdSet(long expected) {
        this(expected, EventIdSet::fnv1a);
    }

    /** With another hash: tests make ids collide. */
    public EventIdSet(long expected, ToLongFunction<String> hash) {
        this.hash = hash;
        int capacity = MIN_CAPACITY;
        while (capacity < MAX_PRESIZED && capacity < expected * 2) {
            capacity <<= 1;
        }
        table = new long[capacity * 2];
    }

    public int size() {
        return size;
    }

    /**
     * Whether {@code id} is here. A replay asks this, folds the event, and then adds it: the slot found
     * free here is where {@link #add} puts it, without looking again.
     */
    public boolean contains(String id) {
        if (size * 4 >= table.length) {
            grow();
        }
        long h = hashOf(id);
        int i = find(h, id);
        if (i >= 0) {
            pendingId = null;
            return true;
        }
        pendingId = id;
        pendingHash = h;
        pendingSlot = -i - 1;
        return false;
    }

    /** Adds {@code id}; false when it was there already. */
    public boolean add(String id) {
        if (pendingId == id) {
            pendingId = null;
            put(pendingSlot, pendingHash, id);
            return true;
        }
        pendingId = null;
        if (size * 4 >= table.length) {
            grow();
        }
        long h = hashOf(id);
        int i = find(h, id);
        if (i >= 0) {
            return false;
        }
        put(-i - 1, h, id);
        return true;
    }

    /** The slot holding {@code id}, or {@code -(free slot) - 1}. At most half the slots are taken, so a free one is met. */
    private int find(long h, String id) {
        int mask = (table.length >> 1) - 1;
        int i = slot(h) & mask;
        for (long at; (at = table[i << 1]) != EMPTY; i = (i + 1) & mask) {
            if (at == h && sameText(table[(i << 1) + 1], id)) {
                return i;
            }
        }
        return -i - 1;
    }

    private void put(int i, long h, String id) {
        table[i << 1] = h;
        table[(i << 1) + 1] = keep(id);
        size++;
    }

    private void grow() {
        long[] old = table;
        table = new long[old.length * 2];
        int mask = (table.length >> 1) - 1;
        for (int j = 0; j < old.length; j += 2) {
            if (old[j] != EMPTY) {
                int i = slot(old[j]) & mask;
                while (table[i << 1] != EMPTY) {
                    i = (i + 1) & mask;
                }
                table[i << 1] = old[j];
                table[(i << 1) + 1] = old[j + 1];
            }
        }
    }

    /** The hash, never {@link #EMPTY} (which marks a free slot). */
    private long hashOf(String id) {
        long h = hash.applyAsLong(id);
        return h == EMPTY ? 1 : h;
    }

    private static int slot(long h) {
        long mixed = h * 0x9E3779B97F4A7C15L;
        return (int) (mixed ^ (mixed >>> 32));
    }

    // ---- the ids' text --------------------------------------------------------------------

    /**
     * Copies the id's text (its length in 4 bytes, then one byte a character, or its UTF-8 bytes when
     * it is not ASCII) and answers where it starts.
     */
    private long keep(String id) {
        int length = id.length();
        if (chunk == null || used + 4 + length > chunk.length) {
            newChunk(4 + length);
        }
        int at = used;
        for (int c = 0; c < length; c++) {
            char ch = id.charAt(c);
            if (ch >= 0x80) {
                return keepUtf8(id);
            }
            chunk[at + 4 + c] = (byte) ch;
        }
        writeLength(at, length);
        used += 4 + length;
        return ((long) (chunks.size() - 1) << 32) | at;
    }

    private long keepUtf8(String id) {
        byte[] utf8 = id.getBytes(StandardCharsets.UTF_8);
        if (used + 4 + utf8.length > chunk.length) {
            newChunk(4 + utf8.length);
        }
        int at = used;
        writeLength(at, utf8.length);
        System.arraycopy(utf8, 0, chunk, at + 4, utf8.length);
        used += 4 + utf8.length;
        return ((long) (chunks.size() - 1) << 32) | at;
    }

    private void newChunk(int needed) {
        chunk = new byte[Math.max(CHUNK_BYTES, needed)];
        chunks.add(chunk);
        used = 0;
    }

    private void writeLength(int at, int length) {
        chunk[at] = (byte) (length >>> 24);
        chunk[at + 1] = (byte) (length >>> 16);
        chunk[at + 2] = (byte) (length >>> 8);
        chunk[at + 3] = (byte) length;
    }

    /** Whether the text kept at {@code where} is {@code id}'s: asked only when their hashes are equal. */
    private boolean sameText(long where, String id) {
        byte[] in = chunks.get((int) (where >>> 32));
        int at = (int) where;
        int length = ((in[at] & 0xff) << 24) | ((in[at + 1] & 0xff) << 16) | ((in[at + 2] & 0xff) << 8) | (in[at + 3] & 0xff);
        if (length == id.length()) {
            boolean ascii = true;
            for (int c = 0; c < length && ascii; c++) {
                char ch = id.charAt(c);
                if (ch >= 0x80) {
                    ascii = false;
                } else if (in[at + 4 + c] != (byte) ch) {
                    return false;
                }
            }
            if (ascii) {
                return true;
            }
        }
        byte[] utf8 = id.getBytes(StandardCharsets.UTF_8);
        return utf8.length == length && Arrays.equals(in, at + 4, at + 4 + length, utf8, 0, length);
    }

    /** A 64-bit FNV-1a hash of an event id's characters. */
    public static long fnv1a(String id) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < id.length(); i++) {
            h ^= id.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }
}
