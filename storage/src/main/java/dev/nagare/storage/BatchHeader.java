package dev.nagare.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * The fixed 61-byte header of a magic-2 record batch, read from a segment file without touching the records.
 *
 * <pre>
 * offset size field
 *      0    8 baseOffset            (stamped by the broker)
 *      8    4 length                (bytes after this field: batch size = length + 12)
 *     12    4 partitionLeaderEpoch  (stamped by the broker; not covered by the CRC)
 *     16    1 magic                 (2)
 *     17    4 crc                   (CRC-32C of bytes 21..end)
 *     21    2 attributes            (bits 0-2 compression, 3 timestamp type, 4 transactional, 5 control)
 *     23    4 lastOffsetDelta       (last offset = baseOffset + lastOffsetDelta)
 *     27    8 baseTimestamp
 *     35    8 maxTimestamp
 *     43    8 producerId            (-1 when not idempotent)
 *     51    2 producerEpoch
 *     53    4 baseSequence
 *     57    4 recordsCount
 *     61      records (possibly compressed)
 * </pre>
 *
 * <p>Immutable value.
 */
record BatchHeader(long position, long baseOffset, int sizeInBytes, int partitionLeaderEpoch, byte magic,
                   short attributes, int lastOffsetDelta, long baseTimestamp, long maxTimestamp, long producerId,
                   short producerEpoch, int baseSequence) {

    static final int SIZE = 61;
    static final int LOG_OVERHEAD = 12;
    /** Attribute bit 3: the batch's timestamps are the broker's LogAppendTime. */
    static final int LOG_APPEND_TIME_FLAG = 1 << 3;

    long lastOffset() {
        return baseOffset + lastOffsetDelta;
    }

    long nextOffset() {
        return lastOffset() + 1;
    }

    /** The last sequence of the batch, wrapping past Integer.MAX_VALUE to 0 as producers do. */
    int lastSequence() {
        return baseSequence < 0 ? -1 : (int) (((long) baseSequence + lastOffsetDelta) % ((long) Integer.MAX_VALUE + 1));
    }

    /**
     * Reads the header at {@code position} with one positional read (safe to call from any thread), or returns
     * null when fewer than {@link #SIZE} bytes lie between {@code position} and {@code limit}.
     */
    static BatchHeader read(FileChannel channel, long position, long limit, ByteBuffer scratch) throws IOException {
        if (limit - position < SIZE) {
            return null;
        }
        scratch.clear().limit(SIZE);
        while (scratch.hasRemaining()) {
            if (channel.read(scratch, position + scratch.position()) < 0) {
                return null;
            }
        }
        return parse(position, scratch.flip());
    }

    /** Parses a header at the buffer's position (absolute reads; the buffer is not moved). */
    static BatchHeader parse(long filePosition, ByteBuffer b) {
        int p = b.position();
        return new BatchHeader(filePosition, b.getLong(p), b.getInt(p + 8) + LOG_OVERHEAD, b.getInt(p + 12), b.get(p + 16),
                b.getShort(p + 21), b.getInt(p + 23), b.getLong(p + 27), b.getLong(p + 35), b.getLong(p + 43),
                b.getShort(p + 51), b.getInt(p + 53));
    }

    static ByteBuffer newScratch() {
        return ByteBuffer.allocate(SIZE);
    }
}
