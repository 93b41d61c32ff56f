package dev.nagare.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.record.TimestampType;

/** Builders of test batches and readers of what a log returns. Stateless. */
final class TestSupport {
    static final TopicPartition TP = new TopicPartition("orders", 0);
    /** Retention never runs by itself during a test. */
    static final long NO_BACKGROUND_RETENTION = 3_600_000L;

    private TestSupport() {
    }

    static LogConfig config(int segmentBytes, int indexIntervalBytes) {
        LogConfig d = LogConfig.defaults();
        return new LogConfig(segmentBytes, d.segmentMs(), -1, -1, indexIntervalBytes, 64 * 1024,
                d.maxMessageBytes(), TimestampType.CREATE_TIME, d.timestampBeforeMaxMs(), d.timestampAfterMaxMs(),
                d.flushIntervalMessages(), 60_000);
    }

    static LogConfig withRetention(LogConfig c, long retentionMs, long retentionBytes) {
        return new LogConfig(c.segmentBytes(), c.segmentMs(), retentionMs, retentionBytes, c.indexIntervalBytes(),
                c.segmentIndexBytes(), c.maxMessageBytes(), c.timestampType(), c.timestampBeforeMaxMs(),
                c.timestampAfterMaxMs(), c.flushIntervalMessages(), c.fileDeleteDelayMs(), c.cleanup());
    }

    static LogConfig withTimestampType(LogConfig c, TimestampType type) {
        return new LogConfig(c.segmentBytes(), c.segmentMs(), c.retentionMs(), c.retentionBytes(),
                c.indexIntervalBytes(), c.segmentIndexBytes(), c.maxMessageBytes(), type, c.timestampBeforeMaxMs(),
                c.timestampAfterMaxMs(), c.flushIntervalMessages(), c.fileDeleteDelayMs(), c.cleanup());
    }

    static LogConfig withSegmentMs(LogConfig c, long segmentMs) {
        return new LogConfig(c.segmentBytes(), segmentMs, c.retentionMs(), c.retentionBytes(),
                c.indexIntervalBytes(), c.segmentIndexBytes(), c.maxMessageBytes(), c.timestampType(),
                c.timestampBeforeMaxMs(), c.timestampAfterMaxMs(), c.flushIntervalMessages(), c.fileDeleteDelayMs(),
                c.cleanup());
    }

    /** {@code cleanup.policy=compact} ({@code compact,delete} with {@code alsoDelete}), Kafka's other defaults. */
    static LogConfig compacted(LogConfig c, boolean alsoDelete) {
        return c.withCleanup(c.cleanup().compacted(alsoDelete));
    }

    /** The cleaner thread off: tests clean with {@link LogManager#runCleaner()}. */
    static final CleanerConfig MANUAL_CLEANING = new CleanerConfig(false, NO_BACKGROUND_RETENTION, 128L * 1024 * 1024);

    static LogManager openManager(Path dir, LogConfig config, FakeTime time) {
        return LogManager.open(dir, tp -> config, time, NO_BACKGROUND_RETENTION, MANUAL_CLEANING);
    }

    static SimpleRecord[] values(long timestamp, String... values) {
        return Arrays.stream(values)
                .map(v -> new SimpleRecord(timestamp, ("k-" + v).getBytes(StandardCharsets.UTF_8),
                        v.getBytes(StandardCharsets.UTF_8)))
                .toArray(SimpleRecord[]::new);
    }

    static MemoryRecords batch(long timestamp, String... values) {
        return MemoryRecords.withRecords(Compression.NONE, values(timestamp, values));
    }

    static MemoryRecords batch(Compression compression, long timestamp, String... values) {
        return MemoryRecords.withRecords(compression, values(timestamp, values));
    }

    static MemoryRecords idempotent(long producerId, short epoch, int baseSequence, long timestamp, String... values) {
        return MemoryRecords.withIdempotentRecords(Compression.NONE, producerId, epoch, baseSequence,
                values(timestamp, values));
    }

