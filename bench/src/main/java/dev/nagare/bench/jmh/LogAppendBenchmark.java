package dev.nagare.bench.jmh;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.utils.Time;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import dev.nagare.storage.AppendResult;
import dev.nagare.storage.CleanerConfig;
import dev.nagare.storage.Log;
import dev.nagare.storage.LogConfig;
import dev.nagare.storage.LogManager;

/**
 * {@link Log#append} of one prepared, uncompressed batch (as the produce path hands it over: a direct buffer, base
 * offset 0), Kafka's default log config: header checks and CRC, offsets stamped in place, one positional write to
 * the segment file (page cache, no fsync), index entries every 4 KiB. Each iteration writes to a fresh log in a
 * temporary directory, deleted after the iteration (an iteration writes up to a few GB at full speed).
 *
 * <p>Thread: JMH's single benchmark thread (the log's append lock is uncontended).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LogAppendBenchmark {
    /** Bytes of value per record. */
    @Param({"100", "1024"})
    public int recordSize;

    /** Records per batch: 16 KiB batches, the producer's default batch.size. */
    private ByteBuffer batch;
    private Path dir;
    private LogManager manager;
    private Log log;

    @Setup(Level.Trial)
    public void prepareBatch() {
        int records = Math.max(1, 16384 / (recordSize + 20));
        SimpleRecord[] rs = new SimpleRecord[records];
        byte[] value = new byte[recordSize];
        for (int i = 0; i < records; i++) {
            rs[i] = new SimpleRecord(System.currentTimeMillis(), null, value);
        }
        ByteBuffer heap = MemoryRecords.withRecords(Compression.NONE, rs).buffer();
        batch = ByteBuffer.allocateDirect(heap.remaining());
        batch.put(heap).flip();
    }

    @Setup(Level.Iteration)
    public void openLog() throws IOException {
        dir = Files.createTempDirectory("nagare-jmh-append");
        manager = LogManager.open(dir, tp -> LogConfig.defaults(), Time.SYSTEM, 300_000, CleanerConfig.defaults());
        log = manager.getOrCreate(new TopicPartition("bench", 0), LogConfig.defaults());
    }

    @TearDown(Level.Iteration)
    public void deleteLog() throws IOException {
        manager.close();
        LogManager.deleteRecursively(dir);
    }

    @Benchmark
    public AppendResult append() {
        batch.putLong(0, 0L); // the previous append stamped its offsets in place; a producer's batch starts at 0
        return log.append(MemoryRecords.readableRecords(batch.duplicate()), 0);
    }
}
