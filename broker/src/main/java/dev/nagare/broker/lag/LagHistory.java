package dev.nagare.broker.lag;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.nagare.broker.lag.LagHistoryFile.SeriesKey;
import dev.nagare.storage.AtomicFile;

/**
 * Every group's lag per topic over the last 24 hours at 10-second resolution ({@link LagSample}), kept in memory and
 * in {@code <log.dir>/.nagare-metadata/lag-history/}, so a restart keeps it.
 *
 * <h2>Representation</h2>
 * A series (one group × topic) is a run of hour blocks ({@link SampleBlock}), each the delta-of-delta varint encoding
 * of its samples. Block {@code b} holds steps {@code [b × 360, b × 360 + 360)}; a step is {@code floor(ms / 10,000)}
 * of broker time and holds at most one sample (the first taken in it). A block older than the window
 * ({@code (b + 1) × 360 ≤ step now − 8,640}) is dropped, so a series spans at most {@value #MAX_BLOCKS} blocks: the
 * last 24 hours always, up to 25. A series whose group or topic is gone (no sample any more) therefore disappears
 * 24–25 hours after its last sample.
 *
 * <h2>Bounds</h2>
 * Memory per series: at most 25 × 360 samples × {@value SampleBlock#MAX_SAMPLE_BYTES} bytes = 477,000 bytes in
 * the impossible worst case (every value changing its rate by ≥ 2^56 every 10 s); 9,000 bytes (1 byte a sample)
 * for an idle group, whose values are constant or grow at a constant rate; about 10–20 bytes a sample
 * (90–180 KB a series) for a busy one — {@link #retainedBytes()} tells the truth at run time. For 100 groups × 10
 * topics: 9 MB idle, 90–180 MB busy, 477 MB worst case, plus about 100 bytes of bookkeeping a block. (Fixed-width
 * rings of 8,640 × 5 longs would take 346 MB whatever the traffic.)
 *
 * <p>Disk: one {@link LagHistoryFile} per hour block, at most 26 files (25 kept plus one in flight), each the
 * encoded bytes of that hour plus about 50 bytes a series; the same bound as memory. {@link #write} rewrites only the
 * blocks that changed since the last write — every minute, the current hour — and deletes files that left the
 * window. A file that cannot be read at start-up is skipped with a warning: history is an aid, not a reason to
 * refuse to start.
 *
 * <p>Thread-safe: the series are guarded by this object's lock ({@link #write} holds it to encode, not to write
 * the files); the sampler thread records, any thread reads.
 */
public final class LagHistory {

    private static final Logger log = LoggerFactory.getLogger(LagHistory.class);

    /** The resolution: one sample per group × topic per 10 seconds. */
    public static final long STEP_MS = 10_000;
    /** The window kept: 24 hours of steps. */
    public static final int WINDOW_STEPS = 8_640;
    /** Hour blocks a series spans at most: the window reaches into 25 of them. */
    static final int MAX_BLOCKS = WINDOW_STEPS / SampleBlock.STEPS + 1;

    /** Guarded by this; each deque in block order, oldest first. */
    private final Map<SeriesKey, ArrayDeque<SampleBlock>> series = new HashMap<>();
    /** Block indexes changed since the last {@link #write}; guarded by this. */
    private final SortedSet<Long> dirty = new TreeSet<>();
    /** The latest step recorded or loaded for; guarded by this. */
    private long nowStep = Long.MIN_VALUE;

    /**
     * Records one evaluation of every group: per topic, the sums and maxima of its partitions. A series that already
     * has a sample in this step keeps it.
     */
    public synchronized void record(List<GroupLag> groups, long nowMs) {
        long step = Math.floorDiv(nowMs, STEP_MS);
        for (GroupLag g : groups) {
            TreeMap<String, long[]> byTopic = new TreeMap<>();
            for (PartitionLag p : g.partitions()) {
                long[] v = byTopic.computeIfAbsent(p.topic(), t -> new long[LagSample.COLUMNS]);
                v[0] += p.offsetLag();
                v[1] = Math.max(v[1], p.offsetLag());
                v[2] = Math.max(v[2], p.timeLagMs());
                v[3] += p.committedOffset();
                v[4] += p.logEndOffset();
            }
            byTopic.forEach((topic, v) -> append(new SeriesKey(g.group(), topic), step, v));
        }
        advanceTo(step);
    }

    private void append(SeriesKey key, long step, long[] values) {
        ArrayDeque<SampleBlock> blocks = series.computeIfAbsent(key, k -> new ArrayDeque<>());
        SampleBlock last = blocks.peekLast();
        if (last != null && step <= last.lastStep()) {
            return;
        }
        long index = Math.floorDiv(step, SampleBlock.STEPS);
        if (last == null || last.index() != index) {
            if (last != null) {
                last.seal();
            }
            last = new SampleBlock(index);
            blocks.addLast(last);
        }
        last.append(step, values);
        dirty.add(index);
    }

