package dev.nagare.storage;

import static dev.nagare.storage.TestSupport.TP;
import static dev.nagare.storage.TestSupport.batch;
import static dev.nagare.storage.TestSupport.compacted;
import static dev.nagare.storage.TestSupport.config;
import static dev.nagare.storage.TestSupport.readAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code cleanup.policy} changes outside the cleaner: keys required on append, retention, rolling. */
class CleanupPolicyTest {
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
        manager.close();
    }

    static SimpleRecord keyless(long timestamp, String value) {
        return new SimpleRecord(timestamp, null, value.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aCompactedLogRefusesABatchHoldingARecordWithoutKeyAndWritesNothingOfIt() throws Exception {
        Log log = open(compacted(config(1024 * 1024, 4096), false));
        long now = time.milliseconds();
        MemoryRecords mixed = MemoryRecords.withRecords(Compression.NONE, TestSupport.values(now, "a")[0], keyless(now, "b"));
        MemoryRecords compressed = MemoryRecords.withRecords(Compression.lz4().build(), keyless(now, "c"));

        InvalidRecordException e = assertThrows(InvalidRecordException.class, () -> log.append(mixed, 0));
        assertEquals("Compacted topic cannot accept message without key in topic partition orders-0.", e.getMessage());
        assertThrows(InvalidRecordException.class, () -> log.append(compressed, 0));
        assertEquals(0, log.logEndOffset());

        log.append(batch(now, "d"), 0);
        assertEquals(List.of("0:d"), readAll(log, 0));
    }

    @Test
    void aDeleteLogAcceptsRecordsWithoutKey() throws Exception {
        Log log = open(config(1024 * 1024, 4096));
        log.append(MemoryRecords.withRecords(Compression.NONE, keyless(time.milliseconds(), "a")), 0);
        assertEquals(List.of("0:a"), readAll(log, 0));
    }

    /** Two batches per segment; everything is older than retention.ms and larger than retention.bytes. */
    private Log logPastItsRetention(boolean alsoDelete) {
        int size = batch(time.milliseconds(), "v0").sizeInBytes();
        Log log = open(compacted(TestSupport.withRetention(config(size * 2, 4096), 1000, size), alsoDelete));
        for (int i = 0; i < 5; i++) {
            log.append(batch(time.milliseconds(), "v" + i), 0);
        }
        time.advance(5000);
        return log;
    }

    @Test
    void plainCompactDoesNotApplyRetentionMsNorRetentionBytes() {
        Log log = logPastItsRetention(false);
        assertEquals(List.of(0L, 2L, 4L), log.segmentBaseOffsets());
        assertEquals(0, manager.runRetention());
        assertEquals(List.of(0L, 2L, 4L), log.segmentBaseOffsets());
        assertEquals(0, log.logStartOffset());
    }

    @Test
    void compactDeleteAppliesRetentionAsADeleteLogDoes() {
        Log log = logPastItsRetention(true);
        assertEquals(3, manager.runRetention(), "every segment is past retention.ms; the active one is rolled first");
        assertEquals(List.of(5L), log.segmentBaseOffsets());
        assertEquals(5, log.logStartOffset());
    }

    @Test
    void aCompactedLogRollsItsActiveSegmentOnceMaxCompactionLagHasPassed() {
        LogConfig base = compacted(config(1024 * 1024, 4096), false);
        Log log = open(base.withCleanup(new CleanupPolicy(true, false, 0, 0, 1000, 0.5)));
        log.append(batch(time.milliseconds(), "a"), 0);
        time.advance(1000);
        log.append(batch(time.milliseconds(), "b"), 0);
        assertEquals(List.of(0L), log.segmentBaseOffsets(), "exactly max.compaction.lag.ms old is not rolled yet");
        time.advance(1);
        log.append(batch(time.milliseconds(), "c"), 0);
        assertEquals(List.of(0L, 2L), log.segmentBaseOffsets());
    }
}
