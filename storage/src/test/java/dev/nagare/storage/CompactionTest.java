package dev.nagare.storage;

import static dev.nagare.storage.TestSupport.TP;
import static dev.nagare.storage.TestSupport.appendKeyed;
import static dev.nagare.storage.TestSupport.batches;
import static dev.nagare.storage.TestSupport.config;
import static dev.nagare.storage.TestSupport.keyed;
import static dev.nagare.storage.TestSupport.readKeyed;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.SimpleRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a cleaning keeps and removes, and when a log is cleaned. Crash safety is in {@link CompactionSwapTest}. */
class CompactionTest {
    @TempDir
    Path dir;
    final FakeTime time = new FakeTime();
    LogManager manager;
    /** The size of a one-record batch "a=1" (keys and values here are one character unless said otherwise). */
    final int batchSize = keyed(0, "a=1").sizeInBytes();

    /** A compacted log of three one-record batches per segment. */
    Log open(long deleteRetentionMs, long minLagMs, long maxLagMs, double minDirtyRatio) {
        return open(config(3 * batchSize, 4096)
                .withCleanup(new CleanupPolicy(true, false, deleteRetentionMs, minLagMs, maxLagMs, minDirtyRatio)));
    }

    Log open(LogConfig c) {
        manager = TestSupport.openManager(dir, c, time);
        return manager.getOrCreate(TP, c);
    }

    Log open() {
        return open(86_400_000L, 0, Long.MAX_VALUE, 0);
    }

    @AfterEach
    void close() {
        if (manager != null) {
            manager.close();
        }
    }


    Path segmentFile(long base) {
        return dir.resolve("orders-0").resolve(FileNames.offsetPrefix(base) + ".log");
    }

    @Test
    void theNewestValueOfEachKeySurvivesAcrossSeveralSegmentsAtItsOwnOffset() throws Exception {
        Log log = open();
        appendKeyed(log, time.milliseconds(), "a=1", "b=1", "c=1", "a=2", "b=2", "d=1", "a=3", "c=2", "e=1", "b=3");
        assertEquals(List.of(0L, 3L, 6L, 9L), log.segmentBaseOffsets());

        List<CleaningResult> results = manager.runCleaner();

        assertEquals(List.of(new CleaningResult(TP, 0, 9, 3, 2, 9, 5, 9L * batchSize, 2L * batchSize)), results,
                "segment 0 is emptied but kept (it starts the log), segment 3 keeps two batches, segment 6 is untouched");
        assertEquals(List.of("4:b=2", "5:d=1", "6:a=3", "7:c=2", "8:e=1", "9:b=3"), readKeyed(log, 0));
        assertEquals(List.of(0L, 3L, 6L, 9L), log.segmentBaseOffsets());
        assertEquals(0, log.logStartOffset());
        assertEquals(10, log.logEndOffset());
        assertEquals(0, Files.size(segmentFile(0)));
        assertEquals(List.of(), manager.runCleaner(), "nothing is dirty any more");
    }

    @Test
    void aCompactDeleteLogIsCompactedToo() throws Exception {
        Log log = open(config(3 * batchSize, 4096).withCleanup(new CleanupPolicy(true, true, 0, 0, Long.MAX_VALUE, 0)));
        appendKeyed(log, time.milliseconds(), "a=1", "b=1", "a=2", "z=1");
        assertEquals(1, manager.runCleaner().size());
        assertEquals(List.of("1:b=1", "2:a=2", "3:z=1"), readKeyed(log, 0));
    }

    @Test
    void theActiveSegmentIsNeverCompacted() throws Exception {
        Log log = open();
        appendKeyed(log, time.milliseconds(), "a=1", "a=2", "a=3", "a=4", "a=5");
        byte[] activeBefore = Files.readAllBytes(segmentFile(3));

        manager.runCleaner();

        assertEquals(List.of("2:a=3", "3:a=4", "4:a=5"), readKeyed(log, 0),
                "a=3 is the newest in the cleanable part; both records of the active segment stay");
        assertArrayEquals(activeBefore, Files.readAllBytes(segmentFile(3)));
    }

