package dev.nagare.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;

/**
 * The {@code .timeindex} file of a segment: a sparse map from timestamp to offset, to answer ListOffsets by time.
 *
 * <p>Format (Kafka's): a sequence of 12-byte entries, no header, both fields increasing:
 * <pre>
 * offset size field
 *      0    8 timestamp       (big-endian long) the largest batch max timestamp of the segment so far
 *      8    4 relativeOffset  (big-endian int) the last offset of the batch that brought that timestamp, minus the
 *                             segment's base offset
 * </pre>
 * Entries are added at the same moments as {@link OffsetIndex} entries, but only when the timestamp grew since the
 * last entry, plus one final entry when the segment stops being active (so the last entry holds the segment's max
 * timestamp, which retention and ListOffsets(-3) read without scanning). One slot is kept free for that final entry.
 *
 * <p>Threads: see {@link MappedIndex} (appends under the log lock, lookups from any thread).
 */
final class TimeIndex extends MappedIndex {
    static final int ENTRY_SIZE = 12;

    TimeIndex(Path file, long baseOffset, int maxIndexBytes, boolean writable) {
        super(file, baseOffset, maxIndexBytes, ENTRY_SIZE, writable);
    }

    /** Full one entry early: the last slot is reserved for the entry written at roll. */
    @Override
    boolean isFull() {
        return entries() + 1 >= maxEntries();
    }

    /**
     * Adds {@code timestamp → offset} if the timestamp is larger than the last entry's. {@code force} is used for the
     * final entry at roll, which may take the reserved slot. Log lock only.
     */
    void maybeAppend(long timestamp, long offset, boolean force) {
        if (timestamp < 0) {
            return;
        }
        MappedByteBuffer m = buffer();
        int n = entries();
        if (n > 0 && m.getLong(entryPosition(n - 1)) >= timestamp) {
            return;
        }
        if (!force && isFull() || entryPosition(n) + ENTRY_SIZE > m.capacity()) {
            return;
        }
        int at = appendPosition();
        m.putLong(at, timestamp);
        m.putInt(at + 8, (int) (offset - baseOffset));
        publishAppend();
    }

    /** The offset of the floor entry for {@code timestamp} (largest entry timestamp at or below it), or base. */
    long lookup(long timestamp) {
        int n = floorEntry(timestamp);
        return n < 0 ? baseOffset : baseOffset + buffer().getInt(entryPosition(n) + 8);
    }

    /** Entry {@code n} as {@code {timestamp, offset}}. */
    long[] entry(int n) {
        MappedByteBuffer m = buffer();
        return new long[] {m.getLong(entryPosition(n)), baseOffset + m.getInt(entryPosition(n) + 8)};
    }

    /**
     * After a crash, the number of leading entries that can be trusted up to {@code maxOffset}: timestamps strictly
     * increasing, offsets not decreasing and at or below {@code maxOffset}; an all-zero slot (preallocated, or a page
     * lost with the machine) ends it. See {@link OffsetIndex#trustedPrefix}.
     */
    int trustedPrefix(long maxOffset) {
        MappedByteBuffer m = buffer();
        int n = entries();
        long previousTimestamp = Long.MIN_VALUE;
        long previousOffset = baseOffset;
        for (int i = 0; i < n; i++) {
            long timestamp = m.getLong(entryPosition(i));
            int relative = m.getInt(entryPosition(i) + 8);
            long offset = baseOffset + relative;
            if (timestamp == 0 && relative == 0 || timestamp <= previousTimestamp || offset < previousOffset
                    || offset > maxOffset) {
                return i;
            }
            previousTimestamp = timestamp;
            previousOffset = offset;
        }
        return n;
    }

    /** True when appends had stopped because the index was full (only the reserved slot left or used). */
    boolean wasFull(int entries) {
        return entries + 1 >= capacityEntries();
    }

    @Override
    protected long keyAt(ByteBuffer m, int n) {
        return m.getLong(entryPosition(n));
    }

    /**
     * Cheap open-time check, without mapping: the file holds whole entries and the last one's offset is at or above
     * the base. Returns that entry as {@code {timestamp, offset}}, {@link #NO_ENTRY} when the file holds none, or null
     * when the check fails. A preallocated file of a crashed run reads as zeros: recovery resets such files before
     * this is trusted.
     */
    long[] lastEntryIfSane() {
        Tail t = readTail();
        if (!t.wholeEntries()) {
            return null;
        }
        if (t.last() == null) {
            return NO_ENTRY;
        }
        return t.last().getInt(8) >= 0 ? new long[] {t.last().getLong(0), baseOffset + t.last().getInt(8)} : null;
    }

    /** {@link #lastEntryIfSane} of a sane file without entries. */
    static final long[] NO_ENTRY = new long[0];
}
