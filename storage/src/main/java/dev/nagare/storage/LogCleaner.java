package dev.nagare.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Log compaction for the logs whose {@code cleanup.policy} includes {@code compact}: decides which logs need cleaning
 * and when, runs one {@link Compaction} per such log, and remembers, per log, where the part not yet compacted (the
 * <b>dirty</b> part) starts.
 *
 * <h2>When a log is cleaned</h2>
 * The log is divided, oldest first, into the <b>clean</b> part (below the first dirty offset: compacted already), the
 * <b>dirty</b> part, and the <b>uncleanable</b> part, which starts at the first segment that must not be compacted
 * yet: the active segment (never compacted: it takes the appends) or, with {@code min.compaction.lag.ms}, an earlier
 * segment whose newest timestamp is younger than the lag. A log is cleaned when its dirty part is not empty and
 * <ul>
 *   <li>dirty bytes / (clean + dirty bytes) is above {@code min.cleanable.dirty.ratio}, or</li>
 *   <li>the first batch of the dirty part is older than {@code max.compaction.lag.ms} (even below the ratio),</li>
 * </ul>
 * or when a tombstone kept by its previous cleaning has reached its delete horizon (see {@link Compaction}), so that
 * tombstones go without waiting for new data. Logs are cleaned most dirty first, each once per pass. Sizes count
 * whole segments; the segment that holds the first dirty offset counts as dirty.
 *
 * <h2>The checkpoint</h2>
 * After each cleaning the new first dirty offset is written to {@code cleaner-offset-checkpoint} in the log directory
 * (Kafka's name and {@link Checkpoints} format), so a restart does not compact everything again. A log without entry
 * is dirty from its log start offset. Written after the swaps, so a crash can only make it lag behind (some work is
 * redone), never run ahead. The earliest tombstone horizon is kept in memory only: after a restart, tombstones wait for
 * the next cleaning that new data triggers.
 *
 * <h2>Threads</h2>
 * With {@code log.cleaner.threads} N above 1, a pass hands the logs due to N {@code nagare-log-cleaner-N} threads,
 * most dirty first, and waits for them; each cleaning takes a key map of {@code log.cleaner.dedupe.buffer.size / N}
 * bytes (Kafka's split) from a pool of N. With one thread the pass cleans on the calling thread. Unlike Kafka's
 * cleaner threads, which each loop on their own, passes stay whole: a log is cleaned at most once per pass and the
 * next pass starts {@code log.cleaner.backoff.ms} after the slowest cleaning of this one ended.
 *
 * <p>Thread-safe: passes ({@link #runOnce}) are serialized on this object's monitor, which owns the pool of
 * {@link OffsetMap}s and the worker threads; normally the {@code nagare-log-cleaner} thread of {@link LogManager}
 * runs them. A new {@link CleanerConfig} ({@link #reconfigure}, any thread) is taken by the next pass: the maps and
 * threads are then made anew. {@link #forget} and {@link #stop} may be called from any thread; a log's checkpoint
 * entry and tombstone horizon are concurrent maps written under {@link #checkpointLock}, since cleanings of
 * different logs may end at the same time.
 */
final class LogCleaner {
    private static final Logger LOG = LoggerFactory.getLogger(LogCleaner.class);

    /** One log's parts, as measured before a pass. */
    record Assessment(Log log, long firstDirty, long firstUncleanable, long cleanBytes, long dirtyBytes,
                      boolean maxLagPassed, boolean tombstonesDue) {
        double dirtyRatio() {
            long total = cleanBytes + dirtyBytes;
            return total == 0 ? 0 : (double) dirtyBytes / total;
        }

        boolean needsCleaning() {
            return dirtyBytes > 0 && (dirtyRatio() > log.config().cleanup().minCleanableDirtyRatio() || maxLagPassed)
                    || tombstonesDue;
        }
    }

    private final Path checkpointFile;
    private final Time time;
    private volatile CleanerConfig config;
    private final Map<TopicPartition, Long> firstDirty;
    /** The earliest delete horizon of the tombstones each log's last cleaning kept. */
    private final Map<TopicPartition, Long> tombstoneHorizons = new ConcurrentHashMap<>();
    /** Serializes checkpoint writes with {@link #forget}, so a deleted log's entry never comes back. */
    private final Object checkpointLock = new Object();
    private volatile boolean stopping;
    /** The config the maps and workers below were made for; guarded by this. */
    private CleanerConfig poolConfig;
    /** Key maps not in use, at most one per thread, created when first needed; guarded by this between passes. */
    private final BlockingQueue<OffsetMap> maps = new LinkedBlockingQueue<>();
    /** The worker threads when there is more than one; guarded by this. */
    private ExecutorService workers;

    LogCleaner(Path logDir, Time time, CleanerConfig config) {
        this.checkpointFile = logDir.resolve(FileNames.CLEANER_CHECKPOINT);
        this.time = time;
        this.config = config;
        this.firstDirty = new ConcurrentHashMap<>(Checkpoints.read(checkpointFile));
    }

    CleanerConfig config() {
        return config;
    }

    /** Takes effect at the next pass (see the class comment). Any thread. */
    void reconfigure(CleanerConfig newConfig) {
        config = newConfig;
    }

    /**
     * Cleans every compacted log that needs it (see the class comment), most dirty first; returns what it did. A log
     * whose cleaning fails does not stop the others; the first failure is thrown at the end of the pass.
     */
    synchronized List<CleaningResult> runOnce(Collection<Log> logs) {
        long now = time.milliseconds();
        KafkaStorageException failure = null;
        List<Assessment> due = new ArrayList<>();
        for (Log log : logs) {
            try {
                if (log.config().cleanup().compact() && !log.isClosed()) {
                    Assessment a = assess(log, now);
                    if (a.needsCleaning()) {
                        due.add(a);
                    }
                }
            } catch (KafkaStorageException e) {
                LOG.error("Cannot assess {} for cleaning", log.topicPartition(), e);
                failure = failure == null ? e : failure;
            }
        }
        due.sort(Comparator.comparingDouble(Assessment::dirtyRatio).reversed());
        preparePool();
        List<Future<CleaningResult>> cleanings = new ArrayList<>();
        for (Assessment a : due) {
            cleanings.add(workers == null ? CompletableFuture.completedFuture(cleanQuietly(a)) : workers.submit(() -> cleanQuietly(a)));
        }
        List<CleaningResult> results = new ArrayList<>();
        for (int i = 0; i < cleanings.size(); i++) {
            try {
                CleaningResult r = cleanings.get(i).get();
                if (r != null) {
                    results.add(r);
                }
            } catch (ExecutionException e) {
                LOG.error("Cleaning of {} failed", due.get(i).log().topicPartition(), e.getCause());
                if (failure == null) {
                    failure = e.getCause() instanceof KafkaStorageException k ? k
                            : new KafkaStorageException("Cleaning of " + due.get(i).log().topicPartition() + " failed", e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopping = true;
            }
        }
        if (failure != null) {
            throw failure;
        }
        return results;
    }

    /** Measures the clean, dirty and uncleanable parts of one log. */
    Assessment assess(Log log, long now) {
        CleanupPolicy policy = log.config().cleanup();
        long activeBase = log.activeSegmentBaseOffset();
        List<LogSegment> inactive = new ArrayList<>();
        for (LogSegment s : log.inactiveSegments()) {
            if (s.baseOffset < activeBase) {
                inactive.add(s);
            }
        }
        long start = log.logStartOffset();
        long dirtyFrom = Math.min(Math.max(firstDirty.getOrDefault(log.topicPartition(), start), start), activeBase);
        long uncleanable = activeBase;
        long clean = 0;
        long dirty = 0;
        long firstDirtyBatchTimestamp = -1;
        try {
            for (int i = 0; i < inactive.size(); i++) {
                LogSegment s = inactive.get(i);
                long segmentEnd = i + 1 < inactive.size() ? inactive.get(i + 1).baseOffset : activeBase;
                if (segmentEnd <= dirtyFrom) {
                    clean += s.size();
                    continue;
                }
                if (policy.minCompactionLagMs() > 0 && s.largestTimestamp() > now - policy.minCompactionLagMs()) {
                    uncleanable = s.baseOffset;
                    break;
                }
                if (dirty == 0 && policy.maxCompactionLagMs() < Long.MAX_VALUE) {
                    firstDirtyBatchTimestamp = s.firstBatchTimestamp();
                }
                dirty += s.size();
            }
        } catch (IOException e) {
            throw new KafkaStorageException("Cannot read " + log.topicPartition() + " to decide on its cleaning", e);
        }
        boolean maxLagPassed = policy.maxCompactionLagMs() < Long.MAX_VALUE && firstDirtyBatchTimestamp >= 0
                && now - firstDirtyBatchTimestamp > policy.maxCompactionLagMs();
        Long horizon = tombstoneHorizons.get(log.topicPartition());
        return new Assessment(log, dirtyFrom, Math.max(uncleanable, dirtyFrom), clean, dirty, maxLagPassed,
                horizon != null && horizon <= now);
    }

    /**
     * Under this object's monitor: the maps and worker threads for the current config, made anew when it changed
     * since the last pass.
     */
    private void preparePool() {
        CleanerConfig c = config;
        if (c.equals(poolConfig)) {
            return;
        }
        if (poolConfig != null) {
            LOG.info("Log cleaner reconfigured: {} thread(s), {} bytes of key map each, {} ms between passes",
                    c.threads(), c.dedupeBytesPerThread(), c.backoffMs());
        }
        maps.clear();
        shutdownWorkers();
        if (c.threads() > 1) {
            AtomicInteger n = new AtomicInteger();
            workers = Executors.newFixedThreadPool(c.threads(), r -> {
                Thread t = new Thread(r, "nagare-log-cleaner-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
        poolConfig = c;
    }

    private void shutdownWorkers() {
        if (workers != null) {
            workers.shutdown();
            workers = null;
        }
    }

    /** One cleaning with a key map of the pool; null when skipped because the cleaner is stopping. */
    private CleaningResult cleanQuietly(Assessment a) {
        if (stopping) {
            return null;
        }
        OffsetMap map = maps.poll();
        if (map == null) {
            map = new OffsetMap(poolConfig.dedupeBytesPerThread());
        }
        try {
            return clean(a, map);
        } finally {
            maps.offer(map);
        }
    }

    /** One cleaning; null when it was aborted (log closed or deleted, cleaner stopping). */
    private CleaningResult clean(Assessment a, OffsetMap map) {
        Log log = a.log();
        TopicPartition tp = log.topicPartition();
        long started = time.milliseconds();
        Compaction compaction = new Compaction(log, map, a.firstDirty(), a.firstUncleanable(), started, () -> stopping);
        try {
            CleaningResult r = compaction.run();
            OptionalLong horizon = compaction.earliestTombstoneHorizon();
            synchronized (checkpointLock) {
                if (!log.isClosed()) {
                    if (horizon.isPresent()) {
                        tombstoneHorizons.put(tp, horizon.getAsLong());
                    } else {
                        tombstoneHorizons.remove(tp);
                    }
                    firstDirty.put(tp, r.cleanedUpTo());
                    writeCheckpoint();
                }
            }
            LOG.info("Cleaned {} up to offset {} (dirty from {}): {} of {} records kept; read {} segments ({} bytes), "
                    + "wrote {} ({} bytes); {} ms", tp, r.cleanedUpTo(), a.firstDirty(), r.recordsKept(),
                    r.recordsRead(), r.segmentsRead(), r.bytesRead(), r.segmentsWritten(), r.bytesWritten(),
                    time.milliseconds() - started);
            return r;
        } catch (Compaction.Aborted e) {
            LOG.info("Cleaning of {} stopped: {}", tp, e.getMessage());
            return null;
        } catch (IOException e) {
            if (log.isClosed()) {
                return null;
            }
            throw new KafkaStorageException("Cleaning of " + tp + " failed", e);
        } catch (KafkaStorageException e) {
            if (log.isClosed()) {
                return null;
            }
            throw e;
        }
    }

    /** These logs are deleted: their entries leave the checkpoint, written once for all of them. Any thread. */
    void forget(Collection<TopicPartition> tps) {
        synchronized (checkpointLock) {
            boolean listed = false;
            for (TopicPartition tp : tps) {
                tombstoneHorizons.remove(tp);
                listed |= firstDirty.remove(tp) != null;
            }
            if (listed) {
                writeCheckpoint();
            }
        }
    }

    /** Makes a pass in progress stop at its next batch read; later passes do nothing. Any thread. */
    void stop() {
        stopping = true;
    }

    /** Ends the worker threads; after {@link #stop} and once no pass runs any more. */
    synchronized void close() {
        shutdownWorkers();
    }

    /** Under {@link #checkpointLock}. */
    private void writeCheckpoint() {
        try {
            Checkpoints.write(checkpointFile, new HashMap<>(firstDirty));
        } catch (IOException e) {
            throw new KafkaStorageException("Cannot write " + checkpointFile, e);
        }
    }
}