    @Test
    void aReadFromARemovedOffsetReturnsTheNextSurvivingBatchAndOffsetsNeverChange() throws Exception {
        Log log = open();
        appendKeyed(log, time.milliseconds(), "a=1", "b=1", "c=1");
        time.advance(10);
        appendKeyed(log, time.milliseconds(), "a=2", "b=2", "x=1", "y=1");
        manager.runCleaner();

        assertEquals(List.of("2:c=1", "3:a=2", "4:b=2", "5:x=1", "6:y=1"), readKeyed(log, 0));
        assertEquals(List.of(2L), firstOffsets(log.read(0, 1000, true)));
        assertEquals(2L, firstOffsets(log.read(1, 1000, true)).get(0));
        assertEquals(3L, firstOffsets(log.read(3, 1000, true)).get(0));
        long t0 = time.milliseconds() - 10;
        assertEquals(2L, log.offsetForTimestamp(t0).orElseThrow().offset(), "the first record at or after t0 left");
        assertEquals(3L, log.offsetForTimestamp(t0 + 1).orElseThrow().offset());
        assertEquals(0L, log.offsetForTimestamp(-2).orElseThrow().offset(), "the log start does not move");
        assertEquals(7L, log.offsetForTimestamp(-1).orElseThrow().offset());
    }

    /** The first offset of each whole batch in a read. */
    static List<Long> firstOffsets(LogReadInfo info) throws Exception {
        List<Long> out = new ArrayList<>();
        for (RecordBatch b : batches(info.slice())) {
            out.add(b.baseOffset());
        }
        return out;
    }

    @Test
    void aTombstoneStaysForDeleteRetentionMsAfterTheFirstCleaningThatSawItThenGoes() throws Exception {
        Log log = open(1000, 0, Long.MAX_VALUE, 0);
        appendKeyed(log, time.milliseconds(), "a=1", "b=1", "a=", "c=1", "d=1", "e=1", "f=1");
        long firstCleaning = time.milliseconds();
        manager.runCleaner();
        assertEquals(List.of("1:b=1", "2:a=null", "3:c=1", "4:d=1", "5:e=1", "6:f=1"), readKeyed(log, 0));
        RecordBatch tombstoneBatch = batches(log.read(2, 1000, true).slice()).get(0);
        assertEquals(firstCleaning + 1000, tombstoneBatch.deleteHorizonMs().getAsLong());

        time.advance(999);
        assertEquals(List.of(), manager.runCleaner(), "nothing is dirty and the tombstone is not due yet");
        assertEquals("2:a=null", readKeyed(log, 0).get(1));

        time.advance(1);
        assertEquals(1, manager.runCleaner().size(), "the tombstone's horizon alone makes the log due");
        assertEquals(List.of("1:b=1", "3:c=1", "4:d=1", "5:e=1", "6:f=1"), readKeyed(log, 0));
    }

    @Test
    void anEmptyActiveSegmentKeepsTheLogEndAfterACrashWhenTheBatchesBeforeItWereCompactedAway() throws Exception {
        Log log = open(0, 0, Long.MAX_VALUE, 0);
        appendKeyed(log, time.milliseconds(), "x=1", "y=1", "a=");
        log.roll();
        manager.runCleaner();
        assertEquals(1, manager.runCleaner().size(), "with delete.retention.ms=0 the second cleaning drops the tombstone");
        assertEquals(List.of("0:x=1", "1:y=1"), readKeyed(log, 0));
        manager.close();
        Files.delete(dir.resolve(FileNames.CLEAN_SHUTDOWN_MARKER)); // recovery now scans the empty active segment

        log = open(0, 0, Long.MAX_VALUE, 0);
        assertEquals(3, log.logEndOffset());
        appendKeyed(log, time.milliseconds(), "b=1");
        assertEquals(List.of("0:x=1", "1:y=1", "3:b=1"), readKeyed(log, 0));
    }

