package dev.nagare.storage;

import org.apache.kafka.common.TopicPartition;

/**
 * Told how long each group-commit fsync took, so that the broker can publish fsync latency without storage knowing
 * of metrics. Called on the {@code nagare-log-flusher-N} threads (several at once) once per log fsynced; it must be
 * thread-safe, cheap and must not block (a histogram update, nothing more), since every producer waiting for that
 * fsync waits for it too.
 */
@FunctionalInterface
public interface FsyncListener {

    /** Listens to nothing. */
    FsyncListener NONE = (tp, nanos, failed) -> { };

    /**
     * @param partition the log fsynced
     * @param nanos     how long {@link Log#flush()} took
     * @param failed    true when it threw (the producers waiting get KAFKA_STORAGE_ERROR)
     */
    void fsynced(TopicPartition partition, long nanos, boolean failed);
}
