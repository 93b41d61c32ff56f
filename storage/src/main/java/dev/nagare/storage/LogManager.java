package dev.nagare.storage;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns every {@link Log} in the broker's log directory: opens (and after a crash, recovers) them at start-up,
 * creates and deletes them, runs retention, checkpoints recovery points and log start offsets, fsyncs with group
 * commit, and writes the clean-shutdown marker on {@link #close()}. See {@link FileNames} for the directory layout.
 *
 * <p>Thread-safe: the logs are in a concurrent map; checkpoint writes are serialized on a checkpoint lock. Runs
 * threads of its own: {@code nagare-log-maintenance} (retention every {@code log.retention.check.interval.ms},
 * checkpoints every {@value #CHECKPOINT_INTERVAL_MS} ms and whenever a log start offset moved, delayed file
 * deletion checked every {@value #DELETE_CHECK_INTERVAL_MS} ms), {@code nagare-log-flusher-N} (group commit, a few
 * threads started on demand, see {@link GroupCommitFlusher}) and, unless {@code log.cleaner.enable=false},
 * {@code nagare-log-cleaner} (a compaction pass every {@code log.cleaner.backoff.ms}, see {@link LogCleaner}). The
 * threads are scheduled on the wall clock; what they decide (is a segment expired, is a deletion due, is a log dirty
 * enough) uses the injected {@link Time}, so tests drive them with a fake clock through {@link #runRetention()},
 * {@link #runPendingDeletions()} and {@link #runCleaner()}.
 */
public final class LogManager implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(LogManager.class);
    /** Kafka's {@code log.flush.offset.checkpoint.interval.ms} default. */
    static final long CHECKPOINT_INTERVAL_MS = 60_000;
    /** How late a delayed deletion may run: small against {@code file.delete.delay.ms} (60 s by default). */
    static final long DELETE_CHECK_INTERVAL_MS = 1_000;

    private final Path logDir;
    private final Time time;
    private final boolean recoveredCleanly;
    private final ConcurrentHashMap<TopicPartition, Log> logs = new ConcurrentHashMap<>();
    private final SegmentDeleter deleter;
    private final GroupCommitFlusher flusher;
    private final ScheduledExecutorService maintenance;
    private final LogCleaner cleaner;
    private final ScheduledExecutorService cleanerThread;
    /** Which scheduled pass of the cleaner thread is the current one; guarded by this. */
    private long cleanerGeneration;
    /** True while the cleaner thread runs a pass (which schedules the next itself); guarded by this. */
    private boolean cleanerPassRunning;
    private final Object checkpointLock = new Object();
    private final LogHooks hooks;
    private volatile boolean closed;

    private LogManager(Path logDir, Time time, boolean recoveredCleanly, CleanerConfig cleanerConfig,
                       FsyncListener fsyncListener) {
        this.logDir = logDir;
        this.time = time;
        this.recoveredCleanly = recoveredCleanly;
        this.deleter = new SegmentDeleter(time);
        this.flusher = new GroupCommitFlusher(fsyncListener);
        this.maintenance = singleThread("nagare-log-maintenance");
        this.cleaner = new LogCleaner(logDir, time, cleanerConfig);
        this.cleanerThread = singleThread("nagare-log-cleaner");
        this.hooks = new LogHooks() {
            @Override
            public void segmentRolled(Log log) {
                flushAsync(log);
            }

            @Override
            public void deleteLater(long delayMs, String what, SegmentDeleter.Action action) {
                deleter.schedule(delayMs, what, action);
            }

            @Override
            public void logStartOffsetMoved(Log log) {
                if (!closed) {
                    maintenance.execute(() -> safely("checkpoint", LogManager.this::writeCheckpoints));
                }
            }
        };
    }

    /**
     * One daemon thread for scheduled work. Delayed tasks not yet due are dropped at shutdown (the executor's default
     * would run them first: close waited out the cleaner's next pass, up to {@code log.cleaner.backoff.ms}).
     */
    private static ScheduledExecutorService singleThread(String name) {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        return executor;
    }

    /**
     * Opens the log directory (creating it), loading every partition directory found in it with the config that
     * {@code configFor} gives for its partition. After a clean shutdown (the {@code .nagare_clean_shutdown} marker is
     * present; it is deleted now) the segments are trusted and nothing is scanned; otherwise every segment from the
     * partition's recovery point on is scanned, its torn or corrupt tail truncated and its indexes rebuilt, and
     * producer state is restored from the newest snapshot plus the batch headers after it. Directories of deleted
     * partitions ({@code -delete}) are removed in the background.
     *
     * @param retentionCheckIntervalMs how often retention runs ({@code log.retention.check.interval.ms})
     * @param cleaner                  the {@code log.cleaner.*} settings of compaction
     * @throws KafkaStorageException the directory cannot be read or written
     */
    public static LogManager open(Path logDir, Function<TopicPartition, LogConfig> configFor, Time time,
                                  long retentionCheckIntervalMs, CleanerConfig cleaner) {
        return open(logDir, configFor, time, retentionCheckIntervalMs, cleaner, FsyncListener.NONE);
    }

    /** As {@link #open(Path, Function, Time, long, CleanerConfig)}, telling {@code fsyncs} the time of each fsync. */
    public static LogManager open(Path logDir, Function<TopicPartition, LogConfig> configFor, Time time,
                                  long retentionCheckIntervalMs, CleanerConfig cleaner, FsyncListener fsyncs) {
        try {
            Files.createDirectories(logDir);
            Path marker = logDir.resolve(FileNames.CLEAN_SHUTDOWN_MARKER);
            boolean clean = Files.exists(marker);
            LogManager m = new LogManager(logDir, time, clean, cleaner, fsyncs);
            Map<TopicPartition, Long> recoveryPoints = Checkpoints.read(logDir.resolve(FileNames.RECOVERY_POINT_CHECKPOINT));
            Map<TopicPartition, Long> startOffsets = Checkpoints.read(logDir.resolve(FileNames.LOG_START_CHECKPOINT));
            List<Runnable> loads = new ArrayList<>();
            try (Stream<Path> dirs = Files.list(logDir)) {
                for (Path d : (Iterable<Path>) dirs::iterator) {
                    if (!Files.isDirectory(d)) {
                        continue;
                    }
                    String name = d.getFileName().toString();
                    if (name.endsWith(FileNames.DIR_DELETE_SUFFIX)) {
                        m.deleter.schedule(0, d.toString(), () -> deleteRecursively(d));
                        continue;
                    }
                    TopicPartition tp = FileNames.parseDirName(name);
                    if (tp == null) {
                        if (name.startsWith(".")) {
                            continue; // a hidden directory that is no partition belongs to others (broker metadata)
                        }
                        LOG.warn("Ignoring {}: not a partition directory", d);
                        continue;
                    }
                    long recoveryPoint = recoveryPoints.getOrDefault(tp, -1L);
                    long startOffset = startOffsets.getOrDefault(tp, -1L);
                    loads.add(() -> m.logs.put(tp, LogRecovery.load(tp, d, configFor.apply(tp), time, m.hooks, clean,
                            recoveryPoint, startOffset)));
                }
            }
            runInParallel(loads, "nagare-log-loader");
            Files.deleteIfExists(marker);
            m.writeCheckpoints();
            m.start(retentionCheckIntervalMs);
            return m;
        } catch (IOException e) {
            throw new KafkaStorageException("Cannot open log directory " + logDir, e);
        }
    }

    /**
     * Runs one task per partition on one thread per core: loading a partition is a dozen small system calls (listing,
     * opening, reading index tails and snapshots) and, after a crash, a scan of its tail; closing one is a few fsyncs
     * and a snapshot. With 1,000 partitions those waits add up on one thread. Each task touches only its own
     * partition's files. The first failure is rethrown once all have ended.
     */
    private static void runInParallel(List<Runnable> loads, String threadName) {
        int threads = Math.min(loads.size(), Runtime.getRuntime().availableProcessors());
        if (threads <= 1) {
            loads.forEach(Runnable::run);
            return;
        }
        AtomicInteger n = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, threadName + "-" + n.getAndIncrement());
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>(loads.size());
            for (Runnable load : loads) {
                futures.add(pool.submit(load));
            }
            RuntimeException first = null;
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    if (first == null) {
                        first = e.getCause() instanceof RuntimeException re ? re
                                : new KafkaStorageException("Loading a partition failed", e.getCause());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new KafkaStorageException("Interrupted while loading the logs", e);
                }
            }
            if (first != null) {
                throw first;
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private void start(long retentionCheckIntervalMs) {
        long interval = Math.max(1, retentionCheckIntervalMs);
        maintenance.scheduleWithFixedDelay(() -> safely("retention", this::runRetention), interval, interval,
                TimeUnit.MILLISECONDS);
        maintenance.scheduleWithFixedDelay(() -> safely("checkpoint", this::writeCheckpoints), CHECKPOINT_INTERVAL_MS,
                CHECKPOINT_INTERVAL_MS, TimeUnit.MILLISECONDS);
        maintenance.scheduleWithFixedDelay(() -> safely("file deletion", deleter::runDue), DELETE_CHECK_INTERVAL_MS,
                DELETE_CHECK_INTERVAL_MS, TimeUnit.MILLISECONDS);
        if (cleaner.config().enabled()) {
            scheduleCleaner(cleaner.config().backoffMs());
        }
    }

    /**
     * The next pass of the cleaner thread, {@code backoffMs} from now; each pass schedules the one after it. A pass
     * scheduled before the latest call finds its generation outdated and does nothing.
     */
    private synchronized void scheduleCleaner(long backoffMs) {
        if (closed) {
            return;
        }
        long generation = ++cleanerGeneration;
        cleanerThread.schedule(() -> cleanerPass(generation), Math.max(1, backoffMs), TimeUnit.MILLISECONDS);
    }

    private void cleanerPass(long generation) {
        synchronized (this) {
            if (generation != cleanerGeneration) {
                return;
            }
            cleanerPassRunning = true;
        }
        try {
            safely("cleaner", this::runCleaner);
        } finally {
            synchronized (this) {
                cleanerPassRunning = false;
                scheduleCleaner(cleaner.config().backoffMs());
            }
        }
    }

    /**
     * Applies new {@code log.cleaner.*} settings at run time, as Kafka's dynamic broker configs do: a new backoff at
     * once (the pass now waiting is rescheduled from now), a new key-map size or thread count from the next pass on
     * (see {@link LogCleaner}). Whether the cleaner thread runs ({@code enabled}) is fixed at start, as in Kafka.
     */
    public synchronized void reconfigureCleaner(CleanerConfig newConfig) {
        CleanerConfig old = cleaner.config();
        CleanerConfig applied = new CleanerConfig(old.enabled(), newConfig.backoffMs(), newConfig.dedupeBufferBytes(),
                newConfig.threads());
        if (applied.equals(old)) {
            return;
        }
        cleaner.reconfigure(applied);
        if (old.enabled() && old.backoffMs() != applied.backoffMs() && !cleanerPassRunning) {
            scheduleCleaner(applied.backoffMs());
        }
    }

    private static void safely(String what, Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.error("Log maintenance ({}) failed", what, e);
        }
    }

    /** True when the previous run shut down cleanly (the marker was found). */
    public boolean recoveredCleanly() {
        return recoveredCleanly;
    }

    public Path logDir() {
        return logDir;
    }

    public Optional<Log> log(TopicPartition tp) {
        return Optional.ofNullable(logs.get(tp));
    }

    public Collection<Log> logs() {
        return List.copyOf(logs.values());
    }

    /** Returns the partition's log, creating its empty directory when missing. */
    public Log getOrCreate(TopicPartition tp, LogConfig config) {
        return logs.computeIfAbsent(tp, k -> {
            Path dir = logDir.resolve(FileNames.dirName(tp));
            return Files.isDirectory(dir)
                    ? LogRecovery.load(tp, dir, config, time, hooks, false, -1, -1)
                    : LogRecovery.create(tp, dir, config, time, hooks, 0);
        });
    }

    /**
     * Removes the partition's log: it disappears from {@link #log} at once, later appends to a {@link Log} still held
     * fail with {@link org.apache.kafka.common.errors.UnknownTopicOrPartitionException}, its directory is renamed
     * {@code topic-partition.<id>-delete} and removed after {@code file.delete.delay.ms}.
     */
    public void delete(TopicPartition tp) {
        delete(List.of(tp));
    }

    /**
     * Removes these partitions' logs as {@link #delete(TopicPartition)} does, then writes the checkpoints (and the
     * cleaner's, when it listed them) once without them (so that a partition created again under the same name cannot
     * inherit an old recovery point or cleaning position).
     * Written per partition, the checkpoints (two files, each fsynced, listing every log) made deleting a topic of
     * 5,000 partitions take 8 s; once for the topic, it is the renames that remain.
     *
     * @throws KafkaStorageException a directory could not be renamed; the ones before it are deleted
     */
    public void delete(Collection<TopicPartition> tps) {
        List<TopicPartition> removed = new ArrayList<>(tps.size());
        try {
            for (TopicPartition tp : tps) {
                Log log = logs.remove(tp);
                if (log == null) {
                    continue;
                }
                removed.add(tp);
                Path target = logDir.resolve(FileNames.dirName(tp) + "." + UUID.randomUUID().toString().replace("-", "")
                        + FileNames.DIR_DELETE_SUFFIX);
                try {
                    log.markDeleted(target);
                } catch (IOException e) {
                    throw new KafkaStorageException("Cannot delete " + log.dir(), e);
                }
                deleter.schedule(log.config().fileDeleteDelayMs(), target.toString(), () -> {
                    log.closeChannels();
                    deleteRecursively(target);
                });
                flusher.forget(log);
            }
        } finally {
            if (!removed.isEmpty()) {
                cleaner.forget(removed);
                safely("checkpoint", this::writeCheckpoints);
            }
        }
    }

    /**
     * Group commit: completes once everything written to {@code log} before this call has been fsynced (and its
     * recovery point advanced). One fsync serves every caller waiting at that moment. Completes exceptionally with
     * {@link KafkaStorageException} when the fsync fails.
     */
    public CompletableFuture<Void> flushAsync(Log log) {
        return flusher.flushAsync(log);
    }

    /** Runs retention on every log now; returns the number of segments deleted. */
    public int runRetention() {
        int deleted = 0;
        for (Log log : logs.values()) {
            deleted += log.deleteRetentionBreachedSegments();
        }
        return deleted;
    }

    /**
     * Runs one compaction pass now, on the caller's thread: every log with {@code cleanup.policy} compact that needs it
     * (see {@link LogCleaner}) is cleaned once. Returns one result per log cleaned. Passes never overlap: this waits
     * for a pass of the cleaner thread in progress.
     */
    public List<CleaningResult> runCleaner() {
        return cleaner.runOnce(logs.values());
    }

    /** Deletes now the files whose {@code file.delete.delay.ms} has passed on the clock; returns how many. */
    public int runPendingDeletions() {
        return deleter.runDue();
    }

    /** Writes both checkpoint files now. */
    public void writeCheckpoints() {
        synchronized (checkpointLock) {
            Map<TopicPartition, Long> recovery = new HashMap<>();
            Map<TopicPartition, Long> starts = new HashMap<>();
            for (Log log : logs.values()) {
                long recoveryPoint = log.recoveryPoint();
                log.syncActiveIndexes(); // the index entries below it, before it is written (LogSegment#recover)
                recovery.put(log.topicPartition(), recoveryPoint);
                starts.put(log.topicPartition(), log.logStartOffset());
            }
            try {
                Checkpoints.write(logDir.resolve(FileNames.RECOVERY_POINT_CHECKPOINT), recovery);
                Checkpoints.write(logDir.resolve(FileNames.LOG_START_CHECKPOINT), starts);
            } catch (IOException e) {
                throw new KafkaStorageException("Cannot write checkpoints in " + logDir, e);
            }
        }
    }

    /**
     * Stops the threads, flushes every log, writes producer snapshots and checkpoints, deletes the files still waiting
     * for their delete delay, then writes the clean-shutdown marker (not written, and KafkaStorageException thrown,
     * when a log could not be closed: the next start then recovers). Reads must have stopped before this is called.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        cleaner.stop();
        cleanerThread.shutdown();
        maintenance.shutdown();
        try {
            if (!cleanerThread.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("The log cleaner did not stop within 30 s");
            }
            cleaner.close();
            if (!maintenance.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("Log maintenance did not stop within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flusher.close();
        AtomicBoolean allClosed = new AtomicBoolean(true);
        List<Runnable> closes = new ArrayList<>(logs.size());
        for (Log log : logs.values()) {
            closes.add(() -> {
                try {
                    log.close();
                } catch (KafkaStorageException e) {
                    LOG.error("Could not close {} cleanly; it will be recovered at the next start", log, e);
                    allClosed.set(false);
                }
            });
        }
        runInParallel(closes, "nagare-log-closer"); // each close fsyncs its files and writes a producer snapshot
        deleter.runAll();
        writeCheckpoints();
        if (!allClosed.get()) {
            throw new KafkaStorageException("Some logs of " + logDir + " could not be closed; no clean-shutdown marker");
        }
        Path marker = logDir.resolve(FileNames.CLEAN_SHUTDOWN_MARKER);
        try (FileChannel ch = FileChannel.open(marker, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ch.force(true);
        } catch (IOException e) {
            throw new KafkaStorageException("Cannot write " + marker, e);
        }
    }

    /** Deletes a directory and everything under it; nothing when it does not exist. */
    public static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
