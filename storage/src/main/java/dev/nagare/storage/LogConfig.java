package dev.nagare.storage;

import java.util.Optional;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;

/**
 * The settings of one log, already validated and resolved (topic override over broker default).
 * Immutable; a config change replaces the whole value with {@link Log#updateConfig(LogConfig)}.
 *
 * @param segmentBytes             roll the active segment when the next batch would take it past this size
 * @param segmentMs                roll the active segment when its first batch is older than this
 * @param retentionMs              delete whole segments whose newest timestamp is older than this; -1 keeps forever
 * @param retentionBytes           delete oldest whole segments while the log is larger than this; -1 no limit
 * @param indexIntervalBytes       add an offset/time index entry after at least this many bytes of batches
 * @param segmentIndexBytes        the most bytes an active segment's {@code .index}/{@code .timeindex} file grows to
 * @param maxMessageBytes          the largest batch accepted (MESSAGE_TOO_LARGE above it)
 * @param timestampType            CREATE_TIME stores the producer's timestamps; LOG_APPEND_TIME stamps the broker's clock
 * @param timestampBeforeMaxMs     reject (INVALID_TIMESTAMP) CreateTime batches older than now minus this
 * @param timestampAfterMaxMs      reject (INVALID_TIMESTAMP) CreateTime batches newer than now plus this
 * @param flushIntervalMessages    1 means every append is fsynced before it is acknowledged (group commit)
 * @param fileDeleteDelayMs        how long a deleted segment's files stay (renamed {@code .deleted}) for reads in flight
 * @param cleanup                  delete and/or compact, and the compaction settings
 * @param compression              {@code compression.type}: the codec (and level) every stored batch must have; a batch
 *                                 sent with another one is re-compressed on append ({@link Recompression}); empty for
 *                                 {@code producer}, which stores batches as they were sent
 */
public record LogConfig(
        int segmentBytes,
        long segmentMs,
        long retentionMs,
        long retentionBytes,
        int indexIntervalBytes,
        int segmentIndexBytes,
        int maxMessageBytes,
        TimestampType timestampType,
        long timestampBeforeMaxMs,
        long timestampAfterMaxMs,
        long flushIntervalMessages,
        long fileDeleteDelayMs,
        CleanupPolicy cleanup,
        Optional<Compression> compression) {

    /** A log that keeps the producer's compression. */
    public LogConfig(int segmentBytes, long segmentMs, long retentionMs, long retentionBytes, int indexIntervalBytes,
                     int segmentIndexBytes, int maxMessageBytes, TimestampType timestampType, long timestampBeforeMaxMs,
                     long timestampAfterMaxMs, long flushIntervalMessages, long fileDeleteDelayMs, CleanupPolicy cleanup) {
        this(segmentBytes, segmentMs, retentionMs, retentionBytes, indexIntervalBytes, segmentIndexBytes,
                maxMessageBytes, timestampType, timestampBeforeMaxMs, timestampAfterMaxMs, flushIntervalMessages,
                fileDeleteDelayMs, cleanup, Optional.empty());
    }

    /** A log with {@code cleanup.policy=delete} ({@link CleanupPolicy#DELETE}). */
    public LogConfig(int segmentBytes, long segmentMs, long retentionMs, long retentionBytes, int indexIntervalBytes,
                     int segmentIndexBytes, int maxMessageBytes, TimestampType timestampType, long timestampBeforeMaxMs,
                     long timestampAfterMaxMs, long flushIntervalMessages, long fileDeleteDelayMs) {
        this(segmentBytes, segmentMs, retentionMs, retentionBytes, indexIntervalBytes, segmentIndexBytes,
                maxMessageBytes, timestampType, timestampBeforeMaxMs, timestampAfterMaxMs, flushIntervalMessages,
                fileDeleteDelayMs, CleanupPolicy.DELETE);
    }

    /** Kafka 4.1's defaults. */
    public static LogConfig defaults() {
        return new LogConfig(1024 * 1024 * 1024, 7 * 24 * 3600_000L, 7 * 24 * 3600_000L, -1L, 4096,
                10 * 1024 * 1024, 1024 * 1024 + 12, TimestampType.CREATE_TIME, Long.MAX_VALUE, 3600_000L,
                Long.MAX_VALUE, 60_000L, CleanupPolicy.DELETE, Optional.empty());
    }

    /** This config with another cleanup policy. */
    public LogConfig withCleanup(CleanupPolicy policy) {
        return new LogConfig(segmentBytes, segmentMs, retentionMs, retentionBytes, indexIntervalBytes,
                segmentIndexBytes, maxMessageBytes, timestampType, timestampBeforeMaxMs, timestampAfterMaxMs,
                flushIntervalMessages, fileDeleteDelayMs, policy, compression);
    }

    /**
     * When the active segment is rolled by age: {@code segment.ms}, or for a compacted log the smaller of it and
     * {@code max.compaction.lag.ms}, so that no record waits in the active segment (which is never compacted) for
     * longer than the lag allows (Kafka's rule).
     */
    public long rollMs() {
        return cleanup.compact() ? Math.min(segmentMs, cleanup.maxCompactionLagMs()) : segmentMs;
    }

    /** True when every append must be fsynced before it is acknowledged. */
    public boolean flushEveryAppend() {
        return flushIntervalMessages <= 1;
    }
}
