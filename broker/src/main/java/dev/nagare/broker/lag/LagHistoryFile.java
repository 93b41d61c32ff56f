package dev.nagare.broker.lag;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * The on-disk form of one hour of {@link LagHistory}: every series' {@link SampleBlock} of block {@code b}, in
 * {@code <log.dir>/.nagare-metadata/lag-history/<b as 20 digits>.lag}, replaced atomically as a whole.
 * Big-endian, byte by byte:
 * <pre>
 * offset  size  field
 * 0       4     magic "NLAG" (0x4E 0x4C 0x41 0x47)
 * 4       2     version, 1
 * 6       8     block index b: the file holds steps [b × 360, b × 360 + 360), i.e. broker time
 *               [b × 3,600,000 ms, (b + 1) × 3,600,000 ms)
 * 14      4     series count n
 * 18      …     n series, sorted by group then topic, each:
 *                 4  group id length g        g  group id, UTF-8
 *                 4  topic length t           t  topic, UTF-8
 *                 2  sample count c (1–360)
 *                 4  encoded length e         e  the samples, as {@link SampleBlock} documents them
 * end − 4 4     CRC32C of every byte before it
 * </pre>
 * A file that is short, has a wrong magic, version or checksum, or samples that do not decode is rejected whole.
 *
 * <p>Stateless.
 */
final class LagHistoryFile {

    private static final int MAGIC = 0x4E4C4147;
    private static final short VERSION = 1;
    private static final Pattern NAME = Pattern.compile("(\\d{20})\\.lag");

    private LagHistoryFile() {
    }

    /** The series of a group and a topic. */
    record SeriesKey(String group, String topic) implements Comparable<SeriesKey> {
        @Override
        public int compareTo(SeriesKey o) {
            int c = group.compareTo(o.group);
            return c != 0 ? c : topic.compareTo(o.topic);
        }
    }

    static String name(long blockIndex) {
        return String.format("%020d.lag", blockIndex);
    }

    /** The block index a file name stands for, or -1 if the name is not one of ours. */
    static long blockIndexOf(String fileName) {
        Matcher m = NAME.matcher(fileName);
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    static byte[] encode(long blockIndex, Map<SeriesKey, SampleBlock> blocks) {
        TreeMap<SeriesKey, SampleBlock> sorted = new TreeMap<>(blocks);
        int size = 18 + 4;
        for (Map.Entry<SeriesKey, SampleBlock> e : sorted.entrySet()) {
            size += 4 + utf8(e.getKey().group()).length + 4 + utf8(e.getKey().topic()).length + 2 + 4
                    + e.getValue().encodedLength();
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        out.putInt(MAGIC).putShort(VERSION).putLong(blockIndex).putInt(sorted.size());
        for (Map.Entry<SeriesKey, SampleBlock> e : sorted.entrySet()) {
            putString(out, e.getKey().group());
            putString(out, e.getKey().topic());
            out.putShort((short) e.getValue().count());
            byte[] samples = e.getValue().encoded();
            out.putInt(samples.length).put(samples);
        }
        CRC32C crc = new CRC32C();
        crc.update(out.array(), 0, out.position());
        out.putInt((int) crc.getValue());
        return out.array();
    }

    /** A decoded file: its block index and every series' block (sealed). */
    record Content(long blockIndex, Map<SeriesKey, SampleBlock> blocks) {
    }

    /**
     * Decodes a file's bytes.
     *
     * @throws IllegalArgumentException naming what is wrong, if the bytes are not a well-formed file
     */
    static Content decode(byte[] bytes) {
        if (bytes.length < 22) {
            throw new IllegalArgumentException("file of " + bytes.length + " bytes is too short");
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        if (in.getInt(bytes.length - 4) != (int) crc.getValue()) {
            throw new IllegalArgumentException("checksum mismatch");
        }
        in.limit(bytes.length - 4);
        try {
            if (in.getInt() != MAGIC) {
                throw new IllegalArgumentException("not a lag history file (magic)");
            }
            short version = in.getShort();
            if (version != VERSION) {
                throw new IllegalArgumentException("unknown version " + version);
            }
            long index = in.getLong();
            int n = in.getInt();
            Map<SeriesKey, SampleBlock> blocks = new TreeMap<>();
            for (int i = 0; i < n; i++) {
                SeriesKey key = new SeriesKey(getString(in), getString(in));
                int count = in.getShort() & 0xFFFF;
                byte[] samples = new byte[checkedLength(in, in.getInt())];
                in.get(samples);
                if (count < 1 || count > SampleBlock.STEPS) {
                    throw new IllegalArgumentException(count + " samples in series " + key);
                }
                SampleBlock block = SampleBlock.decoded(index, samples, count);
                block.seal();
                blocks.put(key, block);
            }
            if (in.hasRemaining()) {
                throw new IllegalArgumentException(in.remaining() + " bytes after the last series");
            }
            return new Content(index, blocks);
        } catch (BufferUnderflowException | IllegalStateException e) {
            throw new IllegalArgumentException("malformed: " + e, e);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void putString(ByteBuffer out, String s) {
        byte[] b = utf8(s);
        out.putInt(b.length).put(b);
    }

    private static String getString(ByteBuffer in) {
        byte[] b = new byte[checkedLength(in, in.getInt())];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static int checkedLength(ByteBuffer in, int length) {
        if (length < 0 || length > in.remaining()) {
            throw new IllegalArgumentException("length " + length + " exceeds the " + in.remaining() + " bytes left");
        }
        return length;
    }
}
