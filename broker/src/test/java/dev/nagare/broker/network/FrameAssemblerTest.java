package dev.nagare.broker.network;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;

/** Frames cut from bytes split at every possible place, with Netty's pooled buffers as the broker uses them. */
class FrameAssemblerTest {

    private final FrameAssembler frames = new FrameAssembler(100, PooledByteBufAllocator.DEFAULT);
    private final List<ByteBuf> received = new ArrayList<>();
    private final FrameAssembler.Sink keep = f -> received.add(f);

    @AfterEach
    void release() {
        received.forEach(ByteBuf::release);
        frames.release();
    }

    private static byte[] stream(byte[]... bodies) {
        ByteBuf out = Unpooled.buffer();
        for (byte[] b : bodies) {
            out.writeInt(b.length).writeBytes(b);
        }
        return ByteBufUtil.getBytes(out);
    }

    private static byte[] body(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (seed + i);
        }
        return b;
    }

    private void feed(byte[] bytes, int from, int to) {
        ByteBuf in = Unpooled.wrappedBuffer(bytes, from, to - from);
        frames.feed(in, keep);
        assertEquals(0, in.readableBytes(), "every byte read");
        in.release();
    }

    @Test
    void threeFramesSplitInThreeReadsAtEveryPairOfPlacesComeOutWholeAndInOrder() {
        byte[][] bodies = {body(7, 1), body(0, 0), body(100, 50)};
        byte[] all = stream(bodies);
        for (int a = 0; a <= all.length; a++) {
            for (int b = a; b <= all.length; b++) {
                feed(all, 0, a);
                feed(all, a, b);
                feed(all, b, all.length);
                assertEquals(3, received.size(), "cuts at " + a + ", " + b);
                for (int i = 0; i < 3; i++) {
                    assertArrayEquals(bodies[i], ByteBufUtil.getBytes(received.get(i)), "frame " + i + " cut at " + a + ", " + b);
                }
                assertEquals(0, frames.partialBytes());
                release();
                received.clear();
            }
        }
    }

    @Test
    void aSinkThatSaysStopGetsNoFurtherFrameOfThatRead() {
        byte[] all = stream(body(3, 1), body(3, 2));
        ByteBuf in = Unpooled.wrappedBuffer(all);
        frames.feed(in, f -> {
            received.add(f);
            return false;
        });
        in.release();
        assertEquals(1, received.size());
    }

    @Test
    void aSizeOverTheLimitOrBelowZeroIsRefusedWithKafkasMessage() {
        var over = assertThrows(FrameAssembler.InvalidFrameException.class, () -> feed(stream(body(101, 0)), 0, 4));
        assertEquals("Invalid receive (size = 101 larger than 100)", over.getMessage());
        FrameAssembler other = new FrameAssembler(100, PooledByteBufAllocator.DEFAULT);
        ByteBuf negative = Unpooled.buffer().writeInt(-1);
        var below = assertThrows(FrameAssembler.InvalidFrameException.class, () -> other.feed(negative, keep));
        assertEquals("Invalid receive (size = -1)", below.getMessage());
        negative.release();
    }

    @Test
    void aFrameOfExactlyTheLimitIsAccepted() {
        byte[] all = stream(body(100, 9));
        feed(all, 0, 50);
        assertEquals(46, frames.partialBytes());
        feed(all, 50, all.length);
        assertEquals(1, received.size());
        assertArrayEquals(body(100, 9), ByteBufUtil.getBytes(received.get(0)));
    }
}
