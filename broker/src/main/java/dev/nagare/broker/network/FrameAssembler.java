package dev.nagare.broker.network;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Cuts a connection's bytes into Kafka frames (a 4-byte big-endian size, then that many bytes), as they arrive.
 *
 * <p>Design: a frame that lies whole inside the bytes just read is handed on as a retained slice of them (no copy); a
 * frame that continues past them gets a buffer of exactly its size, allocated when its size is read, and each
 * later read's bytes are copied into it once. Netty's length-field decoder instead kept the unread rest in a
 * cumulation buffer that it grew by reallocating (copying what it held again) and sat, with the idle-timeout handler,
 * as two more hops in every read and flush: a deeper pipeline for the JIT to compile (its largest methods on
 * the produce path were the pipeline's, 44-51 KB each) and more calls per read.
 *
 * <p>A size below 0 or above the limit ({@code socket.request.max.bytes}) throws {@link InvalidFrameException}:
 * Kafka closes such a connection without reading the frame.
 *
 * <p>Not thread-safe: owned by one connection's event loop.
 */
final class FrameAssembler {

    /** Takes one complete frame (its reference is the taker's); false stops the assembly of the current read. */
    interface Sink {
        boolean frame(ByteBuf frame);
    }

    /** A frame size this broker refuses; its message is Kafka's. */
    static final class InvalidFrameException extends RuntimeException {
        InvalidFrameException(String message) {
            super(message);
        }
    }

    private final int maxFrameBytes;
    private final ByteBufAllocator alloc;
    /** The frame being filled (capacity = its size), or null between frames. */
    private ByteBuf partial;
    /** The size bytes read so far of a size split across reads (0-3), and their value. */
    private int sizeBytes;
    private int size;

    FrameAssembler(int maxFrameBytes, ByteBufAllocator alloc) {
        this.maxFrameBytes = maxFrameBytes;
        this.alloc = alloc;
    }

    /**
     * Reads all of {@code in} (which stays the caller's to release), handing each frame it completes to
     * {@code sink} in order; stops early when the sink returns false.
     *
     * @throws InvalidFrameException a frame's size is negative or over the limit
     */
    void feed(ByteBuf in, Sink sink) {
        while (in.isReadable()) {
            if (partial == null) {
                int frameSize;
                if (sizeBytes == 0 && in.readableBytes() >= 4) {
                    frameSize = in.readInt();
                } else {
                    while (sizeBytes < 4 && in.isReadable()) {
                        size = size << 8 | in.readUnsignedByte();
                        sizeBytes++;
                    }
                    if (sizeBytes < 4) {
                        return;
                    }
                    frameSize = size;
                    sizeBytes = 0;
                    size = 0;
                }
                check(frameSize);
                if (in.readableBytes() >= frameSize) {
                    if (!sink.frame(in.readRetainedSlice(frameSize))) {
                        return;
                    }
                    continue;
                }
                partial = alloc.ioBuffer(frameSize, frameSize);
            }
            partial.writeBytes(in, Math.min(partial.writableBytes(), in.readableBytes()));
            if (partial.isWritable()) {
                return;
            }
            ByteBuf frame = partial;
            partial = null;
            if (!sink.frame(frame)) {
                return;
            }
        }
    }

    /** Bytes of the frame under way that have arrived (0 between frames); for tests. */
    int partialBytes() {
        return partial == null ? 0 : partial.readableBytes();
    }

    /** Frees the frame under way, if any (the connection closed). */
    void release() {
        if (partial != null) {
            partial.release();
            partial = null;
        }
    }

    private void check(int frameSize) {
        if (frameSize < 0) {
            throw new InvalidFrameException("Invalid receive (size = " + frameSize + ")");
        }
        if (frameSize > maxFrameBytes) {
            throw new InvalidFrameException("Invalid receive (size = " + frameSize + " larger than " + maxFrameBytes + ")");
        }
    }
}
