package dev.nagare.storage;

import static dev.nagare.storage.TestSupport.TP;
import static dev.nagare.storage.TestSupport.config;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Optional;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OffsetForTimestampTest {
    @TempDir
    Path dir;
    final FakeTime time = new FakeTime();
    final long t0 = time.milliseconds() - 100_000;
    LogManager manager;

    Log open(LogConfig config) {
        manager = TestSupport.openManager(dir, config, time);
        return manager.getOrCreate(TP, config);
    }

    @AfterEach
    void close() {
        manager.close();
    }

    /** Batch i holds offsets 3i..3i+2 with timestamps t0+10i, t0+10i+5, t0+10i+2 (not sorted within a batch). */
    Log logOfTwentyBatches(LogConfig config) {
        Log log = open(config);
        for (int i = 0; i < 20; i++) {
            long t = t0 + 10L * i;
            log.append(MemoryRecords.withRecords(Compression.gzip().build(), new SimpleRecord(t, "a".getBytes()),
                    new SimpleRecord(t + 5, "b".getBytes()), new SimpleRecord(t + 2, "c".getBytes())), i % 3);
        }
        return log;
    }

    @Test
    void theFirstRecordAtOrAfterATimestampIsFoundAcrossSegments() {
        Log log = logOfTwentyBatches(config(700, 100));

        assertEquals(Optional.of(new TimestampAndOffset(t0, 0, 0)), log.offsetForTimestamp(t0 - 50));
        assertEquals(Optional.of(new TimestampAndOffset(t0 + 5, 1, 0)), log.offsetForTimestamp(t0 + 3));
        assertEquals(Optional.of(new TimestampAndOffset(t0 + 70, 21, 1)), log.offsetForTimestamp(t0 + 70));
        assertEquals(Optional.of(new TimestampAndOffset(t0 + 75, 22, 1)), log.offsetForTimestamp(t0 + 73));
        assertEquals(Optional.of(new TimestampAndOffset(t0 + 190, 57, 1)), log.offsetForTimestamp(t0 + 186));
        assertEquals(Optional.of(new TimestampAndOffset(t0 + 195, 58, 1)), log.offsetForTimestamp(t0 + 195));
        assertEquals(Optional.empty(), log.offsetForTimestamp(t0 + 196));
        for (int i = 0; i <= 195; i++) {
            long expectedOffset = i % 10 == 0 ? 3L * (i / 10) : i % 10 <= 5 ? 3L * (i / 10) + 1 : 3L * (i / 10 + 1);
            assertEquals(expectedOffset, log.offsetForTimestamp(t0 + i).orElseThrow().offset(), "timestamp t0+" + i);
        }
    }

    @Test
    void latestEarliestAndMaxTimestampHaveTheirSpecialMeanings() {
        Log log = logOfTwentyBatches(config(700, 100));

        assertEquals(Optional.of(new TimestampAndOffset(-1, 60, 19 % 3)), log.offsetForTimestamp(-1));
        assertEquals(Optional.of(new TimestampAndOffset(-1, 0, 0)), log.offsetForTimestamp(-2));
        assertEquals(Optional.of(new TimestampAndOffset(t0 + 195, 58, 1)), log.offsetForTimestamp(-3));
        log.deleteRecordsBefore(31);
        assertEquals(Optional.of(new TimestampAndOffset(-1, 31, 1)), log.offsetForTimestamp(-2));
        assertEquals(Optional.of(new TimestampAndOffset(t0 + 105, 31, 1)), log.offsetForTimestamp(t0), "not offset 30, below the log start");
    }

    @Test
    void lookupsWorkTheSameAfterARestart() {
        logOfTwentyBatches(config(700, 100));
        manager.close();
        Log log = open(config(700, 100));

        assertEquals(Optional.of(new TimestampAndOffset(t0 + 75, 22, 1)), log.offsetForTimestamp(t0 + 73));
        assertEquals(Optional.of(new TimestampAndOffset(t0 + 195, 58, 1)), log.offsetForTimestamp(-3));
    }

    @Test
    void anEmptyLogHasNoRecordForATimestamp() {
        Log log = open(config(700, 100));
        assertEquals(Optional.empty(), log.offsetForTimestamp(t0));
        assertEquals(Optional.empty(), log.offsetForTimestamp(-3));
        assertEquals(Optional.of(new TimestampAndOffset(-1, 0, -1)), log.offsetForTimestamp(-1));
    }

    @Test
    void onALogAppendTimeLogEveryRecordHasTheBrokerTime() {
        Log log = open(TestSupport.withTimestampType(config(1 << 20, 100), TimestampType.LOG_APPEND_TIME));
        log.append(TestSupport.batch(1L, "a", "b"), 4);
        long first = time.milliseconds();
        time.advance(10);
        log.append(TestSupport.batch(1L, "c"), 4);

        assertEquals(Optional.of(new TimestampAndOffset(first, 0, 4)), log.offsetForTimestamp(0));
        assertEquals(Optional.of(new TimestampAndOffset(first + 10, 2, 4)), log.offsetForTimestamp(first + 1));
        assertEquals(Optional.of(new TimestampAndOffset(first + 10, 2, 4)), log.offsetForTimestamp(-3));
    }

    @Test
    void theBatchTimestampOfAnOffsetComesFromTheHeaderTheIndexLeadsTo() {
        Log log = logOfTwentyBatches(config(700, 100));
        for (int i = 0; i < 20; i++) {
            for (int offset = 3 * i; offset < 3 * i + 3; offset++) {
                assertEquals(java.util.OptionalLong.of(t0 + 10L * i), log.batchTimestampAt(offset), "offset " + offset);
            }
        }
        assertEquals(java.util.OptionalLong.empty(), log.batchTimestampAt(60), "the log end holds no record");
        assertEquals(java.util.OptionalLong.empty(), log.batchTimestampAt(-1));
    }

    @Test
    void aLogAppendTimeBatchGivesTheBrokerTimeEveryRecordCarries() {
        Log log = open(TestSupport.withTimestampType(config(700, 100), TimestampType.LOG_APPEND_TIME));
        log.append(MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(t0, "a".getBytes()),
                new SimpleRecord(t0 + 1, "b".getBytes())), 0);
        assertEquals(java.util.OptionalLong.of(time.milliseconds()), log.batchTimestampAt(1));
    }
}
