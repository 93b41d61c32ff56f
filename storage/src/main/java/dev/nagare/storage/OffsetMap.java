package dev.nagare.storage;

import java.nio.ByteBuffer;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The cleaner's map from record key to the offset of the newest record with that key in the dirty part of a log.
 *
 * <p>Design: keys are not stored, only their 128-bit MD5 digest (as Kafka's cleaner does), so an entry has a fixed
 * size whatever the key: three {@code long}s (digest high half, digest low half, offset + 1) in one flat array,
 * {@value #BYTES_PER_ENTRY} bytes per slot, open addressing with linear probing from the low half of the digest. An
 * offset slot of 0 marks a free slot, which is why offsets are stored plus one. The table starts small and doubles
 * (re-inserting the stored digests; the keys are not needed) whenever it passes {@value #MAX_LOAD} full, up to the
 * largest power of two of slots that fits in the configured bytes ({@code log.cleaner.dedupe.buffer.size}); a
 * {@link #put} that would need more fails, and the cleaner then stops mapping there. So a log with few keys costs
 * little memory, and memory never exceeds the configured bound. Two different keys share a digest with probability
 * about 2^-128 per pair; if they did, the older record of one would be dropped as if the other had replaced it,
 * which is the risk Kafka accepts too.
 *
 * <p>Not thread-safe: owned by the {@code nagare-log-cleaner} thread, reused from one log to the next.
 */
final class OffsetMap {
    static final int BYTES_PER_ENTRY = 24;
    /** Above this share of used slots linear probing slows down; the table doubles first. */
    static final double MAX_LOAD = 0.75;
    private static final int INITIAL_SLOTS = 1 << 12;

    private final int maxSlots;
    private final MessageDigest md5;
    private final byte[] digest = new byte[16];
    private final ByteBuffer digestView = ByteBuffer.wrap(digest);
    private long[] table;
    private int mask;
    private int size;
    private long hashHigh;
    private long hashLow;

    /** A map that may grow to {@code maxBytes} (at least {@value #INITIAL_SLOTS} slots). */
    OffsetMap(long maxBytes) {
        int slots = Integer.highestOneBit((int) Math.min(1 << 30, Math.max(INITIAL_SLOTS, maxBytes / BYTES_PER_ENTRY)));
        this.maxSlots = slots;
        try {
            this.md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JDK provides MD5", e);
        }
        allocate(Math.min(INITIAL_SLOTS, slots));
    }

    private void allocate(int slots) {
        table = new long[slots * 3];
        mask = slots - 1;
        size = 0;
    }

    /** Empties the map, keeping its current table. */
    void clear() {
        Arrays.fill(table, 0L);
        size = 0;
    }

    int size() {
        return size;
    }

    /** The most entries this map can ever hold. */
    int maxEntries() {
        return (int) (maxSlots * MAX_LOAD);
    }

    /**
     * Records {@code offset} as the newest for {@code key} (offsets must be put in increasing order). Returns false,
     * changing nothing, when the key is new and the map is at its size limit. The key buffer's position is not moved.
     */
    boolean put(ByteBuffer key, long offset) {
        hash(key);
        int slot = find(table, mask, hashHigh, hashLow);
        if (table[slot + 2] != 0) {
            table[slot + 2] = offset + 1;
            return true;
        }
        if (size + 1 > (int) ((mask + 1) * MAX_LOAD)) {
            if (mask + 1 >= maxSlots) {
                return false;
            }
            grow();
            slot = find(table, mask, hashHigh, hashLow);
        }
        table[slot] = hashHigh;
        table[slot + 1] = hashLow;
        table[slot + 2] = offset + 1;
        size++;
        return true;
    }

    /** The newest offset put for {@code key}, or -1. The key buffer's position is not moved. */
    long get(ByteBuffer key) {
        hash(key);
        int slot = find(table, mask, hashHigh, hashLow);
        return table[slot + 2] - 1;
    }

    /** Index in {@code t} of the slot holding this digest, or of the free slot where it would go. */
    private static int find(long[] t, int mask, long high, long low) {
        int i = (int) (low ^ (low >>> 32)) & mask;
        while (true) {
            int slot = i * 3;
            if (t[slot + 2] == 0 || t[slot] == high && t[slot + 1] == low) {
                return slot;
            }
            i = (i + 1) & mask;
        }
    }

    private void grow() {
        long[] old = table;
        int newMask = (mask + 1) * 2 - 1;
        long[] t = new long[(newMask + 1) * 3];
        for (int slot = 0; slot < old.length; slot += 3) {
            if (old[slot + 2] != 0) {
                int to = find(t, newMask, old[slot], old[slot + 1]);
                t[to] = old[slot];
                t[to + 1] = old[slot + 1];
                t[to + 2] = old[slot + 2];
            }
        }
        table = t;
        mask = newMask;
    }

    private void hash(ByteBuffer key) {
        md5.update(key.duplicate());
        try {
            md5.digest(digest, 0, digest.length);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
        hashHigh = digestView.getLong(0);
        hashLow = digestView.getLong(8);
    }
}
