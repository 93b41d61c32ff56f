package dev.nagare.storage;

import static dev.nagare.storage.TestSupport.TP;
import static dev.nagare.storage.TestSupport.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One appender and four readers on one log: every read sees only whole, valid batches, dense offsets, and nothing at
 * or beyond the log end offset it was given.
 */
class ConcurrentAppendAndReadTest {
    @TempDir
    Path dir;

    @Test
    void readersRunningAlongsideAnAppenderSeeOnlyWholeBatchesBelowTheLogEnd() throws Exception {
        FakeTime time = new FakeTime();
        LogConfig config = config(16 * 1024, 512);
        try (LogManager manager = TestSupport.openManager(dir, config, time)) {
            Log log = manager.getOrCreate(TP, config);
            int total = 4000;
            AtomicBoolean done = new AtomicBoolean();
            ExecutorService pool = Executors.newFixedThreadPool(5);
            try {
                List<Future<Long>> readers = new ArrayList<>();
                for (int r = 0; r < 4; r++) {
                    readers.add(pool.submit(() -> {
                        long next = 0;
                        long reads = 0;
                        while (!done.get() || next < log.logEndOffset()) {
                            LogReadInfo info = log.read(next, 4096, true);
                            reads++;
                            for (RecordBatch b : TestSupport.batches(info.slice())) {
                                assertTrue(b.isValid());
                                assertTrue(b.lastOffset() < info.highWatermark(), "batch beyond the high watermark");
                                for (Record rec : b) {
                                    if (rec.offset() >= next) {
                                        assertEquals(next, rec.offset());
                                        assertEquals("v" + next, StandardCharsets.UTF_8.decode(rec.value()).toString());
                                        next++;
                                    }
                                }
                            }
                        }
                        assertEquals(total, next);
                        return reads;
                    }));
                }
                Future<?> appender = pool.submit(() -> {
                    for (int i = 0; i < total; i += 2) {
                        log.append(TestSupport.batch(time.milliseconds(), "v" + i, "v" + (i + 1)), 0);
                    }
                    done.set(true);
                });
                appender.get(60, TimeUnit.SECONDS);
                for (Future<Long> reader : readers) {
                    assertTrue(reader.get(60, TimeUnit.SECONDS) > 0);
                }
            } finally {
                pool.shutdownNow();
            }
            assertTrue(log.segmentCount() > 5);
        }
    }
}
