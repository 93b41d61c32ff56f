package dev.nagare.storage;

/**
 * What happens to a log's old data: deleted by age and size ({@code delete}), compacted to the newest record per key
 * ({@code compact}), or both ({@code compact,delete}), with the settings compaction runs with. Immutable.
 *
 * <p>Kafka's topic keys, with their broker defaults: {@code cleanup.policy} ({@code log.cleanup.policy}),
 * {@code delete.retention.ms} ({@code log.cleaner.delete.retention.ms}), {@code min.compaction.lag.ms}
 * ({@code log.cleaner.min.compaction.lag.ms}), {@code max.compaction.lag.ms}
 * ({@code log.cleaner.max.compaction.lag.ms}) and {@code min.cleanable.dirty.ratio} ({@code log.cleaner.min.cleanable.ratio}). How {@link LogCleaner} uses them
 * is written there.
 *
 * @param compact                 keep only the newest record per key in the inactive segments
 * @param delete                  {@code retention.ms} and {@code retention.bytes} delete whole old segments; without it
 *                                (plain {@code compact}) they are not applied
 * @param deleteRetentionMs       how long a tombstone (a record with a null value) is kept once a cleaning has seen it
 * @param minCompactionLagMs      a segment whose newest timestamp is younger than this is not compacted yet
 * @param maxCompactionLagMs      a log whose oldest uncompacted record is older than this is compacted even below the
 *                                dirty ratio; also caps {@code segment.ms} of a compacted log, as in Kafka
 * @param minCleanableDirtyRatio  compact once the uncompacted bytes are more than this share of the log
 */
public record CleanupPolicy(boolean compact, boolean delete, long deleteRetentionMs, long minCompactionLagMs,
                            long maxCompactionLagMs, double minCleanableDirtyRatio) {

    /** {@code cleanup.policy=delete} with Kafka 4.1's defaults for the compaction settings. */
    public static final CleanupPolicy DELETE = new CleanupPolicy(false, true, 86_400_000L, 0L, Long.MAX_VALUE, 0.5);

    /** The same settings with the policy {@code compact} ({@code delete} too when {@code alsoDelete}). */
    public CleanupPolicy compacted(boolean alsoDelete) {
        return new CleanupPolicy(true, alsoDelete, deleteRetentionMs, minCompactionLagMs, maxCompactionLagMs,
                minCleanableDirtyRatio);
    }
}