    @Test
    void minCompactionLagKeepsYoungSegmentsOutOfTheCleaning() throws Exception {
        Log log = open(86_400_000L, 10_000, Long.MAX_VALUE, 0);
        appendKeyed(log, time.milliseconds(), "a=1", "a=2", "b=1");
        time.advance(10_000);
        appendKeyed(log, time.milliseconds(), "a=3", "b=2", "c=1", "z=1");

        manager.runCleaner();
        assertEquals(List.of("1:a=2", "2:b=1", "3:a=3", "4:b=2", "5:c=1", "6:z=1"), readKeyed(log, 0),
                "segment 0 is exactly the lag old; segment 3 is younger: its records neither go nor replace older ones");

        time.advance(9_999);
        assertEquals(List.of(), manager.runCleaner());
        time.advance(1);
        manager.runCleaner();
        assertEquals(List.of("3:a=3", "4:b=2", "5:c=1", "6:z=1"), readKeyed(log, 0));
    }

    @Test
    void maxCompactionLagCleansALogBelowTheDirtyRatio() throws Exception {
        Log log = open(86_400_000L, 0, 60_000, 1.0);
        appendKeyed(log, time.milliseconds(), "a=1", "a=2", "a=3", "a=4");
        assertEquals(List.of(), manager.runCleaner(), "no dirty ratio is above 1.0");

        time.advance(60_000);
        assertEquals(List.of(), manager.runCleaner(), "exactly max.compaction.lag.ms old is not due yet");
        time.advance(1);
        assertEquals(1, manager.runCleaner().size());
        assertEquals(List.of("2:a=3", "3:a=4"), readKeyed(log, 0));
    }

    @Test
    void aLogIsCleanedOnlyWhenItsDirtyShareIsAboveMinCleanableDirtyRatio() throws Exception {
        Log log = open(86_400_000L, 0, Long.MAX_VALUE, 0.5);
        appendKeyed(log, time.milliseconds(), "a=1", "b=1", "c=1", "d=1", "e=1", "f=1", "a=2", "b=2", "c=2", "z=1");
        manager.runCleaner();
        assertEquals(List.of("3:d=1", "4:e=1", "5:f=1", "6:a=2", "7:b=2", "8:c=2", "9:z=1"), readKeyed(log, 0));

        appendKeyed(log, time.milliseconds(), "a=3", "b=3", "c=3");
        assertEquals(List.of(0L, 3L, 6L, 9L, 12L), log.segmentBaseOffsets());
        assertEquals(List.of(), manager.runCleaner(), "dirty: segment 9, 3 batches of 9");
        appendKeyed(log, time.milliseconds(), "d=2", "e=2", "f=2");
        assertEquals(List.of(), manager.runCleaner(), "dirty: segments 9 and 12, 6 batches of 12: 0.5 is not above");
        appendKeyed(log, time.milliseconds(), "g=1", "h=1", "i=1");
        assertEquals(1, manager.runCleaner().size(), "dirty: 9 batches of 15");

        assertEquals(List.of("9:z=1", "10:a=3", "11:b=3", "12:c=3", "13:d=2", "14:e=2", "15:f=2", "16:g=1", "17:h=1",
                "18:i=1"), readKeyed(log, 0));
        assertEquals(List.of(0L, 9L, 12L, 15L, 18L), log.segmentBaseOffsets(),
                "segments 0 and 3 became one empty segment that starts the log; segment 6, emptied, is gone");
    }

