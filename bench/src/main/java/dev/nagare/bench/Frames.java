package dev.nagare.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * Kafka's framing on a blocking {@link SocketChannel}, for the bench's own clients ({@link RawProducer},
 * {@link RawConsumer}, {@link LatencyLoad}'s idle connections): each request and response is a 4-byte big-endian
 * length, then that many bytes.
 */
final class Frames {

    private Frames() {
    }

    /** Writes {@code body} (a request with its header) after its length. */
    static void write(SocketChannel channel, ByteBuffer body) throws IOException {
        ByteBuffer frame = ByteBuffer.allocate(4 + body.remaining()).putInt(body.remaining()).put(body).flip();
        while (frame.hasRemaining()) {
            channel.write(frame);
        }
    }

    /** Reads one frame and returns its body, positioned at its start. */
    static ByteBuffer read(SocketChannel channel) throws IOException {
        ByteBuffer length = ByteBuffer.allocate(4);
        readFully(channel, length);
        ByteBuffer body = ByteBuffer.allocate(length.getInt(0));
        readFully(channel, body);
        return body.flip();
    }

    private static void readFully(SocketChannel channel, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (channel.read(b) < 0) {
                throw new IOException("connection closed by the broker");
            }
        }
    }
}
