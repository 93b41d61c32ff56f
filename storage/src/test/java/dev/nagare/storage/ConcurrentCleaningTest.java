package dev.nagare.storage;

import static dev.nagare.storage.TestSupport.TP;
import static dev.nagare.storage.TestSupport.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One appender, two readers and the cleaner on one compacted log at the same time: appends are never refused, reads
 * see only valid batches in offset order, each record still holds what was written at its offset, and a read never
 * misses the newest record of a key.
 */
class ConcurrentCleaningTest {
    static final int KEYS = 50;

    @TempDir
    Path dir;

    /**
     * Reads from the log start up to the log end (as it moves meanwhile) and checks what it reads: the record at offset
     * i is key {@code k<i % KEYS>}, value i. Returns the highest offset seen per key.
     */
    static long[] scan(Log log) throws Exception {
        long[] newest = new long[KEYS];
        Arrays.fill(newest, -1);
        long next = log.logStartOffset();
        long last = -1;
        while (next < log.logEndOffset()) {
            List<RecordBatch> batches = TestSupport.batches(log.read(next, 4096, true).slice());
            assertTrue(!batches.isEmpty(), "nothing at or after " + next);
            for (RecordBatch b : batches) {
                assertTrue(b.isValid());
                for (Record r : b) {
                    assertTrue(r.offset() > last, "offsets go up");
                    last = r.offset();
                    assertEquals("k" + r.offset() % KEYS, StandardCharsets.UTF_8.decode(r.key()).toString());
                    assertEquals(String.valueOf(r.offset()), StandardCharsets.UTF_8.decode(r.value()).toString());
                    newest[(int) (r.offset() % KEYS)] = r.offset();
                }
                next = b.nextOffset();
            }
        }
        return newest;
    }

    /**
     * Every key's newest record below {@code upTo} must have been seen, or a newer one: a cleaning removes a record only
     * for a newer one of its key, which a scan that goes on to the log end reaches.
     */
    static void assertNothingNewestMissed(long[] newest, long upTo) {
        for (int k = 0; k < KEYS && k < upTo; k++) {
            long expected = upTo - 1 - Math.floorMod(upTo - 1 - k, KEYS);
            assertTrue(newest[k] >= expected, "key k" + k + ": saw " + newest[k] + ", newest below " + upTo + " is "
                    + expected);
        }
    }

    @Test
    void readersAndAnAppenderRunningAlongsideTheCleanerNeverMissTheNewestRecordOfAKey() throws Exception {
        FakeTime time = new FakeTime();
        LogConfig config = config(2048, 256).withCleanup(new CleanupPolicy(true, false, 86_400_000L, 0, Long.MAX_VALUE, 0));
        try (LogManager manager = TestSupport.openManager(dir, config, time)) {
            Log log = manager.getOrCreate(TP, config);
            int total = 3000;
            AtomicBoolean done = new AtomicBoolean();
            Semaphore scans = new Semaphore(0); // a scan per reader every 100 appends, so readers do not starve the rest
            ExecutorService pool = Executors.newFixedThreadPool(3);
            try {
                List<Future<Integer>> readers = new ArrayList<>();
                for (int r = 0; r < 2; r++) {
                    readers.add(pool.submit(() -> {
                        int scanned = 0;
                        while (true) {
                            scans.acquire();
                            if (done.get()) {
                                return scanned;
                            }
                            long upTo = log.logEndOffset();
                            assertNothingNewestMissed(scan(log), upTo);
                            scanned++;
                        }
                    }));
                }
                Future<?> appender = pool.submit(() -> {
                    for (int i = 0; i < total; i++) {
                        log.append(TestSupport.keyed(time.milliseconds(), "k" + i % KEYS + "=" + i), 0);
                        if (i % 100 == 99) {
                            scans.release(2);
                        }
                    }
                    done.set(true);
                    scans.release(2);
                });
                int cleanings = 0;
                while (!done.get()) {
                    cleanings += manager.runCleaner().size();
                }
                appender.get(60, TimeUnit.SECONDS);
                for (Future<Integer> reader : readers) {
                    assertTrue(reader.get(60, TimeUnit.SECONDS) > 0);
                }
                assertTrue(cleanings >= 3, "cleanings ran while appending: " + cleanings);
            } finally {
                pool.shutdownNow();
            }
            manager.runCleaner();
            assertEquals(total, log.logEndOffset());
            assertNothingNewestMissed(scan(log), total);
        }
    }
}
