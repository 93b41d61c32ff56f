package dev.nagare.storage;

import java.io.Closeable;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Time;

/**
 * Owns every {@link Log} in the broker's log directory: opens (and after a crash, recovers) them at start-up,
 * creates and deletes them, runs retention, checkpoints recovery points, fsyncs with group commit, and writes the
 * clean-shutdown marker on {@link #close()}.
 *
 * <p>Thread-safe. Runs two threads of its own: {@code nagare-log-maintenance} (retention, checkpoints, delayed
 * file deletion) and {@code nagare-log-flusher} (group commit).
 *
 * <p>API CONTRACT (implemented in the storage module).
 */
public final class LogManager implements Closeable {

    private LogManager() {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * Opens the log directory (creating it), loading every partition directory found in it with the config that
     * {@code configFor} gives for its partition. After a clean shutdown the segments are trusted and nothing is
     * scanned; otherwise every segment after the partition's recovery point is scanned, its torn or corrupt tail
     * truncated and its indexes rebuilt, and producer state is restored.
     *
     * @param retentionCheckIntervalMs how often retention runs ({@code log.retention.check.interval.ms})
     */
    public static LogManager open(Path logDir, Function<TopicPartition, LogConfig> configFor, Time time,
                                  long retentionCheckIntervalMs) {
        throw new UnsupportedOperationException("TODO");
    }

    /** True when the previous run shut down cleanly (the marker was found). */
    public boolean recoveredCleanly() {
        throw new UnsupportedOperationException("TODO");
    }

    public Optional<Log> log(TopicPartition tp) {
        throw new UnsupportedOperationException("TODO");
    }

    public Collection<Log> logs() {
        throw new UnsupportedOperationException("TODO");
    }

    /** Returns the partition's log, creating its empty directory when missing. */
    public Log getOrCreate(TopicPartition tp, LogConfig config) {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * Removes the partition's log: it disappears from {@link #log} at once, its directory is renamed
     * {@code topic-partition.<id>-delete} and removed in the background.
     */
    public void delete(TopicPartition tp) {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * Group commit: completes once everything written to {@code log} before this call has been fsynced. One fsync
     * serves every caller waiting at that moment.
     */
    public CompletableFuture<Void> flushAsync(Log log) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Runs retention on every log now; returns the number of segments deleted. */
    public int runRetention() {
        throw new UnsupportedOperationException("TODO");
    }

    /** Flushes every log, writes producer snapshots and checkpoints, then the clean-shutdown marker. */
    @Override
    public void close() {
        throw new UnsupportedOperationException("TODO");
    }
}
