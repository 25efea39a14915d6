package io.pointsplatform.ledger.account.replay;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
 * <p>Not thread-safe: one partition is folded by one thread.
 */
final class EventIdSet {

    /** The text of ids is kept in arrays of this many bytes (one of its own for a longer id). */
    private static final int CHUNK_BYTES = 1 << 20;
    private static final int MIN_CAPACITY = 1 << 12;
    private static final int MAX_PRESIZED = 1 << 27;
    private static final long EMPTY = 0;

    private final ToLongFunction<String> hash;
    private long[] hashes;
    /** Where each slot's text starts: chunk index in the high 32 bits, offset in the low 32. */
    private long[] texts;
    private int size;
    private final List<byte[]> chunks = new ArrayList<>();
    private byte[] chunk;
    private int used;

    EventIdSet() {
        this(0);
    }

    /** A set sized for {@code expected} ids up front, so a replay does not copy it as it grows. */
    EventIdSet(long expected) {
        this(expected, EventIdSet::fnv1a);
    }

    /** With another hash: tests make ids collide. */
    EventIdSet(long expected, ToLongFunction<String> hash) {
        this.hash = hash;
        int capacity = MIN_CAPACITY;
        while (capacity < MAX_PRESIZED && capacity < expected * 2) {
            capacity <<= 1;
        }
        hashes = new long[capacity];
        texts = new long[capacity];
    }

    int size() {
        return size;
    }

    boolean contains(String id) {
        long h = hashOf(id);
        int mask = hashes.length - 1;
        for (int i = slot(h) & mask; hashes[i] != EMPTY; i = (i + 1) & mask) {
            if (hashes[i] == h && sameText(texts[i], id)) {
                return true;
            }
        }
        return false;
    }

    /** Adds {@code id}; false when it was there already. */
    boolean add(String id) {
        if (size * 2 >= hashes.length) {
            grow();
        }
        long h = hashOf(id);
        int mask = hashes.length - 1;
        int i = slot(h) & mask;
        for (; hashes[i] != EMPTY; i = (i + 1) & mask) {
            if (hashes[i] == h && sameText(texts[i], id)) {
                return false;
            }
        }
        hashes[i] = h;
        texts[i] = keep(id);
        size++;
        return true;
    }

    private void grow() {
        long[] oldHashes = hashes;
        long[] oldTexts = texts;
        hashes = new long[oldHashes.length * 2];
        texts = new long[oldHashes.length * 2];
        int mask = hashes.length - 1;
        for (int j = 0; j < oldHashes.length; j++) {
            if (oldHashes[j] != EMPTY) {
                int i = slot(oldHashes[j]) & mask;
                while (hashes[i] != EMPTY) {
                    i = (i + 1) & mask;
                }
                hashes[i] = oldHashes[j];
                texts[i] = oldTexts[j];
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

    /** Copies the id's text (a length, then the bytes) and answers where it starts. */
    private long keep(String id) {
        byte[] utf8 = ascii(id) ? null : id.getBytes(StandardCharsets.UTF_8);
        int length = utf8 == null ? id.length() : utf8.length;
        int needed = 4 + length;
        if (chunk == null || used + needed > chunk.length) {
            chunk = new byte[Math.max(CHUNK_BYTES, needed)];
            chunks.add(chunk);
            used = 0;
        }
        int at = used;
        chunk[at] = (byte) (length >>> 24);
        chunk[at + 1] = (byte) (length >>> 16);
        chunk[at + 2] = (byte) (length >>> 8);
        chunk[at + 3] = (byte) length;
        if (utf8 == null) {
            for (int c = 0; c < length; c++) {
                chunk[at + 4 + c] = (byte) id.charAt(c);
            }
        } else {
            System.arraycopy(utf8, 0, chunk, at + 4, length);
        }
        used += needed;
        return ((long) (chunks.size() - 1) << 32) | at;
    }

    /** Whether the text kept at {@code where} is {@code id}'s. */
    private boolean sameText(long where, String id) {
        byte[] in = chunks.get((int) (where >>> 32));
        int at = (int) where;
        int length = ((in[at] & 0xff) << 24) | ((in[at + 1] & 0xff) << 16) | ((in[at + 2] & 0xff) << 8) | (in[at + 3] & 0xff);
        if (ascii(id)) {
            if (length != id.length()) {
                return false;
            }
            for (int c = 0; c < length; c++) {
                if (in[at + 4 + c] != (byte) id.charAt(c)) {
                    return false;
                }
            }
            return true;
        }
        byte[] utf8 = id.getBytes(StandardCharsets.UTF_8);
        if (length != utf8.length) {
            return false;
        }
        for (int c = 0; c < length; c++) {
            if (in[at + 4 + c] != utf8[c]) {
                return false;
            }
        }
        return true;
    }

    private static boolean ascii(String id) {
        for (int c = 0; c < id.length(); c++) {
            if (id.charAt(c) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** A 64-bit FNV-1a hash of an event id's characters. */
    static long fnv1a(String id) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < id.length(); i++) {
            h ^= id.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }
}
