package dev.nagare.storage;

import static dev.nagare.storage.TestSupport.TP;
import static dev.nagare.storage.TestSupport.batch;
import static dev.nagare.storage.TestSupport.batches;
import static dev.nagare.storage.TestSupport.bytes;
import static dev.nagare.storage.TestSupport.concat;
import static dev.nagare.storage.TestSupport.config;
import static dev.nagare.storage.TestSupport.range;
import static dev.nagare.storage.TestSupport.readAll;
import static dev.nagare.storage.TestSupport.records;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.record.ControlRecordType;
import org.apache.kafka.common.record.EndTransactionMarker;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogAppendAndReadTest {
    @TempDir
    Path dir;
    final FakeTime time = new FakeTime();
    LogManager manager;

    Log open(LogConfig config) {
        manager = TestSupport.openManager(dir, config, time);
        return manager.getOrCreate(TP, config);
    }

    @AfterEach
    void close() {
        if (manager != null) {
            manager.close();
        }
    }

    @Test
    void appendedRecordsReadBackWithDenseOffsetsFromZero() throws Exception {
        Log log = open(config(1024 * 1024, 4096));
        AppendResult first = log.append(batch(time.milliseconds(), "a", "b", "c"), 7);
        AppendResult second = log.append(batch(time.milliseconds(), "d"), 7);

        assertEquals(new AppendResult(0, 2, -1, 0, false), first);
        assertEquals(new AppendResult(3, 3, -1, 0, false), second);
        assertEquals(4, log.logEndOffset());
        assertEquals(4, log.highWatermark());
        assertEquals(List.of("0:a", "1:b", "2:c", "3:d"), readAll(log, 0));
        assertEquals(List.of("3:d"), records(log.read(3, 1000, false).slice()));
        assertEquals(7, batches(log.read(0, 1000, false).slice()).get(0).partitionLeaderEpoch());
    }

    @Test
    void twoBatchesInOneRequestGetConsecutiveOffsets() throws Exception {
        Log log = open(config(1024 * 1024, 4096));
        AppendResult r = log.append(concat(batch(time.milliseconds(), "a", "b"), batch(time.milliseconds(), "c")), 0);

        assertEquals(new AppendResult(0, 2, -1, 0, false), r);
        assertEquals(List.of("0:a", "1:b", "2:c"), readAll(log, 0));
    }

    @Test
    void readAtTheLogEndIsEmptyAndBeyondItIsOutOfRange() {
        Log log = open(config(1024 * 1024, 4096));
        log.append(batch(time.milliseconds(), "a"), 0);

        LogReadInfo atEnd = log.read(1, 1000, true);
        assertSame(LogSlice.EMPTY, atEnd.slice());
        assertEquals(1, atEnd.logEndOffset());
        assertThrows(OffsetOutOfRangeException.class, () -> log.read(2, 1000, true));
        assertThrows(OffsetOutOfRangeException.class, () -> log.read(-1, 1000, true));
    }

    @Test
    void everyOffsetIsFoundAcrossManyBatchesAndSegmentRolls() throws Exception {
        Log log = open(config(4096, 256));
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            log.append(batch(time.milliseconds(), range(i * 3, i * 3 + 3)), 0);
            for (String v : range(i * 3, i * 3 + 3)) {
                expected.add(Integer.parseInt(v.substring(1)) + ":" + v);
            }
        }

        assertTrue(log.segmentCount() > 5, "segments: " + log.segmentCount());
        assertEquals(900, log.logEndOffset());
        for (long offset = 0; offset < 900; offset++) {
            List<RecordBatch> bs = batches(log.read(offset, 1, true).slice());
            assertEquals(1, bs.size());
            assertEquals(offset - offset % 3, bs.get(0).baseOffset(), "batch read for offset " + offset);
        }
        assertEquals(expected, readAll(log, 0));
        assertEquals(expected.subList(500, 900), readAll(log, 500));
    }

    @Test
    void everyOffsetFindsItsBatchAmongTheRecentAppendsAndBeforeThemThroughTheIndex() throws Exception {
        // one segment, an index entry only every ~4 KiB: the last 64 batches are found from the segment's record of
        // recent appends, the older ones from the index and a header scan
        Log log = open(config(1024 * 1024, 4096));
        List<Long> bases = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String[] values = i % 3 == 0 ? new String[] {"a" + i, "b" + i} : new String[] {"a" + i};
            bases.add(log.append(batch(time.milliseconds(), values), 0).firstOffset());
            // a consumer at the tail reads each batch as it arrives
            List<RecordBatch> tail = batches(log.read(bases.get(i), 1, true).slice());
            assertEquals(List.of(bases.get(i)), tail.stream().map(RecordBatch::baseOffset).toList());
        }
        assertEquals(1, log.segmentCount());
        long end = log.logEndOffset();
        assertEquals(267, end);
        for (long offset = 0; offset < end; offset++) {
            List<RecordBatch> bs = batches(log.read(offset, 1, true).slice());
            long expectedBase = bases.get(0);
            for (long b : bases) {
                if (b <= offset) {
                    expectedBase = b;
                }
            }
            assertEquals(expectedBase, bs.get(0).baseOffset(), "batch read for offset " + offset);
        }
        assertSame(LogSlice.EMPTY, log.read(end, 1000, true).slice());
    }

    @Test
    void offsetIndexHasAnEntryForTheFirstBatchPastTheIndexInterval() throws Exception {
        Log log = open(config(1024 * 1024, 100));
        int batchSize = batch(time.milliseconds(), "aaaa").sizeInBytes();
        for (int i = 0; i < 10; i++) {
            log.append(batch(time.milliseconds(), "aaaa"), 0);
        }
        log.roll();

        ByteBuffer index = ByteBuffer.wrap(Files.readAllBytes(dir.resolve("orders-0/00000000000000000000.index")));
        int perEntry = 100 / batchSize + 1; // Kafka's rule: strictly more than the interval since the last entry
        List<String> entries = new ArrayList<>();
        while (index.hasRemaining()) {
            entries.add(index.getInt() + "@" + index.getInt());
        }
        List<String> expected = new ArrayList<>();
        for (int b = perEntry; b < 10; b += perEntry) {
            expected.add(b + "@" + b * batchSize);
        }
        assertEquals(expected, entries);
        assertEquals(0, Files.size(dir.resolve("orders-0/00000000000000000000.timeindex")) % 12);
    }

    @Test
    void activeSegmentRollsWhenTheNextBatchWouldNotFit() {
        int size = batch(time.milliseconds(), "x").sizeInBytes();
        Log log = open(config(size * 3, 4096));
        for (int i = 0; i < 7; i++) {
            log.append(batch(time.milliseconds(), "x"), 0);
        }
        assertEquals(List.of(0L, 3L, 6L), log.segmentBaseOffsets());
        assertEquals(7L * size, log.size());
    }

    @Test
    void activeSegmentRollsWhenSegmentMsHasPassedSinceItsFirstBatch() {
        Log log = open(TestSupport.withSegmentMs(config(1024 * 1024, 4096), 1000));
        log.append(batch(time.milliseconds(), "a"), 0);
        time.advance(1000);
        log.append(batch(time.milliseconds(), "b"), 0);
        assertEquals(List.of(0L), log.segmentBaseOffsets());
        time.advance(1);
        log.append(batch(time.milliseconds(), "c"), 0);
        assertEquals(List.of(0L, 2L), log.segmentBaseOffsets());
    }

    @Test
    void minOneBatchReturnsTheFirstBatchWholeEvenWhenLargerThanMaxBytes() throws Exception {
        Log log = open(config(1024 * 1024, 4096));
        log.append(batch(time.milliseconds(), "x".repeat(500)), 0);
        log.append(batch(time.milliseconds(), "y"), 0);
        int first = batch(time.milliseconds(), "x".repeat(500)).sizeInBytes();

        LogSlice whole = log.read(0, 10, true).slice();
        assertEquals(first, whole.size());
        assertEquals(List.of("0:" + "x".repeat(500)), records(whole));

        LogSlice none = log.read(0, 10, false).slice();
        assertEquals(0, none.size(), "without minOneBatch a first batch that does not fit is not sent in part");
        assertEquals(List.of(), records(none));
    }

    @Test
    void maxBytesCutsTheLastBatchShort() throws Exception {
        Log log = open(config(1024 * 1024, 4096));
        for (int i = 0; i < 5; i++) {
            log.append(batch(time.milliseconds(), "v" + i), 0);
        }
        int size = batch(time.milliseconds(), "v0").sizeInBytes();

        LogSlice slice = log.read(1, size * 2 + 5, true).slice();
        assertEquals(size * 2 + 5, slice.size());
        assertEquals(List.of("1:v1", "2:v2"), records(slice));
    }

    @Test
    void compressedBatchesAreStoredExactlyAsSentApartFromTheStampedFields() throws Exception {
        Log log = open(config(1024 * 1024, 4096));
        List<Compression> codecs = List.of(Compression.gzip().build(), Compression.lz4().build(),
                Compression.zstd().build(), Compression.snappy().build());
        List<byte[]> sent = new ArrayList<>();
        for (Compression c : codecs) {
            MemoryRecords records = batch(c, time.milliseconds(), "one", "two", "three");
            byte[] copy = new byte[records.sizeInBytes()];
            records.buffer().get(copy);
            sent.add(copy);
            log.append(records, 3);
        }

        ByteBuffer stored = bytes(log.read(0, 1024 * 1024, true).slice());
        for (int i = 0; i < codecs.size(); i++) {
            byte[] expected = sent.get(i);
            ByteBuffer.wrap(expected).putLong(0, i * 3L).putInt(12, 3);
            byte[] actual = new byte[expected.length];
            stored.get(actual);
            assertArrayEquals(expected, actual, codecs.get(i).type() + " batch");
        }
        assertEquals(List.of("0:one", "1:two", "2:three", "3:one", "4:two", "5:three", "6:one", "7:two", "8:three",
                "9:one", "10:two", "11:three"), readAll(log, 0));
    }

    @Test
    void logAppendTimeIsStampedWithTheBrokerClockAndKeepsAValidCrc() throws Exception {
        Log log = open(TestSupport.withTimestampType(config(1024 * 1024, 4096), TimestampType.LOG_APPEND_TIME));
        AppendResult r = log.append(batch(Compression.gzip().build(), 42L, "a", "b"), 0);

        assertEquals(time.milliseconds(), r.logAppendTime());
        RecordBatch stored = batches(log.read(0, 1000, true).slice()).get(0);
        assertTrue(stored.isValid());
        assertEquals(TimestampType.LOG_APPEND_TIME, stored.timestampType());
        assertEquals(time.milliseconds(), stored.maxTimestamp());
        stored.forEach(rec -> assertEquals(time.milliseconds(), rec.timestamp()));
    }

    @Test
    void badBatchesAreRejectedWithTheirKafkaErrors() {
        LogConfig c = config(1024 * 1024, 4096);
        LogConfig strict = new LogConfig(2000, c.segmentMs(), -1, -1, 4096, 64 * 1024, 600,
                TimestampType.CREATE_TIME, 1000, 1000, Long.MAX_VALUE, 60_000);
        Log log = open(strict);
        long now = time.milliseconds();

        MemoryRecords corrupt = batch(now, "a");
        corrupt.buffer().put(corrupt.sizeInBytes() - 1, (byte) 0x55);
        assertThrows(CorruptRecordException.class, () -> log.append(corrupt, 0));

        MemoryRecords v1 = MemoryRecords.withRecords(RecordBatch.MAGIC_VALUE_V1, Compression.NONE,
                TestSupport.values(now, "a"));
        assertThrows(CorruptRecordException.class, () -> log.append(v1, 0));

        MemoryRecords withBase = MemoryRecords.withRecords(5L, Compression.NONE, TestSupport.values(now, "a"));
        assertThrows(InvalidRecordException.class, () -> log.append(withBase, 0));

        assertThrows(RecordTooLargeException.class, () -> log.append(batch(now, "x".repeat(700)), 0));
        MemoryRecords five = batch(now, "y".repeat(200));
        for (int i = 0; i < 4; i++) {
            five = concat(five, batch(now, "y".repeat(200)));
        }
        MemoryRecords tooMuch = five;
        assertTrue(tooMuch.sizeInBytes() > 2000);
        assertThrows(RecordBatchTooLargeException.class, () -> log.append(tooMuch, 0));

        assertThrows(InvalidTxnStateException.class, () -> log.append(MemoryRecords.withTransactionalRecords(
                Compression.NONE, 9L, (short) 0, 0, TestSupport.values(now, "t")), 0));
        assertThrows(InvalidRecordException.class, () -> log.append(MemoryRecords.withEndTransactionMarker(
                0L, now, 0, 9L, (short) 0, new EndTransactionMarker(ControlRecordType.COMMIT, 0)), 0));

        assertThrows(InvalidTimestampException.class, () -> log.append(batch(now - 1001, "old"), 0));
        assertThrows(InvalidTimestampException.class, () -> log.append(batch(now + 1001, "future"), 0));
        log.append(batch(now - 1000, "edge"), 0);

        assertEquals(1, log.logEndOffset());
        assertFalse(log.read(0, 1000, true).slice().size() == 0);
    }

    @Test
    void aTornTrailingBatchInTheRequestIsRejected() {
        Log log = open(config(1024 * 1024, 4096));
        MemoryRecords full = concat(batch(time.milliseconds(), "a"), batch(time.milliseconds(), "b"));
        ByteBuffer torn = full.buffer();
        torn.limit(torn.limit() - 3);
        assertThrows(CorruptRecordException.class, () -> log.append(MemoryRecords.readableRecords(torn.slice()), 0));
        assertEquals(0, log.logEndOffset());
    }

    @Test
    void aDirectBufferIsWrittenAsIs() throws Exception {
        Log log = open(config(1024 * 1024, 4096));
        MemoryRecords heap = batch(time.milliseconds(), "direct");
        ByteBuffer direct = ByteBuffer.allocateDirect(heap.sizeInBytes());
        direct.put(heap.buffer()).flip();
        log.append(MemoryRecords.readableRecords(direct), 0);
        assertEquals(List.of("0:direct"), readAll(log, 0));
    }
}