    /** Two batches in one request buffer, as a produce request for one partition may hold. */
    static MemoryRecords concat(MemoryRecords a, MemoryRecords b) {
        ByteBuffer buf = ByteBuffer.allocate(a.sizeInBytes() + b.sizeInBytes());
        buf.put(a.buffer()).put(b.buffer()).flip();
        return MemoryRecords.readableRecords(buf);
    }

    /** The bytes of a slice. */
    static ByteBuffer bytes(LogSlice slice) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(slice.size());
        while (buf.hasRemaining()) {
            if (slice.channel().read(buf, slice.position() + buf.position()) < 0) {
                break;
            }
        }
        return buf.flip();
    }

    /** The whole batches of a slice (a cut trailing batch is dropped, as clients do). */
    static List<RecordBatch> batches(LogSlice slice) throws IOException {
        List<RecordBatch> out = new ArrayList<>();
        if (slice.size() == 0) {
            return out;
        }
        for (RecordBatch b : MemoryRecords.readableRecords(bytes(slice)).batches()) {
            out.add(b);
        }
        return out;
    }

    /** Offset and value of every record in a slice, as "offset:value". */
    static List<String> records(LogSlice slice) throws IOException {
        List<String> out = new ArrayList<>();
        for (RecordBatch b : batches(slice)) {
            for (Record r : b) {
                out.add(r.offset() + ":" + StandardCharsets.UTF_8.decode(r.value()));
            }
        }
        return out;
    }

    /** Every record of the log from {@code from}, reading segment after segment, as "offset:value". */
    static List<String> readAll(Log log, long from) throws IOException {
        return readAll(log, from, r -> r.offset() + ":" + StandardCharsets.UTF_8.decode(r.value()));
    }

    /** Every record of the log from {@code from} as "offset:key=value" ("offset:key=null" for a tombstone). */
    static List<String> readKeyed(Log log, long from) throws IOException {
        return readAll(log, from, r -> r.offset() + ":" + text(r.key()) + "=" + text(r.value()));
    }

    private static String text(ByteBuffer b) {
        return b == null ? "null" : StandardCharsets.UTF_8.decode(b).toString();
    }

    /** A batch of records given as "key=value" ("key=" followed by nothing is a tombstone), all at {@code timestamp}. */
    static MemoryRecords keyed(Compression compression, long timestamp, String... keyValues) {
        return MemoryRecords.withRecords(compression, keyedRecords(timestamp, keyValues));
    }

    static MemoryRecords keyed(long timestamp, String... keyValues) {
        return keyed(Compression.NONE, timestamp, keyValues);
    }

    /** Appends one one-record batch per "key=value", all at {@code timestamp}. */
    static void appendKeyed(Log log, long timestamp, String... keyValues) {
        for (String kv : keyValues) {
            log.append(keyed(timestamp, kv), 0);
        }
    }

    static SimpleRecord[] keyedRecords(long timestamp, String... keyValues) {
        return Arrays.stream(keyValues).map(kv -> {
            int eq = kv.indexOf('=');
            String value = kv.substring(eq + 1);
            return new SimpleRecord(timestamp, kv.substring(0, eq).getBytes(StandardCharsets.UTF_8),
                    value.isEmpty() ? null : value.getBytes(StandardCharsets.UTF_8));
        }).toArray(SimpleRecord[]::new);
    }

    private static List<String> readAll(Log log, long from, Function<Record, String> format) throws IOException {
        List<String> out = new ArrayList<>();
        long next = from;
        while (next < log.logEndOffset()) {
            LogReadInfo info = log.read(next, 1024 * 1024, true);
            List<RecordBatch> bs = batches(info.slice());
            if (bs.isEmpty()) {
                break;
            }
            for (RecordBatch b : bs) {
                for (Record r : b) {
                    if (r.offset() >= next) {
                        out.add(format.apply(r));
                    }
                }
                next = b.nextOffset();
            }
        }
        return out;
    }

    static String[] range(int from, int toExclusive) {
        String[] out = new String[toExclusive - from];
        for (int i = from; i < toExclusive; i++) {
            out[i - from] = "v" + i;
        }
        return out;
    }
}
