package dev.nagare.storage;

import static dev.nagare.storage.TestSupport.TP;
import static dev.nagare.storage.TestSupport.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Apache Kafka's own {@code kafka.tools.DumpLogSegments} reads a Nagare segment, its offset index and its time index
 * without complaint. Needs Kafka 4.1's jars: {@code $NAGARE_KAFKA_LIBS} (set by ./test.sh) or
 * {@code /tmp/kafka-dist/libs} (from /work/shared/tools/peer-kafka/fetch.sh); fails, never skips, without them.
 */
class KafkaDumpToolCompatibilityTest {
    @TempDir
    Path dir;

    static Path kafkaLibs() {
        List<Path> candidates = new ArrayList<>();
        String env = System.getenv("NAGARE_KAFKA_LIBS");
        if (env != null && !env.isEmpty()) {
            candidates.add(Paths.get(env));
        }
        candidates.add(Paths.get(System.getProperty("user.home"), ".cache/nagare/kafka-4.1.0-libs"));
        candidates.add(Paths.get("/tmp/kafka-dist/libs"));
        for (Path p : candidates) {
            if (Files.isRegularFile(p.resolve("kafka_2.13-4.1.0.jar"))) {
                return p;
            }
        }
        return fail("Apache Kafka 4.1.0 jars not found in " + candidates + ": run ./test.sh (it fetches them into "
                + "$NAGARE_KAFKA_LIBS) or /work/shared/tools/peer-kafka/fetch.sh");
    }

    static String dump(Path libs, Path file) throws Exception {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", libs + File.separator + "*", "kafka.tools.DumpLogSegments",
                "--deep-iteration", "--print-data-log", "--files", file.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "DumpLogSegments did not finish");
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void kafkasDumpLogSegmentsReadsANagareSegmentAndItsIndexes() throws Exception {
        Path libs = kafkaLibs();
        FakeTime time = new FakeTime();
        LogConfig cfg = config(1024, 200);
        try (LogManager manager = TestSupport.openManager(dir, cfg, time)) {
            Log log = manager.getOrCreate(TP, cfg);
            for (int i = 0; i < 40; i++) {
                Compression c = i % 2 == 0 ? Compression.NONE : Compression.lz4().build();
                log.append(MemoryRecords.withRecords(c, new SimpleRecord(time.milliseconds() + i, null,
                        ("hello-" + i).getBytes(StandardCharsets.UTF_8))), 5);
            }
            assertTrue(log.segmentCount() >= 2);
        }
        Path partition = dir.resolve("orders-0");

        String logDump = dump(libs, partition.resolve("00000000000000000000.log"));
        assertTrue(logDump.contains("baseOffset: 0 lastOffset: 0 count: 1"), logDump);
        assertTrue(logDump.contains("| offset: 1 ") && logDump.contains("payload: hello-1"), logDump);
        assertTrue(logDump.contains("partitionLeaderEpoch: 5"), logDump);
        assertTrue(logDump.contains("isvalid: true") && !logDump.contains("isvalid: false"), logDump);
        assertTrue(logDump.contains("compresscodec: lz4"), logDump);

        assertIndexesMatchTheLog(libs, partition);
    }

    /** DumpLogSegments checks segment 0's offset and time index against its log and finds no mismatch. */
    static void assertIndexesMatchTheLog(Path libs, Path partition) throws Exception {
        String indexDump = dump(libs, partition.resolve("00000000000000000000.index"));
        assertTrue(indexDump.contains("offset: ") && indexDump.contains("position: "), indexDump);
        assertFalse(indexDump.contains("Mismatches") || indexDump.toLowerCase().contains("corrupt"), indexDump);

        String timeIndexDump = dump(libs, partition.resolve("00000000000000000000.timeindex"));
        assertTrue(timeIndexDump.contains("timestamp: "), timeIndexDump);
        assertFalse(timeIndexDump.contains("Mismatches") || timeIndexDump.contains("Found timestamp mismatch"),
                timeIndexDump);
    }

    @Test
    void kafkasDumpLogSegmentsReadsACleanedSegmentAndItsRebuiltIndexes() throws Exception {
        Path libs = kafkaLibs();
        FakeTime time = new FakeTime();
        LogConfig cfg = TestSupport.compacted(config(1024 * 1024, 100), false);
        try (LogManager manager = TestSupport.openManager(dir, cfg, time)) {
            Log log = manager.getOrCreate(TP, cfg);
            long now = time.milliseconds();
            log.append(TestSupport.keyed(Compression.lz4().build(), now, "a=1", "b=1", "c=1"), 5);
            log.append(MemoryRecords.withIdempotentRecords(Compression.NONE, 9L, (short) 0, 0,
                    TestSupport.keyedRecords(now, "d=1")), 5);
            for (int i = 0; i < 20; i++) {
                log.append(TestSupport.keyed(now, "k" + i + "=v" + i), 5);
            }
            log.append(TestSupport.keyed(now, "a=2", "d=2", "e="), 5);
            log.roll();
            manager.runCleaner();
            assertEquals(List.of("1:b=1", "2:c=1", "4:k0=v0"), TestSupport.readKeyed(log, 0).subList(0, 3),
                    "a=1 and d=1 are gone");
        }
        Path partition = dir.resolve("orders-0");

        String logDump = dump(libs, partition.resolve("00000000000000000000.log"));
        assertTrue(logDump.contains("baseOffset: 0 lastOffset: 2 count: 2") && logDump.contains("compresscodec: lz4"),
                logDump);
        assertTrue(logDump.contains("baseOffset: 3 lastOffset: 3 count: 0") && logDump.contains("producerId: 9"),
                "the producer's last batch, kept empty: " + logDump);
        assertTrue(logDump.contains("| offset: 1 ") && logDump.contains("payload: 1"), logDump);
        assertFalse(logDump.contains("| offset: 0 "), logDump);
        assertTrue(logDump.contains("isvalid: true") && !logDump.contains("isvalid: false"), logDump);
        assertTrue(logDump.contains("deleteHorizonMs: OptionalLong[" + (time.milliseconds() + 86_400_000L) + "]"), logDump);

        assertIndexesMatchTheLog(libs, partition);
    }
}
