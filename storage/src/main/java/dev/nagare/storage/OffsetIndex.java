package dev.nagare.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;

/**
 * The {@code .index} file of a segment: a sparse map from offset to the file position of the batch holding it.
 *
 * <p>Format (Kafka's): a sequence of 8-byte entries, no header, sorted by offset:
 * <pre>
 * offset size field
 *      0    4 relativeOffset  (big-endian int) the LAST offset of a batch minus the segment's base offset
 *      4    4 position        (big-endian int) byte position in the .log file of that batch's first byte
 * </pre>
 * An entry is added before a batch once more than {@code index.interval.bytes} of batches were appended since the
 * previous entry (Kafka's rule), so a lookup is a binary search to the floor entry and then a scan of at most about
 * {@code index.interval.bytes} of batch headers. The active segment's file is mapped at {@code segment.index.bytes},
 * grown (zero-filled) ahead of its entries as they come, and truncated to its entries when the segment is rolled or
 * closed cleanly (see {@link MappedIndex}).
 *
 * <p>Threads: see {@link MappedIndex} (appends under the log lock, lookups from any thread).
 */
final class OffsetIndex extends MappedIndex {
    static final int ENTRY_SIZE = 8;

    OffsetIndex(Path file, long baseOffset, int maxIndexBytes, boolean writable) {
        super(file, baseOffset, maxIndexBytes, ENTRY_SIZE, writable);
    }

    /** Adds the entry {@code lastOffset → position}; the caller keeps offsets increasing. Log lock only. */
    void append(long lastOffset, int position) {
        MappedByteBuffer m = buffer();
        int at = appendPosition();
        m.putInt(at, (int) (lastOffset - baseOffset));
        m.putInt(at + 4, position);
        publishAppend();
    }

    /** The file position to start scanning from for {@code offset}: the floor entry's position, or 0. */
    int lookup(long offset) {
        int n = floorEntry(offset);
        return n < 0 ? 0 : buffer().getInt(entryPosition(n) + 4);
    }

    /** The last entry's {@code {offset, position}}, or {@code {baseOffset, 0}} when empty. */
    long[] lastEntry() {
        int n = entries() - 1;
        return n < 0 ? new long[] {baseOffset, 0} : entry(n);
    }

    /** Entry {@code n} as {@code {offset, position}}. */
    long[] entry(int n) {
        MappedByteBuffer m = buffer();
        return new long[] {baseOffset + m.getInt(entryPosition(n)), m.getInt(entryPosition(n) + 4)};
    }

    /**
     * After a crash, the number of leading entries that can be trusted: offsets and positions strictly increasing,
     * every position above 0 (the first entry is never at the segment's start) and inside {@code logSize}, every
     * offset at or below {@code maxOffset}. A preallocated file of a crashed run holds zeros after its last written
     * entry, and a page lost with the machine reads as zeros too: the prefix ends at the first such slot.
     */
    int trustedPrefix(long maxOffset, long logSize) {
        MappedByteBuffer m = buffer();
        int n = entries();
        long previousOffset = baseOffset - 1;
        long previousPosition = 0;
        for (int i = 0; i < n; i++) {
            long offset = baseOffset + m.getInt(entryPosition(i));
            long position = m.getInt(entryPosition(i) + 4);
            if (offset <= previousOffset || position <= previousPosition || position >= logSize || offset > maxOffset) {
                return i;
            }
            previousOffset = offset;
            previousPosition = position;
        }
        return n;
    }

    @Override
    protected long keyAt(ByteBuffer m, int n) {
        return baseOffset + m.getInt(entryPosition(n));
    }

    /**
     * Cheap open-time check, without mapping: the file holds whole entries, and the last one points inside the log
     * and at or above the base. Returns the last entry's position in the log (0 when there is none), or -1 when the
     * check fails.
     */
    int lastPositionIfSane(long logSize) {
        Tail t = readTail();
        if (!t.wholeEntries()) {
            return -1;
        }
        if (t.last() == null) {
            return 0;
        }
        int relative = t.last().getInt(0);
        int position = t.last().getInt(4);
        return relative >= 0 && position >= 0 && position < logSize ? position : -1;
    }
}
