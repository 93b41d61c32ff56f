package dev.nagare.storage;

import static dev.nagare.storage.TestSupport.MANUAL_CLEANING;
import static dev.nagare.storage.TestSupport.NO_BACKGROUND_RETENTION;
import static dev.nagare.storage.TestSupport.TP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The group-commit flusher tells its listener about every fsync it runs, with its partition and duration. */
class FsyncListenerTest {

    private record Fsync(TopicPartition partition, long nanos, boolean failed) {
    }

    @TempDir
    Path dir;

    @Test
    void eachGroupCommitFsyncIsReportedOnceWithItsPartition() throws Exception {
        List<Fsync> seen = new CopyOnWriteArrayList<>();
        LogConfig config = TestSupport.config(1024 * 1024, 4096);
        try (LogManager logs = LogManager.open(dir, tp -> config, new FakeTime(), NO_BACKGROUND_RETENTION,
                MANUAL_CLEANING, (tp, nanos, failed) -> seen.add(new Fsync(tp, nanos, failed)))) {
            Log log = logs.getOrCreate(TP, config);
            log.append(TestSupport.batch(1000L, "a"), 0);
            logs.flushAsync(log).get(10, TimeUnit.SECONDS);
            assertEquals(1, seen.size());
            assertEquals(TP, seen.get(0).partition());
            assertEquals(false, seen.get(0).failed());
            assertTrue(seen.get(0).nanos() >= 0);
        }
    }
}