    @Test
    void segmentsShrunkByCleaningAreMergedUpToSegmentBytes() throws Exception {
        Log log = open();
        appendKeyed(log, time.milliseconds(), "a=1", "b=1", "c=1", "a=2", "b=2", "d=1", "a=3", "e=1", "f=1", "z=1");
        manager.runCleaner();
        assertEquals(List.of("2:c=1", "4:b=2", "5:d=1", "6:a=3", "7:e=1", "8:f=1", "9:z=1"), readKeyed(log, 0));
        appendKeyed(log, time.milliseconds(), "y=1", "x=1", "w=1");
        Files.setLastModifiedTime(segmentFile(0), FileTime.fromMillis(1_600_000_000_000L));
        Files.setLastModifiedTime(segmentFile(3), FileTime.fromMillis(1_600_000_009_000L));

        manager.runCleaner();

        assertEquals(1_600_000_009_000L, Files.getLastModifiedTime(segmentFile(0)).toMillis(),
                "the merged segment is as old as the newest it replaces, for retention by file time");
        assertEquals(List.of(0L, 6L, 9L, 12L), log.segmentBaseOffsets(),
                "segments 0 and 3 (1 + 2 batches) fit in one of 3 batches; segment 6 (3 batches) does not fit with them");
        assertEquals(List.of("2:c=1", "4:b=2", "5:d=1", "6:a=3", "7:e=1", "8:f=1", "9:z=1", "10:y=1", "11:x=1",
                "12:w=1"), readKeyed(log, 0));
        assertFalse(Files.exists(segmentFile(3)));
    }

    @Test
    void aPartlyCleanedBatchKeepsItsOffsetsCodecAndProducerFieldsWithANewCrc() throws Exception {
        Log log = open(TestSupport.compacted(config(1024 * 1024, 4096), false));
        List<CompressionType> codecs = List.of(CompressionType.LZ4, CompressionType.ZSTD, CompressionType.GZIP,
                CompressionType.SNAPPY);
        for (int i = 0; i < codecs.size(); i++) {
            String k = codecs.get(i).name;
            log.append(MemoryRecords.withIdempotentRecords(Compression.of(codecs.get(i)).build(), 42L, (short) 3,
                    3 * i, TestSupport.keyedRecords(time.milliseconds(), k + "1=old", k + "2=keep", k + "3=old")), 7);
        }
        for (CompressionType type : codecs) {
            log.append(keyed(time.milliseconds(), type.name + "1=new", type.name + "3=new"), 7);
        }
        log.roll();

        manager.runCleaner();

        List<RecordBatch> batches = batches(log.read(0, 100_000, true).slice());
        assertEquals(8, batches.size());
        for (int i = 0; i < 4; i++) {
            RecordBatch b = batches.get(i);
            assertEquals(codecs.get(i), b.compressionType());
            assertEquals(3L * i, b.baseOffset());
            assertEquals(3L * i + 2, b.lastOffset(), "the last offset (and so the last sequence) is kept");
            assertEquals(42L, b.producerId());
            assertEquals(3, b.producerEpoch());
            assertEquals(3 * i, b.baseSequence());
            assertEquals(7, b.partitionLeaderEpoch());
            assertTrue(b.isValid(), "the CRC was recomputed");
            List<String> kept = new ArrayList<>();
            for (Record r : b) {
                kept.add(r.offset() + ":" + StandardCharsets.UTF_8.decode(r.key()));
            }
            assertEquals(List.of((3L * i + 1) + ":" + b.compressionType().name + "2"), kept);
        }
    }

