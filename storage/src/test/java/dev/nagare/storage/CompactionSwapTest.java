package dev.nagare.storage;

import static dev.nagare.storage.TestSupport.TP;
import static dev.nagare.storage.TestSupport.appendKeyed;
import static dev.nagare.storage.TestSupport.config;
import static dev.nagare.storage.TestSupport.keyed;
import static dev.nagare.storage.TestSupport.readKeyed;
import static dev.nagare.storage.TestSupport.records;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The swap of cleaned segments ({@link SegmentSwap}): a crash at each of its steps, reads that overlap it, retention
 * that overlaps it.
 */
class CompactionSwapTest {
    @TempDir
    Path tmp;
    final FakeTime time = new FakeTime();
    final int batchSize = keyed(0, "a=1").sizeInBytes();
    final LogConfig config = config(3 * batchSize, 4096)
            .withCleanup(new CleanupPolicy(true, false, 86_400_000L, 0, Long.MAX_VALUE, 0));
    Path dir;
    LogManager manager;

    @BeforeEach
    void dirs() throws IOException {
        dir = Files.createDirectory(tmp.resolve("data"));
    }

    Log open(Path logDir) {
        manager = TestSupport.openManager(logDir, config, time);
        return manager.getOrCreate(TP, config);
    }

    @AfterEach
    void close() {
        if (manager != null) {
            manager.close();
        }
    }


    static final List<String> BEFORE = List.of("2:c=1", "4:b=2", "5:d=1", "6:a=3", "7:e=1", "8:f=1", "9:z=1", "10:c=2",
            "11:x=1", "12:w=1");
    static final List<String> AFTER = List.of("4:b=2", "5:d=1", "6:a=3", "7:e=1", "8:f=1", "9:z=1", "10:c=2", "11:x=1",
            "12:w=1");

    /**
     * Copies of the log directory before and after a cleaning that merges segments 0 (c=1) and 3 (b=2, d=1) into one
     * segment 0 without c=1, which segment 9 replaces. Returns {before, after}; both were closed cleanly.
     */
    Path[] beforeAndAfterAMergingCleaning() throws IOException {
        Log log = open(dir);
        appendKeyed(log, time.milliseconds(), "a=1", "b=1", "c=1", "a=2", "b=2", "d=1", "a=3", "e=1", "f=1", "z=1");
        manager.runCleaner();
        appendKeyed(log, time.milliseconds(), "c=2", "x=1", "w=1");
        assertEquals(BEFORE, readKeyed(log, 0));
        manager.close();
        Path before = copy(dir, tmp.resolve("before"));
        log = open(dir);
        manager.runCleaner();
        assertEquals(AFTER, readKeyed(log, 0));
        assertEquals(List.of(0L, 6L, 9L, 12L), log.segmentBaseOffsets());
        manager.close();
        manager = null;
        return new Path[] {before, copy(dir, tmp.resolve("after"))};
    }