    /** Drops what left the window as of {@code step}. */
    private void advanceTo(long step) {
        nowStep = Math.max(nowStep, step);
        long oldest = oldestBlock(nowStep);
        long current = Math.floorDiv(nowStep, SampleBlock.STEPS);
        series.values().removeIf(blocks -> {
            while (!blocks.isEmpty() && blocks.peekFirst().index() < oldest) {
                blocks.removeFirst();
            }
            SampleBlock last = blocks.peekLast();
            if (last != null && last.index() < current) {
                last.seal();
            }
            return blocks.isEmpty();
        });
        dirty.headSet(oldest).clear();
    }

    private static long oldestBlock(long step) {
        return Math.floorDiv(step - WINDOW_STEPS, SampleBlock.STEPS);
    }

    /** The samples of a group on a topic taken in {@code [fromMs, toMs]}, oldest first; empty if none. */
    public synchronized List<LagSample> samples(String group, String topic, long fromMs, long toMs) {
        ArrayDeque<SampleBlock> blocks = series.get(new SeriesKey(group, topic));
        if (blocks == null) {
            return List.of();
        }
        List<LagSample> result = new ArrayList<>();
        for (SampleBlock b : blocks) {
            long blockStartMs = b.firstStep() * STEP_MS;
            if (blockStartMs > toMs || blockStartMs + SampleBlock.STEPS * STEP_MS <= fromMs) {
                continue;
            }
            b.forEach((step, values) -> {
                long ms = step * STEP_MS;
                if (ms >= fromMs && ms <= toMs) {
                    result.add(LagSample.of(ms, values));
                }
            });
        }
        return result;
    }

    /** Every group with history, and the topics it has history on, sorted. */
    public synchronized SortedMap<String, SortedSet<String>> series() {
        SortedMap<String, SortedSet<String>> result = new TreeMap<>();
        for (SeriesKey k : series.keySet()) {
            result.computeIfAbsent(k.group(), g -> new TreeSet<>()).add(k.topic());
        }
        return result;
    }

    /** The bytes the samples occupy in memory (encoded samples and buffer slack, not the bookkeeping objects). */
    public synchronized long retainedBytes() {
        long sum = 0;
        for (ArrayDeque<SampleBlock> blocks : series.values()) {
            for (SampleBlock b : blocks) {
                sum += b.retainedBytes();
            }
        }
        return sum;
    }

    /**
     * Writes the hour blocks changed since the last write into {@code dir} (created if missing), each file replaced
     * atomically, and deletes the files that left the window. After a failure the same blocks are written next time.
     */
    public void write(Path dir) throws IOException {
        Map<Long, byte[]> files = new TreeMap<>();
        long oldest;
        synchronized (this) {
            for (long index : dirty) {
                Map<SeriesKey, SampleBlock> blocks = new HashMap<>();
                series.forEach((key, deque) -> {
                    for (SampleBlock b : deque) {
                        if (b.index() == index) {
                            blocks.put(key, b);
                        }
                    }
                });
                files.put(index, LagHistoryFile.encode(index, blocks));
            }
            dirty.clear();
            oldest = oldestBlock(nowStep);
        }
        try {
            Files.createDirectories(dir);
            for (Map.Entry<Long, byte[]> f : files.entrySet()) {
                AtomicFile.write(dir.resolve(LagHistoryFile.name(f.getKey())), f.getValue());
            }
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                for (Path p : entries) {
                    long index = LagHistoryFile.blockIndexOf(p.getFileName().toString());
                    if (index >= 0 && index < oldest) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            synchronized (this) {
                dirty.addAll(files.keySet());
            }
            throw e;
        }
    }

    /** The history stored in {@code dir} (empty if there is none), as of broker time {@code nowMs}. */
    public static LagHistory read(Path dir, long nowMs) throws IOException {
        LagHistory history = new LagHistory();
        TreeMap<Long, Path> files = new TreeMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                long index = LagHistoryFile.blockIndexOf(p.getFileName().toString());
                if (index >= 0) {
                    files.put(index, p);
                }
            }
        } catch (NoSuchFileException e) {
            return history;
        }
        long nowStep = Math.floorDiv(nowMs, STEP_MS);
        for (Map.Entry<Long, Path> f : files.tailMap(oldestBlock(nowStep)).entrySet()) {
            LagHistoryFile.Content content;
            try {
                content = LagHistoryFile.decode(Files.readAllBytes(f.getValue()));
            } catch (IllegalArgumentException e) {
                log.warn("Skipping lag history file {}: {}", f.getValue(), e.getMessage());
                continue;
            }
            if (content.blockIndex() != f.getKey()) {
                log.warn("Skipping lag history file {}: it holds block {}", f.getValue(), content.blockIndex());
                continue;
            }
            content.blocks().forEach((key, block) ->
                    history.series.computeIfAbsent(key, k -> new ArrayDeque<>()).addLast(block));
        }
        synchronized (history) {
            history.series.replaceAll((key, blocks) -> {
                SampleBlock last = blocks.removeLast();
                blocks.addLast(SampleBlock.decoded(last.index(), last.encoded(), last.count()));
                return blocks;
            });
            history.advanceTo(nowStep);
        }
        return history;
    }
}
