package dev.nagare.storage;

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
}