    @Test
    void theLastBatchOfAProducerStaysAsAnEmptyBatchSoItsSequenceSurvivesARestart() throws Exception {
        Log log = open();
        log.append(MemoryRecords.withIdempotentRecords(Compression.NONE, 7L, (short) 0, 0,
                TestSupport.keyedRecords(time.milliseconds(), "a=1")), 0);
        log.append(MemoryRecords.withIdempotentRecords(Compression.NONE, 7L, (short) 0, 1,
                TestSupport.keyedRecords(time.milliseconds(), "b=1", "c=1")), 0);
        appendKeyed(log, time.milliseconds(), "a=2", "b=2", "c=2", "z=1");
        manager.runCleaner();

        assertEquals(List.of("3:a=2", "4:b=2", "5:c=2", "6:z=1"), readKeyed(log, 0));
        List<RecordBatch> segment0 = batches(log.read(0, 100_000, true).slice());
        assertEquals(1, segment0.size(), "producer 7's first batch is gone, its last one stays empty");
        RecordBatch empty = segment0.get(0);
        assertEquals(1L, empty.baseOffset());
        assertEquals(0, empty.countOrNull());
        assertEquals(2L, empty.lastOffset());
        assertEquals(7L, empty.producerId());
        assertEquals(1, empty.baseSequence());
        assertEquals(2, empty.lastSequence());

        manager.close();
        try (var snapshots = Files.list(dir.resolve("orders-0"))) {
            for (Path p : snapshots.filter(p -> p.toString().endsWith(".snapshot")).toList()) {
                Files.delete(p); // producer state must come back from the batches themselves
            }
        }
        log = open();
        assertEquals(2, log.activeProducers().get(0).lastSequence());
        assertEquals(7L, log.append(MemoryRecords.withIdempotentRecords(Compression.NONE, 7L, (short) 0, 3,
                TestSupport.keyedRecords(time.milliseconds(), "d=1")), 0).firstOffset());
    }

    @Test
    void recordsWithoutKeyWrittenBeforeThePolicyBecameCompactAreRemoved() throws Exception {
        Log log = open();
        LogConfig compacted = log.config();
        log.updateConfig(compacted.withCleanup(CleanupPolicy.DELETE));
        log.append(MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(time.milliseconds(), null,
                "nokey".getBytes(StandardCharsets.UTF_8))), 0);
        log.updateConfig(compacted);
        appendKeyed(log, time.milliseconds(), "a=1");
        log.roll();
        manager.runCleaner();
        assertEquals(List.of("1:a=1"), readKeyed(log, 0));
    }

    @Test
    void deletingCleanedPartitionsTogetherLeavesThemOutOfTheCleanerCheckpoint() throws Exception {
        Log log = open();
        TopicPartition other = new TopicPartition("orders", 1);
        TopicPartition kept = new TopicPartition("kept", 0);
        Log otherLog = manager.getOrCreate(other, log.config());
        Log keptLog = manager.getOrCreate(kept, log.config());
        for (Log l : List.of(log, otherLog, keptLog)) {
            appendKeyed(l, time.milliseconds(), "a=1", "b=1", "a=2", "z=1");
        }
        manager.runCleaner();
        manager.runCleaner();
        manager.runCleaner();
        assertEquals(List.of("0", "3", "kept 0 3", "orders 0 3", "orders 1 3"),
                Files.readAllLines(dir.resolve("cleaner-offset-checkpoint")).stream().sorted().toList());

        manager.delete(List.of(TP, other));

        assertEquals(List.of("0", "1", "kept 0 3"), Files.readAllLines(dir.resolve("cleaner-offset-checkpoint")));
    }

    @Test
    void aRestartKeepsWhereTheDirtyPartStarts() throws Exception {
        Log log = open();
        appendKeyed(log, time.milliseconds(), "a=1", "b=1", "a=2", "z=1");
        manager.runCleaner();
        manager.close();
        assertTrue(Files.readString(dir.resolve("cleaner-offset-checkpoint")).contains("orders 0 3\n"));

        log = open();
        assertEquals(List.of(), manager.runCleaner());
        appendKeyed(log, time.milliseconds(), "b=2", "c=1", "y=1");
        assertEquals(3, manager.runCleaner().get(0).firstDirtyOffset());
        assertEquals(List.of("2:a=2", "3:z=1", "4:b=2", "5:c=1", "6:y=1"), readKeyed(log, 0));
    }
}
