package dev.nagare.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

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

/**
 * {@link OffsetIndex#lookup} (binary search of the mapped {@code .index} file to the floor entry) for random offsets
 * of a segment whose index holds {@code entries} entries, 40 offsets apart (about 4 KiB of 100-byte records per entry;
 * 1,310,720 entries fill the default 10 MiB {@code segment.index.bytes}).
 *
 * <p>In package {@code dev.nagare.storage} (a split package on the classpath, bench module only) because the index is
 * package-private to the storage engine. Thread: JMH's single benchmark thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class OffsetIndexBenchmark {
    private static final long BASE = 1_000_000L;
    private static final int OFFSETS_PER_ENTRY = 40;

    @Param({"1000", "1310720"})
    public int entries;

    private Path dir;
    private OffsetIndex index;
    private long[] targets;
    private int next;

    @Setup(Level.Trial)
    public void build() throws IOException {
        dir = Files.createTempDirectory("nagare-jmh-index");
        index = new OffsetIndex(FileNames.indexFile(dir, BASE), BASE, entries * OffsetIndex.ENTRY_SIZE, true);
        for (int i = 0; i < entries; i++) {
            index.append(BASE + (long) (i + 1) * OFFSETS_PER_ENTRY - 1, i * 4096);
        }
        SplittableRandom random = new SplittableRandom(42);
        targets = new long[1 << 16];
        for (int i = 0; i < targets.length; i++) {
            targets[i] = BASE + random.nextLong((long) entries * OFFSETS_PER_ENTRY);
        }
    }

    @TearDown(Level.Trial)
    public void delete() throws IOException {
        index = null;
        LogManager.deleteRecursively(dir);
    }

    @Benchmark
    public int lookup() {
        long target = targets[next++ & (targets.length - 1)];
        return index.lookup(target);
    }
}
