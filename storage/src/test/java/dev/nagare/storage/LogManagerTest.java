package dev.nagare.storage;

import static dev.nagare.storage.TestSupport.TP;
import static dev.nagare.storage.TestSupport.batch;
import static dev.nagare.storage.TestSupport.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogManagerTest {
    @TempDir
    Path dir;
    final FakeTime time = new FakeTime();
    final LogConfig config = config(1024, 4096);

    @Test
    void flushAsyncCompletesEveryWaiterAndAdvancesTheRecoveryPoint() throws Exception {
        try (LogManager manager = TestSupport.openManager(dir, config, time)) {
            Log a = manager.getOrCreate(TP, config);
            Log b = manager.getOrCreate(new TopicPartition("orders", 1), config);
            List<CompletableFuture<Void>> waiters = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                a.append(batch(time.milliseconds(), "a" + i), 0);
                b.append(batch(time.milliseconds(), "b" + i), 0);
                waiters.add(manager.flushAsync(a));
                waiters.add(manager.flushAsync(b));
            }
            CompletableFuture.allOf(waiters.toArray(new CompletableFuture[0])).get(30, TimeUnit.SECONDS);

            assertEquals(50, a.recoveryPoint());
            assertEquals(50, b.recoveryPoint());
        }
    }

    @Test
    void aRolledSegmentIsFlushedInTheBackgroundAndTheRecoveryPointMovesToTheNewSegment() throws Exception {
        try (LogManager manager = TestSupport.openManager(dir, config, time)) {
            Log log = manager.getOrCreate(TP, config);
            int perSegment = config.segmentBytes() / batch(time.milliseconds(), "v0").sizeInBytes();
            for (int i = 0; i <= perSegment; i++) {
                log.append(batch(time.milliseconds(), "v" + i), 0);
            }
            assertEquals(2, log.segmentCount());
            manager.flushAsync(log).get(30, TimeUnit.SECONDS); // queued after the flush the roll asked for

            assertEquals(perSegment + 1, log.recoveryPoint());
            manager.writeCheckpoints();
            assertEquals(List.of("0", "1", "orders 0 " + (perSegment + 1)),
                    Files.readAllLines(dir.resolve("recovery-point-offset-checkpoint")));
        }
    }

    @Test
    void aReopenedManagerFindsEveryPartitionAndSkipsDeletedOnes() throws Exception {
        TopicPartition other = new TopicPartition("my.topic-with-dash", 12);
        try (LogManager manager = TestSupport.openManager(dir, config, time)) {
            manager.getOrCreate(TP, config).append(batch(time.milliseconds(), "x"), 0);
            manager.getOrCreate(other, config).append(batch(time.milliseconds(), "y", "z"), 0);
            manager.getOrCreate(new TopicPartition("gone", 0), config);
            manager.delete(new TopicPartition("gone", 0));
        }
        try (LogManager manager = TestSupport.openManager(dir, config, time)) {
            assertTrue(manager.recoveredCleanly());
            assertEquals(2, manager.logs().size());
            assertEquals(1, manager.log(TP).orElseThrow().logEndOffset());
            assertEquals(2, manager.log(other).orElseThrow().logEndOffset());
            assertFalse(manager.log(new TopicPartition("gone", 0)).isPresent());
            try (var files = Files.list(dir)) {
                assertFalse(files.anyMatch(p -> p.getFileName().toString().startsWith("gone")));
            }
        }
    }

    @Test
    void deletingPartitionsTogetherRenamesEachAndLeavesThemOutOfTheCheckpoints() throws Exception {
        try (LogManager manager = TestSupport.openManager(dir, config, time)) {
            manager.getOrCreate(TP, config).append(batch(time.milliseconds(), "kept"), 0);
            List<TopicPartition> gone = List.of(new TopicPartition("gone", 0), new TopicPartition("gone", 1),
                    new TopicPartition("gone", 2));
            for (TopicPartition tp : gone) {
                manager.getOrCreate(tp, config).append(batch(time.milliseconds(), "a", "b"), 0);
            }
            manager.writeCheckpoints();
            assertEquals(4, Files.readAllLines(dir.resolve("recovery-point-offset-checkpoint")).size() - 2);

            manager.delete(gone);

            assertEquals(List.of("0", "1", "orders 0 0"), Files.readAllLines(dir.resolve("recovery-point-offset-checkpoint")));
            assertEquals(List.of("0", "1", "orders 0 0"), Files.readAllLines(dir.resolve("log-start-offset-checkpoint")));
            for (TopicPartition tp : gone) {
                assertFalse(manager.log(tp).isPresent());
                assertFalse(Files.exists(dir.resolve(tp.topic() + "-" + tp.partition())));
            }
            try (var files = Files.list(dir)) {
                assertEquals(3, files.filter(p -> p.getFileName().toString().startsWith("gone-")
                        && p.getFileName().toString().endsWith("-delete")).count());
            }
            assertTrue(Files.exists(dir.resolve("orders-0")));
        }
    }

    @Test
    void closeWritesTheMarkerOnlyAfterEverythingElse() throws Exception {
        LogManager manager = TestSupport.openManager(dir, config, time);
        manager.getOrCreate(TP, config).append(batch(time.milliseconds(), "x"), 0);
        assertFalse(Files.exists(dir.resolve(".nagare_clean_shutdown")));
        manager.close();
        assertTrue(Files.exists(dir.resolve(".nagare_clean_shutdown")));
        assertTrue(Files.exists(dir.resolve("orders-0/00000000000000000001.snapshot")));
        assertEquals(0, Files.size(dir.resolve("orders-0/00000000000000000000.index")), "trimmed at close");
    }

    @Test
    void aCleanStartFindsTheLogEndWithoutMappingAnIndexAndTheFirstAppendMapsIt() throws Exception {
        LogConfig small = config(1 << 20, 1); // an index entry for every batch
        try (LogManager manager = TestSupport.openManager(dir, small, time)) {
            Log log = manager.getOrCreate(TP, small);
            for (int i = 0; i < 5; i++) {
                log.append(batch(time.milliseconds(), "v" + i, "w" + i), 0);
            }
        }
        Path index = dir.resolve("orders-0/00000000000000000000.index");
        Path timeIndex = dir.resolve("orders-0/00000000000000000000.timeindex");
        assertEquals(4 * 8, Files.size(index), "trimmed at close to its entries (none for the first batch)");
        long timeIndexSize = Files.size(timeIndex);

        try (LogManager manager = TestSupport.openManager(dir, small, time)) {
            assertTrue(manager.recoveredCleanly());
            Log log = manager.log(TP).orElseThrow();
            assertEquals(10, log.logEndOffset(), "from the index's last entry and the batch headers after it");
            assertEquals(4 * 8, Files.size(index), "not mapped (which grows it) by the start");
            assertEquals(timeIndexSize, Files.size(timeIndex));
            manager.writeCheckpoints();
            assertEquals(List.of("0", "1", "orders 0 10"),
                    Files.readAllLines(dir.resolve("recovery-point-offset-checkpoint")));

            assertEquals(10, log.append(batch(time.milliseconds(), "x", "y"), 0).firstOffset());
            assertEquals(4096, Files.size(index), "mapped at the first append, the file grown to one page, not to segment.index.bytes");
        }
        try (LogManager manager = TestSupport.openManager(dir, small, time)) {
            assertEquals(12, manager.log(TP).orElseThrow().logEndOffset());
        }
    }
}
