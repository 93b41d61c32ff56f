package dev.nagare.storage;

/**
 * What a {@link Log} asks of its owner ({@link LogManager}): background work it must not do on the appending thread.
 *
 * <p>Implementations are thread-safe; called under the log's lock, so they only enqueue.
 */
interface LogHooks {
    /** The log rolled a segment: flush it in the background so the recovery point moves to the new segment. */
    void segmentRolled(Log log);

    /** Run {@code action} after {@code delayMs} (deleted files outlive reads in flight). */
    void deleteLater(long delayMs, String what, SegmentDeleter.Action action);

    /** The log start offset moved (retention, DeleteRecords): checkpoint it soon. */
    void logStartOffsetMoved(Log log);

    /** Hooks that do everything at once on the caller's thread (tests of a lone log). */
    LogHooks IMMEDIATE = new LogHooks() {
        @Override
        public void segmentRolled(Log log) {
        }

        @Override
        public void deleteLater(long delayMs, String what, SegmentDeleter.Action action) {
            try {
                action.run();
            } catch (java.io.IOException e) {
                throw new org.apache.kafka.common.errors.KafkaStorageException(e);
            }
        }

        @Override
        public void logStartOffsetMoved(Log log) {
        }
    };
}
