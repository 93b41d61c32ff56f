package dev.nagare.storage;

import static dev.nagare.storage.TestSupport.TP;
import static dev.nagare.storage.TestSupport.batch;
import static dev.nagare.storage.TestSupport.config;
import static dev.nagare.storage.TestSupport.idempotent;
import static dev.nagare.storage.TestSupport.readAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogRecoveryTest {
    @TempDir
    Path dir;
    final FakeTime time = new FakeTime();
    final LogConfig config = config(2048, 200);
    LogManager manager;

    Log open() {
        manager = TestSupport.openManager(dir, config, time);
        return manager.getOrCreate(TP, config);
    }

    @AfterEach
    void close() {
        if (manager != null) {
            manager.close();
        }
    }

    /** Appends n one-record batches "v0".."v(n-1)" and returns what reading them back gives. */
    List<String> fill(Log log, int n) {
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long offset = log.append(batch(time.milliseconds(), "v" + i), 0).firstOffset();
            expected.add(offset + ":v" + i);
        }
        return expected;
    }

    /**
     * Makes the directory look as if the broker died: no clean-shutdown marker, the given recovery point, and the
     * active segment's indexes at their preallocated size full of zeros.
     */
    void crash(long recoveryPoint) throws IOException {
        Log log = manager.log(TP).orElseThrow();
        long active = log.segmentBaseOffsets().get(log.segmentCount() - 1);
        manager.close();
        manager = null;
        Files.delete(dir.resolve(".nagare_clean_shutdown"));
        Checkpoints.write(dir.resolve("recovery-point-offset-checkpoint"), Map.of(TP, recoveryPoint));
        for (Path index : List.of(FileNames.indexFile(partitionDir(), active), FileNames.timeIndexFile(partitionDir(), active))) {
            try (RandomAccessFile f = new RandomAccessFile(index.toFile(), "rw")) {
                f.setLength(config.segmentIndexBytes());
            }
        }
    }

    Path partitionDir() {
        return dir.resolve("orders-0");
    }

    Path lastLogFile(Log log) {
        return FileNames.logFile(partitionDir(), log.segmentBaseOffsets().get(log.segmentCount() - 1));
    }

    @Test
    void aBatchTornInTheMiddleIsCutOffAfterACrash() throws Exception {
        Log log = open();
        List<String> expected = fill(log, 40);
        Path last = lastLogFile(log);
        long lastBatchSize = batch(time.milliseconds(), "v39").sizeInBytes();
        crash(0);
        try (RandomAccessFile f = new RandomAccessFile(last.toFile(), "rw")) {
            f.setLength(f.length() - lastBatchSize / 2);
        }

        Log reopened = open();
        assertFalse(manager.recoveredCleanly());
        assertEquals(39, reopened.logEndOffset());
        assertEquals(expected.subList(0, 39), readAll(reopened, 0));
        assertEquals(new AppendResult(39, 39, -1, 0, false), reopened.append(batch(time.milliseconds(), "again"), 0));
        assertEquals("39:again", readAll(reopened, 39).get(0));
    }

    @Test
    void garbageAfterTheLastBatchIsCutOffAfterACrash() throws Exception {
        Log log = open();
        List<String> expected = fill(log, 30);
        Path last = lastLogFile(log);
        long sizeBefore = Files.size(last);
        crash(0);
        byte[] garbage = new byte[300];
        for (int i = 0; i < garbage.length; i++) {
            garbage[i] = (byte) (i * 31 + 7);
        }
        Files.write(last, garbage, java.nio.file.StandardOpenOption.APPEND);

        Log reopened = open();
        assertEquals(sizeBefore, Files.size(last));
        assertEquals(30, reopened.logEndOffset());
        assertEquals(expected, readAll(reopened, 0));
    }

    @Test
    void aBatchWithABadCrcIsCutOffWithEverythingAfterIt() throws Exception {
        Log log = open();
        fill(log, 5);
        int size = batch(time.milliseconds(), "v0").sizeInBytes();
        crash(0);
        try (RandomAccessFile f = new RandomAccessFile(FileNames.logFile(partitionDir(), 0).toFile(), "rw")) {
            f.seek(2L * size + 70);
            f.write(0x7F ^ f.read());
        }

        Log reopened = open();
        assertEquals(2, reopened.logEndOffset());
        assertEquals(List.of("0:v0", "1:v1"), readAll(reopened, 0));
    }

    @Test
    void aDeletedIndexIsRebuiltEvenAfterACleanShutdown() throws Exception {
        Log log = open();
        List<String> expected = fill(log, 60);
        assertTrue(log.segmentCount() >= 3);
        Path index = FileNames.indexFile(partitionDir(), 0);
        Path timeIndex = FileNames.timeIndexFile(partitionDir(), 0);
        manager.close();
        byte[] indexBefore = Files.readAllBytes(index);
        byte[] timeIndexBefore = Files.readAllBytes(timeIndex);
        assertTrue(indexBefore.length > 0);
        Files.delete(index);
        Files.delete(timeIndex);

        Log reopened = open();
        assertTrue(manager.recoveredCleanly());
        assertEquals(expected, readAll(reopened, 0));
        reopened.roll();
        manager.close();
        manager = null;
        assertArrayEquals(indexBefore, Files.readAllBytes(index));
        assertArrayEquals(timeIndexBefore, Files.readAllBytes(timeIndex));
    }

    @Test
    void aCorruptIndexIsRebuilt() throws Exception {
        Log log = open();
        List<String> expected = fill(log, 60);
        Path index = FileNames.indexFile(partitionDir(), 0);
        manager.close();
        byte[] indexBefore = Files.readAllBytes(index);
        byte[] junk = new byte[indexBefore.length + 3];
        java.util.Arrays.fill(junk, (byte) 0x7F);
        Files.write(index, junk);

        Log reopened = open();
        assertEquals(expected, readAll(reopened, 0));
        for (long offset = 0; offset < 60; offset++) {
            assertEquals(List.of(offset + ":v" + offset), TestSupport.records(reopened.read(offset, 1, true).slice()));
        }
        assertArrayEquals(indexBefore, Files.readAllBytes(index));
    }

    @Test
    void segmentsBeforeTheRecoveryPointAreNotScanned() throws Exception {
        Log log = open();
        List<String> expected = fill(log, 60);
        List<Long> bases = log.segmentBaseOffsets();
        long lastBase = bases.get(bases.size() - 1);
        Path first = FileNames.logFile(partitionDir(), 0);
        crash(lastBase);
        long firstSize = Files.size(first);
        Files.write(first, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);

        Log reopened = open();
        assertEquals(firstSize + 3, Files.size(first), "a trusted segment is left as it is");
        assertEquals(bases, reopened.segmentBaseOffsets());
        assertEquals(60, reopened.logEndOffset());
        assertEquals(expected.subList(bases.get(1).intValue(), 60), readAll(reopened, bases.get(1)));
    }

    /** Opens a log whose segments hold everything here (one segment), an index entry every 200 bytes. */
    Log openOneSegment() {
        manager = TestSupport.openManager(dir, config(1 << 20, 200), time);
        return manager.getOrCreate(TP, config(1 << 20, 200));
    }

    /** Flips a byte inside the records of the batch holding {@code offset} (one-record batches "v0".."vN"). */
    void corruptBatchOf(Log log, int offset) throws IOException {
        long position = 0;
        for (int i = 0; i < offset; i++) {
            position += batch(time.milliseconds(), "v" + i).sizeInBytes();
        }
        try (RandomAccessFile f = new RandomAccessFile(lastLogFile(log).toFile(), "rw")) {
            f.seek(position + 70);
            int b = f.read();
            f.seek(position + 70);
            f.write(b ^ 0xff);
        }
    }

    @Test
    void aCrashReadsOnlyWhatFollowsTheLastIndexedBatchBelowTheRecoveryPoint() throws Exception {
        Log log = openOneSegment();
        long t0 = time.milliseconds() - 1000;
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            log.append(batch(t0 + i, "v" + i), 0);
            expected.add(i + ":v" + i);
        }
        long lastBatchSize = batch(time.milliseconds(), "v59").sizeInBytes();
        Path file = lastLogFile(log);
        crash(45);
        corruptBatchOf(log, 10); // below the recovery point: a scan from byte 0 would cut the log there
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(f.length() - lastBatchSize / 2); // a torn last batch, after it
        }
        long size = Files.size(file);

        Log reopened = openOneSegment();
        assertFalse(manager.recoveredCleanly());
        assertEquals(59, reopened.logEndOffset(), "the torn batch after the recovery point is cut");
        assertEquals(size - (lastBatchSize - lastBatchSize / 2), Files.size(file), "nothing before it is touched");
        assertEquals(expected.subList(30, 59), readAll(reopened, 30), "index lookups below and above the resume point");
        assertEquals(new AppendResult(59, 59, -1, 0, false), reopened.append(batch(time.milliseconds(), "again"), 0));
        assertEquals(List.of("58:v58", "59:again"), readAll(reopened, 58));
        assertEquals(50, reopened.offsetForTimestamp(t0 + 50).orElseThrow().offset(), "the time index, kept and continued");
        assertEquals(5, reopened.offsetForTimestamp(t0 + 5).orElseThrow().offset());
    }

    @Test
    void aRecoveryPointBeforeTheFirstIndexEntryMeansAScanFromTheStart() throws Exception {
        Log log = openOneSegment();
        List<String> expected = fill(log, 60);
        crash(1);
        corruptBatchOf(log, 10);

        Log reopened = openOneSegment();
        assertEquals(10, reopened.logEndOffset(), "read from byte 0, the corrupt batch and all after it cut");
        assertEquals(expected.subList(0, 10), readAll(reopened, 0));
    }

    @Test
    void aScannedSegmentCutShortTakesTheLaterSegmentsWithIt() throws Exception {
        Log log = open();
        fill(log, 60);
        List<Long> bases = log.segmentBaseOffsets();
        Path first = FileNames.logFile(partitionDir(), 0);
        crash(0);
        long firstSize = Files.size(first);
        Files.write(first, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);

        Log reopened = open();
        assertEquals(firstSize, Files.size(first));
        assertEquals(List.of(0L), reopened.segmentBaseOffsets());
        assertEquals(bases.get(1), reopened.logEndOffset());
        assertFalse(Files.exists(FileNames.logFile(partitionDir(), bases.get(1))));
    }

    @Test
    void producerStateSurvivesACleanRestart() {
        Log log = open();
        log.append(idempotent(42L, (short) 3, 0, time.milliseconds(), "a", "b"), 0);
        log.append(idempotent(42L, (short) 3, 2, time.milliseconds(), "c"), 0);
        List<ProducerStateEntry> before = log.activeProducers();
        manager.close();

        Log reopened = open();
        assertEquals(before, reopened.activeProducers());
        assertEquals(new ProducerStateEntry(42L, (short) 3, 2, time.milliseconds(), 2), before.get(0));
        assertEquals(new AppendResult(2, 2, -1, 0, true),
                reopened.append(idempotent(42L, (short) 3, 2, time.milliseconds(), "c"), 0));
    }

    @Test
    void theSnapshotWrittenAtACleanShutdownReadsBackWithEveryBatchOfItsProducers() throws Exception {
        Log log = open();
        long t = time.milliseconds();
        log.append(idempotent(42L, (short) 3, 0, t, "a", "b"), 0);
        log.append(idempotent(42L, (short) 3, 2, t, "c"), 0);
        log.append(idempotent(43L, (short) 0, 0, t, "d"), 0);
        manager.close();
        manager = null;

        Map.Entry<Long, Path> snapshot = ProducerSnapshotFile.list(partitionDir()).lastEntry();
        assertEquals(4L, snapshot.getKey());
        List<ProducerStateTable.ProducerState> read = ProducerSnapshotFile.read(snapshot.getValue()).orElseThrow(
                () -> new AssertionError("the snapshot " + snapshot.getValue() + " does not read back"));
        assertEquals(List.of(
                new ProducerStateTable.ProducerState(42L, (short) 3, List.of(
                        new ProducerStateTable.BatchMetadata(0, 1, 0, 1, t),
                        new ProducerStateTable.BatchMetadata(2, 2, 2, 2, t))),
                new ProducerStateTable.ProducerState(43L, (short) 0, List.of(
                        new ProducerStateTable.BatchMetadata(0, 0, 3, 3, t)))),
                read.stream().sorted(Comparator.comparingLong(ProducerStateTable.ProducerState::producerId))
                        .toList());
    }

    @Test
    void producerStateSurvivesACrashThroughSnapshotsAndReplay() throws Exception {
        Log log = open();
        for (int seq = 0; seq < 40; seq++) {
            log.append(idempotent(7L, (short) 1, seq, time.milliseconds(), "p" + seq), 0);
        }
        log.append(idempotent(8L, (short) 0, 0, time.milliseconds(), "other"), 0);
        assertTrue(log.segmentCount() > 1);
        List<ProducerStateEntry> before = log.activeProducers();
        crash(0);
        for (Path snapshot : ProducerSnapshotFile.list(partitionDir()).tailMap(40L, true).values()) {
            Files.delete(snapshot); // the snapshot written at close would make the replay trivial
        }

        Log reopened = open();
        assertEquals(before, reopened.activeProducers());
        assertEquals(new AppendResult(39, 39, -1, 0, true),
                reopened.append(idempotent(7L, (short) 1, 39, time.milliseconds(), "p39"), 0));
        assertEquals(41, reopened.append(idempotent(7L, (short) 1, 40, time.milliseconds(), "p40"), 0).firstOffset());
    }

    @Test
    void aCorruptProducerSnapshotIsIgnored() throws Exception {
        Log log = open();
        log.append(idempotent(5L, (short) 0, 0, time.milliseconds(), "a"), 0);
        List<ProducerStateEntry> before = log.activeProducers();
        manager.close();
        Path snapshot = ProducerSnapshotFile.list(partitionDir()).lastEntry().getValue();
        byte[] bytes = Files.readAllBytes(snapshot);
        bytes[bytes.length - 1] ^= 1;
        Files.write(snapshot, bytes);

        assertEquals(before, open().activeProducers());
    }

    @Test
    void theLogStartOffsetSurvivesARestartAndACrash() throws Exception {
        Log log = open();
        fill(log, 60);
        long secondBase = log.segmentBaseOffsets().get(1);
        assertEquals(secondBase + 2, log.deleteRecordsBefore(secondBase + 2));
        assertEquals(secondBase, log.segmentBaseOffsets().get(0));
        manager.close();

        Log reopened = open();
        assertEquals(secondBase + 2, reopened.logStartOffset());
        assertThrows(OffsetOutOfRangeException.class, () -> reopened.read(secondBase + 1, 100, true));
        crash(0);

        Log afterCrash = open();
        assertEquals(secondBase + 2, afterCrash.logStartOffset());
        assertEquals(60, afterCrash.logEndOffset());
    }

    @Test
    void checkpointFilesUseKafkasTextFormat() throws Exception {
        Log log = open();
        fill(log, 3);
        manager.close();
        manager = null;
        assertEquals(List.of("0", "1", "orders 0 3"), Files.readAllLines(dir.resolve("recovery-point-offset-checkpoint")));
        assertEquals(List.of("0", "1", "orders 0 0"), Files.readAllLines(dir.resolve("log-start-offset-checkpoint")));
        assertTrue(Files.exists(dir.resolve(".nagare_clean_shutdown")));
        open();
        assertFalse(Files.exists(dir.resolve(".nagare_clean_shutdown")));
    }
}
