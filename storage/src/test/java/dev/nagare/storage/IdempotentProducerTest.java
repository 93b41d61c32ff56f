package dev.nagare.storage;

import static dev.nagare.storage.TestSupport.TP;
import static dev.nagare.storage.TestSupport.concat;
import static dev.nagare.storage.TestSupport.config;
import static dev.nagare.storage.TestSupport.idempotent;
import static dev.nagare.storage.TestSupport.readAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;

import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdempotentProducerTest {
    @TempDir
    Path dir;
    final FakeTime time = new FakeTime();
    LogManager manager;
    Log log;

    @BeforeEach
    void open() {
        LogConfig config = config(1024 * 1024, 4096);
        manager = TestSupport.openManager(dir, config, time);
        log = manager.getOrCreate(TP, config);
    }

    @AfterEach
    void close() {
        manager.close();
    }

    long now() {
        return time.milliseconds();
    }

    @Test
    void aRetryOfOneOfTheLastFiveBatchesReturnsItsOriginalOffsetsAndWritesNothing() throws Exception {
        for (int i = 0; i < 6; i++) {
            log.append(idempotent(1L, (short) 0, i * 2, now(), "a" + i, "b" + i), 0);
        }
        long end = log.logEndOffset();

        assertEquals(new AppendResult(2, 3, -1, 0, true), log.append(idempotent(1L, (short) 0, 2, now(), "a1", "b1"), 0));
        assertEquals(new AppendResult(10, 11, -1, 0, true), log.append(idempotent(1L, (short) 0, 10, now(), "a5", "b5"), 0));
        assertEquals(end, log.logEndOffset());
        assertEquals(12, readAll(log, 0).size());
    }

    @Test
    void aRetryOlderThanTheLastFiveBatchesIsASequenceError() {
        for (int i = 0; i < 6; i++) {
            log.append(idempotent(1L, (short) 0, i, now(), "v" + i), 0);
        }
        assertThrows(OutOfOrderSequenceException.class, () -> log.append(idempotent(1L, (short) 0, 0, now(), "v0"), 0));
    }

    @Test
    void aSequenceGapIsRejectedAndNothingIsWritten() {
        log.append(idempotent(1L, (short) 0, 0, now(), "a"), 0);
        assertThrows(OutOfOrderSequenceException.class, () -> log.append(idempotent(1L, (short) 0, 2, now(), "c"), 0));
        assertEquals(1, log.logEndOffset());
        assertEquals(1, log.append(idempotent(1L, (short) 0, 1, now(), "b"), 0).firstOffset());
    }

    @Test
    void aStaleEpochIsFenced() {
        log.append(idempotent(1L, (short) 5, 0, now(), "a"), 0);
        assertThrows(InvalidProducerEpochException.class, () -> log.append(idempotent(1L, (short) 4, 1, now(), "b"), 0));
    }

    @Test
    void aNewEpochMustStartAtSequenceZero() {
        log.append(idempotent(1L, (short) 5, 0, now(), "a"), 0);
        assertThrows(OutOfOrderSequenceException.class, () -> log.append(idempotent(1L, (short) 6, 1, now(), "b"), 0));
        assertEquals(1, log.append(idempotent(1L, (short) 6, 0, now(), "b"), 0).firstOffset());
        assertEquals(List.of(new ProducerStateEntry(1L, (short) 6, 0, now(), 1)), log.activeProducers());
    }

    @Test
    void anUnknownProducerIsAcceptedAtAnySequence() {
        assertEquals(0, log.append(idempotent(9L, (short) 2, 1234, now(), "a"), 0).firstOffset());
        assertEquals(1, log.append(idempotent(9L, (short) 2, 1235, now(), "b"), 0).firstOffset());
    }

    @Test
    void theSequenceWrapsPastIntegerMaxValue() {
        log.append(idempotent(1L, (short) 0, Integer.MAX_VALUE - 1, now(), "a", "b"), 0);
        assertEquals(List.of(new ProducerStateEntry(1L, (short) 0, Integer.MAX_VALUE, now(), 1)), log.activeProducers());
        assertEquals(2, log.append(idempotent(1L, (short) 0, 0, now(), "c"), 0).firstOffset());
    }

    @Test
    void batchesOfOneRequestAreCheckedInOrder() {
        AppendResult r = log.append(concat(idempotent(1L, (short) 0, 0, now(), "a"),
                idempotent(1L, (short) 0, 1, now(), "b")), 0);
        assertEquals(new AppendResult(0, 1, -1, 0, false), r);
        assertThrows(OutOfOrderSequenceException.class, () -> log.append(concat(
                idempotent(1L, (short) 0, 2, now(), "c"), idempotent(1L, (short) 0, 4, now(), "e")), 0));
        assertEquals(2, log.logEndOffset());
    }

    @Test
    void aDuplicateOnALogAppendTimeLogReturnsTheOriginalAppendTime() {
        log.updateConfig(TestSupport.withTimestampType(log.config(), TimestampType.LOG_APPEND_TIME));
        long first = now();
        log.append(idempotent(1L, (short) 0, 0, 5L, "a"), 0);
        time.advance(500);
        assertEquals(new AppendResult(0, 0, first, 0, true), log.append(idempotent(1L, (short) 0, 0, 5L, "a"), 0));
    }
}
