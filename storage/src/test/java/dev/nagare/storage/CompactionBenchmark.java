package dev.nagare.storage;

import static dev.nagare.storage.TestSupport.TP;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;

/**
 * Not a test: measures how long one cleaning of a fully dirty log takes (by default 1,000,000 records of 100-byte
 * values over 10,000 keys, 10 records per uncompressed batch, 100 MiB segments, as {@code __consumer_offsets} has),
 * a few times in a row in one JVM, each on a fresh log in a temporary directory. Run from the repository root:
 * <pre>
 * mvn -B -q -pl storage test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-cp.txt
 * java -Xmx512m -cp storage/target/classes:storage/target/test-classes:$(cat storage/target/bench-cp.txt) \
 *     dev.nagare.storage.CompactionBenchmark [records] [keys] [recordsPerBatch] [valueBytes] [codec] [runs]
 * </pre>
 * Appending is not timed; the figure is {@link LogManager#runCleaner()} alone, files in the page cache.
 */
final class CompactionBenchmark {
    private CompactionBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int keys = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int perBatch = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        int valueBytes = args.length > 3 ? Integer.parseInt(args[3]) : 100;
        Compression codec = args.length > 4 ? Compression.of(args[4]).build() : Compression.NONE;
        int runs = args.length > 5 ? Integer.parseInt(args[5]) : 3;
        System.out.printf("%d records, %d keys, %d records per batch, %d-byte values, %s%n", records, keys, perBatch,
                valueBytes, codec.type().name);
        for (int run = 1; run <= runs; run++) {
            Path dir = Files.createTempDirectory("nagare-compaction-bench");
            try {
                runOnce(dir, run, records, keys, perBatch, valueBytes, codec);
            } finally {
                try (Stream<Path> files = Files.walk(dir)) {
                    for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(f);
                    }
                }
            }
        }
    }

    private static void runOnce(Path dir, int run, int records, int keys, int perBatch, int valueBytes,
                                Compression codec) {
        FakeTime time = new FakeTime();
        LogConfig d = LogConfig.defaults();
        LogConfig config = TestSupport.compacted(new LogConfig(100 * 1024 * 1024, d.segmentMs(), -1, -1,
                d.indexIntervalBytes(), d.segmentIndexBytes(), d.maxMessageBytes(), d.timestampType(),
                d.timestampBeforeMaxMs(), d.timestampAfterMaxMs(), d.flushIntervalMessages(), d.fileDeleteDelayMs()),
                false);
        try (LogManager manager = TestSupport.openManager(dir, config, time)) {
            Log log = manager.getOrCreate(TP, config);
            Random random = new Random(run);
            byte[] value = new byte[valueBytes];
            Arrays.fill(value, (byte) 'v');
            for (int i = 0; i < records; i += perBatch) {
                SimpleRecord[] batch = new SimpleRecord[Math.min(perBatch, records - i)];
                for (int j = 0; j < batch.length; j++) {
                    byte[] key = ("key-" + random.nextInt(keys)).getBytes(StandardCharsets.UTF_8);
                    batch[j] = new SimpleRecord(time.milliseconds(), key, value);
                }
                log.append(MemoryRecords.withRecords(codec, batch), 0);
            }
            log.roll();
            long bytes = log.size();
            long start = System.nanoTime();
            List<CleaningResult> results = manager.runCleaner();
            long ms = (System.nanoTime() - start) / 1_000_000;
            CleaningResult r = results.get(0);
            System.out.printf("run %d: cleaned %,d records (%,d bytes in %d segments) in %,d ms: %,.0f records/s, "
                            + "%.1f MB/s; kept %,d records, %,d bytes in %d segments%n", run, r.recordsRead(), bytes,
                    r.segmentsRead(), ms, r.recordsRead() * 1000.0 / Math.max(1, ms), bytes / 1e3 / Math.max(1, ms),
                    r.recordsKept(), r.bytesWritten(), log.segmentCount() - 1);
        }
    }
}
