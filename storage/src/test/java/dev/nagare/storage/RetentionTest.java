package dev.nagare.storage;

import static dev.nagare.storage.TestSupport.TP;
import static dev.nagare.storage.TestSupport.batch;
import static dev.nagare.storage.TestSupport.config;
import static dev.nagare.storage.TestSupport.readAll;
import static dev.nagare.storage.TestSupport.records;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetentionTest {
    @TempDir
    Path dir;
    final FakeTime time = new FakeTime();
    LogManager manager;
    int batchSize;

    Log open(LogConfig config) {
        manager = TestSupport.openManager(dir, config, time);
        batchSize = batch(time.milliseconds(), "v00").sizeInBytes();
        return manager.getOrCreate(TP, config);
    }

    @AfterEach
    void close() {
        manager.close();
    }

    /** Three batches per segment. */
    LogConfig threePerSegment(long retentionMs, long retentionBytes) {
        int size = batch(time.milliseconds(), "v00").sizeInBytes();
        return TestSupport.withRetention(config(size * 3, 4096), retentionMs, retentionBytes);
    }

    void append(Log log, int from, int to) {
        for (int i = from; i < to; i++) {
            log.append(batch(time.milliseconds(), String.format("v%02d", i)), 0);
        }
    }

    long deletedFiles() throws Exception {
        try (Stream<Path> files = Files.list(dir.resolve("orders-0"))) {
            return files.filter(f -> f.toString().endsWith(".deleted")).count();
        }
    }

    @Test
    void segmentsOlderThanRetentionMsAreDeletedAndTheLogStartMoves() throws Exception {
        Log log = open(threePerSegment(10_000, -1));
        append(log, 0, 6);
        time.advance(5_000);
        append(log, 6, 8);
        assertEquals(List.of(0L, 3L, 6L), log.segmentBaseOffsets());

        time.advance(5_000);
        assertEquals(0, manager.runRetention(), "exactly retention.ms old is kept");
        time.advance(1);
        assertEquals(2, manager.runRetention());

        assertEquals(List.of(6L), log.segmentBaseOffsets());
        assertEquals(6, log.logStartOffset());
        assertThrows(OffsetOutOfRangeException.class, () -> log.read(5, 1000, true));
        assertEquals(List.of("6:v06", "7:v07"), readAll(log, 6));
    }

    @Test
    void anExpiredActiveSegmentIsRolledThenDeleted() throws Exception {
        Log log = open(threePerSegment(10_000, -1));
        append(log, 0, 4);
        time.advance(10_001);

        assertEquals(2, manager.runRetention());
        assertEquals(List.of(4L), log.segmentBaseOffsets());
        assertEquals(4, log.logStartOffset());
        assertEquals(4, log.logEndOffset());
        assertEquals(0, manager.runRetention(), "an empty active segment is never deleted");
        assertEquals(4, log.append(batch(time.milliseconds(), "next"), 0).firstOffset());
    }

    @Test
    void oldestSegmentsAreDeletedWhileTheLogStaysAtLeastRetentionBytes() throws Exception {
        Log log = open(threePerSegment(-1, 0));
        log.updateConfig(TestSupport.withRetention(log.config(), -1, 4L * batchSize));
        append(log, 0, 8);
        assertEquals(8L * batchSize, log.size());

        assertEquals(1, manager.runRetention());
        assertEquals(List.of(3L, 6L), log.segmentBaseOffsets());
        assertEquals(5L * batchSize, log.size());
        assertEquals(3, log.logStartOffset());
    }

    @Test
    void aSliceReadBeforeDeletionStaysReadableUntilTheDeleteDelayHasPassed() throws Exception {
        Log log = open(threePerSegment(10_000, -1));
        append(log, 0, 4);
        LogSlice early = log.read(0, 1000, true).slice();
        time.advance(10_001);
        manager.runRetention();

        assertEquals(6, deletedFiles(), "two segments of three files each, renamed .deleted");
        assertEquals(List.of("0:v00", "1:v01", "2:v02"), records(early));
        time.advance(59_999);
        assertEquals(0, manager.runPendingDeletions());
        assertEquals(List.of("0:v00", "1:v01", "2:v02"), records(early));
        time.advance(1);
        assertEquals(2, manager.runPendingDeletions());
        assertEquals(0, deletedFiles());
        assertFalse(early.channel().isOpen());
    }

    @Test
    void deleteRecordsMovesTheLogStartAndDropsWholeSegmentsBelowIt() throws Exception {
        Log log = open(threePerSegment(-1, -1));
        append(log, 0, 8);

        assertEquals(4, log.deleteRecordsBefore(4));
        assertEquals(List.of(3L, 6L), log.segmentBaseOffsets());
        assertThrows(OffsetOutOfRangeException.class, () -> log.read(3, 1000, true));
        assertEquals(List.of("4:v04", "5:v05"), records(log.read(4, 2 * batchSize, true).slice()).subList(0, 2));
        assertEquals(4, log.offsetForTimestamp(-2).orElseThrow().offset());
        assertThrows(OffsetOutOfRangeException.class, () -> log.deleteRecordsBefore(9));
    }

    @Test
    void aDeletedPartitionDisappearsAtOnceAndItsDirectoryLaterOnDisk() throws Exception {
        Log log = open(threePerSegment(-1, -1));
        append(log, 0, 4);
        LogSlice early = log.read(0, 1000, true).slice();

        manager.delete(TP);
        assertTrue(manager.log(TP).isEmpty());
        assertFalse(Files.exists(dir.resolve("orders-0")));
        assertTrue(log.dir().getFileName().toString().matches("orders-0\\.[0-9a-f]{32}-delete"), log.dir().toString());
        assertThrows(UnknownTopicOrPartitionException.class, () -> log.append(batch(time.milliseconds(), "x"), 0));
        assertEquals(List.of("0:v00", "1:v01", "2:v02"), records(early));

        time.advance(60_000);
        assertEquals(1, manager.runPendingDeletions());
        assertFalse(Files.exists(log.dir()));
    }
}
