package dev.nagare.broker.lag;

import java.nio.ByteBuffer;
import java.util.Arrays;

import org.apache.kafka.common.utils.ByteUtils;

/**
 * One hour ({@value #STEPS} steps of 10 s) of one group × topic series, encoded: the samples' values as
 * delta-of-delta varints, so a series that does not change costs one byte per sample.
 *
 * <p>Block {@code b} covers steps {@code [b × 360, b × 360 + 360)}, a step being {@code floor(ms / 10,000)}. Samples
 * are appended in increasing step order; the bytes are the samples one after another:
 * <pre>
 * header   1 byte   bits 0–4: column i (see {@link LagSample#values}) has a non-zero delta-of-delta below;
 *                   bits 5–7: the gap g = step − previous step (the first sample's previous step is the block's
 *                   first step − 1), if g &lt; 7; else 7, and g − 7 follows
 * gap − 7  varint   only when bits 5–7 are 7: unsigned LEB128 (1–2 bytes, g ≤ 360)
 * dod[i]   varlong  for each column i whose bit is set, in column order: zig-zag LEB128 (1–10 bytes) of
 *                   (v[i] − prev[i]) − prevDelta[i]
 * </pre>
 * {@code prev} starts at 0 in each block and {@code prevDelta} is 0 for a block's first two samples, so a block
 * decodes on its own. The arithmetic wraps like Java's {@code long}, so any values round-trip exactly.
 *
 * <p>Size: at most {@value #MAX_SAMPLE_BYTES} bytes a sample (every column changing its rate of change by ≥ 2^56
 * in 10 s, which no offset or millisecond clock does); 1 byte for a series that does not change or changes at a
 * constant rate (an idle group, whose time lag grows 10,000 ms a step); 2–3 bytes a changing column in practice.
 *
 * <p>Not thread-safe: guarded by the owning {@link LagHistory}'s lock.
 */
final class SampleBlock {

    /** Steps per block: one hour. */
    static final int STEPS = 360;
    static final int MAX_SAMPLE_BYTES = 1 + 2 + LagSample.COLUMNS * 10;
    private static final int GAP_INLINE = 7;

    private final long index;
    private byte[] bytes;
    private int length;
    private int count;
    /** Encoder state, for appending; dropped ({@code null}) once the block is sealed. */
    private long[] prev = new long[LagSample.COLUMNS];
    private long[] prevDelta = new long[LagSample.COLUMNS];
    private long prevStep;

    SampleBlock(long index) {
        this.index = index;
        this.bytes = new byte[64];
        this.prevStep = firstStep() - 1;
    }

    /** A block as read back from disk; its encoder state is rebuilt by decoding it. */
    static SampleBlock decoded(long index, byte[] bytes, int count) {
        SampleBlock b = new SampleBlock(index);
        b.bytes = bytes;
        b.length = bytes.length;
        b.count = count;
        b.forEach((step, values) -> { });
        return b;
    }

    long index() {
        return index;
    }

    long firstStep() {
        return index * STEPS;
    }

    int count() {
        return count;
    }

    long lastStep() {
        return prevStep;
    }

    /** The encoded samples (a copy, exactly {@link #encodedLength()} bytes). */
    byte[] encoded() {
        return Arrays.copyOf(bytes, length);
    }

    int encodedLength() {
        return length;
    }

    /** Bytes held in memory, buffer slack included. */
    int retainedBytes() {
        return bytes.length;
    }

    /**
     * Appends a sample at {@code step}, which must lie in this block and after its last sample.
     *
     * @throws IllegalArgumentException if it does not
     */
    void append(long step, long[] values) {
        if (prev == null || step <= prevStep || step >= firstStep() + STEPS) {
            throw new IllegalArgumentException("step " + step + " does not follow " + prevStep + " in block " + index);
        }
        if (bytes.length - length < MAX_SAMPLE_BYTES) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + MAX_SAMPLE_BYTES));
        }
        ByteBuffer out = ByteBuffer.wrap(bytes, length + 1, bytes.length - length - 1);
        long gap = step - prevStep;
        int header = (int) Math.min(gap, GAP_INLINE) << 5;
        if (gap >= GAP_INLINE) {
            ByteUtils.writeUnsignedVarint((int) (gap - GAP_INLINE), out);
        }
        for (int i = 0; i < LagSample.COLUMNS; i++) {
            long delta = values[i] - prev[i];
            long dod = delta - prevDelta[i];
            if (dod != 0) {
                header |= 1 << i;
                ByteUtils.writeVarlong(dod, out);
            }
            prev[i] = values[i];
            prevDelta[i] = count == 0 ? 0 : delta;
        }
        bytes[length] = (byte) header;
        length = out.position();
        prevStep = step;
        count++;
    }

    /** Frees the encoder state and the buffer's slack: nothing is appended to a sealed block. */
    void seal() {
        if (prev != null) {
            bytes = Arrays.copyOf(bytes, length);
            prev = null;
            prevDelta = null;
        }
    }

    boolean sealed() {
        return prev == null;
    }

    /** Called for each sample, in step order; {@code values} is reused between calls. */
    interface Visitor {
        void sample(long step, long[] values);
    }

    /**
     * Decodes every sample; rebuilds the encoder state on the way (the same for a block built by appends).
     *
     * @throws IllegalStateException if the bytes do not hold {@link #count()} well-formed samples
     */
    void forEach(Visitor visitor) {
        ByteBuffer in = ByteBuffer.wrap(bytes, 0, length);
        long[] v = new long[LagSample.COLUMNS];
        long[] d = new long[LagSample.COLUMNS];
        long step = firstStep() - 1;
        try {
            for (int n = 0; n < count; n++) {
                int header = in.get() & 0xFF;
                long gap = header >>> 5;
                if (gap == GAP_INLINE) {
                    gap += ByteUtils.readUnsignedVarint(in);
                }
                step += gap;
                for (int i = 0; i < LagSample.COLUMNS; i++) {
                    long dod = (header & (1 << i)) != 0 ? ByteUtils.readVarlong(in) : 0;
                    long delta = d[i] + dod;
                    v[i] += delta;
                    d[i] = n == 0 ? 0 : delta;
                }
                if (gap <= 0 || step >= firstStep() + STEPS) {
                    throw new IllegalStateException("step " + step + " outside block " + index);
                }
                visitor.sample(step, v);
            }
        } catch (RuntimeException e) {
            throw new IllegalStateException("malformed samples in block " + index + ": " + e.getMessage(), e);
        }
        if (in.hasRemaining()) {
            throw new IllegalStateException("block " + index + " has " + in.remaining() + " bytes after its samples");
        }
        if (prev != null) {
            prev = v.clone();
            prevDelta = d.clone();
            prevStep = step;
        }
    }
}
