package dev.nagare.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * A run of whole record batches in one segment file, to be sent to a socket without copying through the heap
 * ({@code FileChannel.transferTo} / sendfile). The last batch may be cut short by the size limit, as Kafka's
 * fetch does; clients ignore a partial trailing batch.
 *
 * <p>The channel stays open for at least {@link LogConfig#fileDeleteDelayMs()} after its segment is deleted by
 * retention, so a slice handed to the network stays readable while it is written out. The receiver must never
 * close the channel.
 *
 * @param channel  the segment's file channel (shared; never close it)
 * @param position the byte position in the file of the first batch
 * @param size     bytes from {@code position}; 0 for an empty slice
 */
public record LogSlice(FileChannel channel, long position, int size) {
    public static final LogSlice EMPTY = new LogSlice(null, 0, 0);

    /**
     * Copies the slice into the heap, for the readers that decode records (loading a coordinator, browsing): into
     * {@code reuse} when it can hold {@link #size} bytes, else into a new buffer. Positional reads only, so any
     * thread may call it.
     *
     * @param reuse a buffer to overwrite, or null
     * @return a buffer holding exactly the slice, from position 0
     * @throws IOException the file ended before the slice did, or a read failed
     */
    public ByteBuffer copy(ByteBuffer reuse) throws IOException {
        ByteBuffer buffer = reuse != null && reuse.capacity() >= size ? reuse : ByteBuffer.allocate(size);
        buffer.clear().limit(size);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new IOException("Unexpected end of a segment at " + (position + buffer.position()));
            }
        }
        return buffer.flip();
    }
}
