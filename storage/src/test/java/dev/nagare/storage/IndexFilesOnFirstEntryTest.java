package dev.nagare.storage;

import static dev.nagare.storage.TestSupport.TP;
import static dev.nagare.storage.TestSupport.batch;
import static dev.nagare.storage.TestSupport.config;
import static dev.nagare.storage.TestSupport.readAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An empty partition has a directory and a log file, and no index files: they are created with the first index entry
 * (see {@link MappedIndex}). A segment that ends with data but no entry gets empty ones, so that it opens as it was.
 */
class IndexFilesOnFirstEntryTest {
    @TempDir
    Path dir;
    final FakeTime time = new FakeTime();
    final LogConfig config = config(1 << 20, 200);
    LogManager manager;

    Log open() {
        manager = TestSupport.openManager(dir, config, time);
        return manager.getOrCreate(TP, config);
    }

    void closeManager() {
        manager.close();
        manager = null;
    }

    @AfterEach
    void close() {
        if (manager != null) {
            manager.close();
        }
    }

    /** The names of the partition directory's files, sorted. */
    List<String> files() throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve("orders-0"))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aNewPartitionHasOnlyItsLogFileUntilItsFirstIndexEntry() throws Exception {
        Log log = open();
        assertEquals(List.of("00000000000000000000.log"), files());

        log.append(batch(time.milliseconds(), "v0"), 0);
        assertEquals(List.of("00000000000000000000.log"), files(), "one small batch: no entry yet");
        assertEquals(List.of("0:v0"), readAll(log, 0));
        assertEquals(0, log.offsetForTimestamp(0).orElseThrow().offset());

        List<String> expected = new ArrayList<>(List.of("0:v0"));
        for (int i = 1; i < 20; i++) {
            log.append(batch(time.milliseconds() + i, "v" + i), 0);
            expected.add(i + ":v" + i);
        }
        assertEquals(List.of("00000000000000000000.index", "00000000000000000000.log", "00000000000000000000.timeindex"),
                files());
        assertEquals(expected, readAll(log, 0));
        for (int i = 0; i < 20; i++) {
            assertEquals(List.of(i + ":v" + i), TestSupport.records(log.read(i, 1, true).slice()), "offset " + i);
            assertEquals(i, log.offsetForTimestamp(time.milliseconds() + i).orElseThrow().offset(), "timestamp +" + i);
        }
    }

    @Test
    void anEmptyPartitionClosedReopenedOrCrashedStillHasNoIndexFilesAndNoProducerSnapshot() throws Exception {
        open();
        closeManager();
        assertEquals(List.of("00000000000000000000.log"), files(), "nothing to index, no producer to remember");

        Log reopened = open();
        assertTrue(manager.recoveredCleanly());
        assertEquals(0, reopened.logEndOffset());
        assertEquals(List.of("00000000000000000000.log"), files());
        closeManager();

        Files.delete(dir.resolve(".nagare_clean_shutdown"));
        Log afterCrash = open();
        assertEquals(false, manager.recoveredCleanly());
        assertEquals(List.of("00000000000000000000.log"), files());
        assertEquals(0, afterCrash.append(batch(time.milliseconds(), "first"), 0).firstOffset());
        assertEquals(List.of("0:first"), readAll(afterCrash, 0));
    }

    @Test
    void aSegmentClosedWithDataButNoIndexEntryGetsEmptyIndexFilesAndIsNotScannedAtTheNextStart() throws Exception {
        Log log = open();
        log.append(batch(time.milliseconds(), "only"), 0);
        closeManager();
        assertEquals(List.of("00000000000000000000.index", "00000000000000000000.log", "00000000000000000000.timeindex",
                "00000000000000000001.snapshot"), files());
        Path partition = dir.resolve("orders-0");
        assertEquals(0, Files.size(partition.resolve("00000000000000000000.index")));
        assertEquals(TimeIndex.ENTRY_SIZE, Files.size(partition.resolve("00000000000000000000.timeindex")),
                "the final time entry written at close");
        // Bytes after the last batch: a scan would cut them off, an open that trusts the clean shutdown leaves them.
        Path logFile = partition.resolve("00000000000000000000.log");
        long size = Files.size(logFile);
        Files.write(logFile, new byte[] {1, 2, 3}, StandardOpenOption.APPEND);

        Log reopened = open();
        assertTrue(manager.recoveredCleanly());
        assertEquals(size + 3, Files.size(logFile), "not scanned");
        assertEquals(1, reopened.logEndOffset());
        assertEquals(time.milliseconds(), reopened.offsetForTimestamp(0).orElseThrow().timestamp());
    }
}