    static Path copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.sorted().toList()) {
                Files.copy(f, to.resolve(from.relativize(f).toString()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return to;
    }

    static void deleteRecursively(Path p) throws IOException {
        try (Stream<Path> files = Files.walk(p)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }

    /** The crashed directory: the state before the cleaning, without the clean-shutdown marker. */
    Path crashedFrom(Path before) throws IOException {
        deleteRecursively(dir);
        copy(before, dir);
        Files.delete(dir.resolve(FileNames.CLEAN_SHUTDOWN_MARKER));
        return dir.resolve("orders-0");
    }

    static Path file(Path partition, long base, String ext, String suffix) {
        return partition.resolve(FileNames.offsetPrefix(base) + ext + suffix);
    }

    /** Copies the after-state's segment 0 into the crashed directory as the cleaning's output, with a suffix. */
    static void putOutput(Path after, Path partition, String suffix) throws IOException {
        for (String ext : List.of(".log", ".index", ".timeindex")) {
            Files.copy(file(after.resolve("orders-0"), 0, ext, ""), file(partition, 0, ext, suffix));
        }
    }

    static void rename(Path partition, long base, String from, String to) throws IOException {
        for (String ext : List.of(".log", ".index", ".timeindex")) {
            Files.move(file(partition, base, ext, from), file(partition, base, ext, to));
        }
    }

    /** Opens the crashed directory and checks it holds exactly {@code expected} and no leftover of the swap. */
    void assertRecoversTo(List<String> expected, List<Long> segments) throws IOException {
        Log log = open(dir);
        assertFalse(manager.recoveredCleanly());
        assertEquals(expected, readKeyed(log, 0));
        assertEquals(segments, log.segmentBaseOffsets());
        assertEquals(0, log.logStartOffset());
        assertEquals(13, log.logEndOffset());
        try (Stream<Path> files = Files.list(dir.resolve("orders-0"))) {
            assertEquals(List.of(), files.map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(".cleaned") || n.endsWith(".swap") || n.endsWith(".swapout")
                            || n.endsWith(".deleted")).toList());
        }
        appendKeyed(log, time.milliseconds(), "v=1");
        assertEquals("13:v=1", readKeyed(log, 13).get(0));
    }

    /** What a crash leaves in the directory, step by step of {@link SegmentSwap#swap}, and what recovery makes of it. */
    enum CrashPoint {
        WHILE_THE_OUTPUT_IS_WRITTEN(false, (partition, after) -> {
            putOutput(after, partition, ".cleaned");
            try (FileChannel ch = FileChannel.open(file(partition, 0, ".log", ".cleaned"), StandardOpenOption.WRITE)) {
                ch.truncate(100); // torn in its second batch
            }
        }),
        WHILE_SEGMENTS_ARE_SET_ASIDE_BEFORE_THE_COMMIT(false, (partition, after) -> {
            putOutput(after, partition, ".cleaned");
            rename(partition, 3, "", ".swapout");
        }),
        WITH_THE_COMMIT_HALF_RENAMED(true, (partition, after) -> {
            putOutput(after, partition, ".cleaned");
            Files.move(file(partition, 0, ".log", ".cleaned"), file(partition, 0, ".log", ".swap"));
            rename(partition, 3, "", ".swapout");
        }),
        JUST_AFTER_THE_COMMIT(true, (partition, after) -> {
            putOutput(after, partition, ".swap");
            rename(partition, 3, "", ".swapout");
        }),
        WHILE_THE_OLD_SEGMENTS_ARE_RENAMED_DELETED(true, (partition, after) -> {
            putOutput(after, partition, ".swap");
            rename(partition, 0, "", ".deleted");
            rename(partition, 3, "", ".swapout");
        }),
        WHILE_THE_OUTPUT_TAKES_ITS_FINAL_NAMES(true, (partition, after) -> {
            rename(partition, 0, "", ".deleted");
            rename(partition, 3, "", ".deleted");
            putOutput(after, partition, ".swap");
            Files.move(file(partition, 0, ".log", ".swap"), file(partition, 0, ".log", ""));
        });

        /** Builds the crashed state from the state before the cleaning and the directory after it. */
        interface Leftovers {
            void leave(Path partition, Path after) throws IOException;
        }

        final boolean committed;
        final Leftovers leftovers;

        CrashPoint(boolean committed, Leftovers leftovers) {
            this.committed = committed;
            this.leftovers = leftovers;
        }
    }

    @ParameterizedTest
    @EnumSource(CrashPoint.class)
    void aCrashAtAnyStepOfTheSwapRecoversTheOldSegmentsBeforeTheCommitAndTheNewOneAfter(CrashPoint crash)
            throws Exception {
        Path[] states = beforeAndAfterAMergingCleaning();
        crash.leftovers.leave(crashedFrom(states[0]), states[1]);
        if (crash.committed) {
            assertRecoversTo(AFTER, List.of(0L, 6L, 9L, 12L));
        } else {
            assertRecoversTo(BEFORE, List.of(0L, 3L, 6L, 9L, 12L));
        }
    }

    @Test
    void aReadThatFoundAnOldSegmentBeforeTheSwapStillReadsItUntilTheDeleteDelay() throws Exception {
        Log log = open(dir);
        appendKeyed(log, time.milliseconds(), "a=1", "b=1", "c=1", "a=2", "b=2", "c=2", "z=1");
        LogReadInfo before = log.read(0, 10_000, true);

        manager.runCleaner();

        assertEquals(List.of("0:1", "1:1", "2:1"), records(before.slice()), "the old segment's channel is still open");
        assertEquals(List.of("3:a=2", "4:b=2", "5:c=2", "6:z=1"), readKeyed(log, 0));
        time.advance(config.fileDeleteDelayMs());
        assertEquals(1, manager.runPendingDeletions());
        assertThrows(ClosedChannelException.class, () -> records(before.slice()));
        assertTrue(Files.exists(file(dir.resolve("orders-0"), 0, ".log", "")), "the new, empty segment 0");
        assertFalse(Files.exists(file(dir.resolve("orders-0"), 0, ".log", ".deleted")));
    }

    @Test
    void retentionDeletingASegmentDuringACleaningMakesTheSwapGiveUpAndLosesNothing() throws Exception {
        Log log = open(dir);
        appendKeyed(log, time.milliseconds(), "a=1", "b=1", "c=1", "a=2", "b=2", "c=2", "z=1");
        boolean[] deleted = {false};
        Compaction compaction = new Compaction(log, new OffsetMap(1 << 20), 0, 6, time.milliseconds(), () -> {
            if (!deleted[0]) { // at the first batch read, segment 0 goes, as retention would delete it
                deleted[0] = log.deleteRecordsBefore(3) == 3;
            }
            return false;
        });

        assertThrows(Compaction.Aborted.class, compaction::run);

        assertEquals(List.of("3:a=2", "4:b=2", "5:c=2", "6:z=1"), readKeyed(log, 3));
        assertEquals(List.of(3L, 6L), log.segmentBaseOffsets());
        try (Stream<Path> files = Files.list(dir.resolve("orders-0"))) {
            assertEquals(List.of(), files.filter(f -> f.toString().endsWith(".cleaned")).toList());
        }
    }
}
