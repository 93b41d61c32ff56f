package dev.nagare.storage;

/**
 * The broker-wide settings of the log cleaner ({@link LogCleaner}), from Kafka's broker keys. Immutable; all of them
 * but {@code enabled} may change at run time ({@link LogManager#reconfigureCleaner}).
 *
 * <p>Kafka's I/O throttling and buffer keys ({@code log.cleaner.io.*}) have no counterpart.
 *
 * @param enabled           {@code log.cleaner.enable}: run the {@code nagare-log-cleaner} thread; when false,
 *                          compacted logs are cleaned only by explicit {@link LogManager#runCleaner()} calls
 * @param backoffMs         {@code log.cleaner.backoff.ms}: the pause between two passes of the cleaner thread
 * @param dedupeBufferBytes {@code log.cleaner.dedupe.buffer.size}: the most memory the key maps of all cleaner threads
 *                          together may take, divided evenly between them as Kafka does ({@value OffsetMap#BYTES_PER_ENTRY}
 *                          bytes a slot, at most {@value OffsetMap#MAX_LOAD} of the slots used); a map grows to its
 *                          bound only for logs with that many keys
 * @param threads           {@code log.cleaner.threads}: how many logs one pass cleans at the same time, each on a
 *                          {@code nagare-log-cleaner-N} thread with a key map of its own
 */
public record CleanerConfig(boolean enabled, long backoffMs, long dedupeBufferBytes, int threads) {

    public CleanerConfig {
        if (threads < 1) {
            throw new IllegalArgumentException("log.cleaner.threads must be at least 1: " + threads);
        }
    }

    /** One cleaner thread. */
    public CleanerConfig(boolean enabled, long backoffMs, long dedupeBufferBytes) {
        this(enabled, backoffMs, dedupeBufferBytes, 1);
    }

    /** Kafka 4.1's defaults: enabled, 15 s between passes, 128 MiB for the key maps, one thread. */
    public static CleanerConfig defaults() {
        return new CleanerConfig(true, 15_000L, 128L * 1024 * 1024, 1);
    }

    /** The bound of each thread's key map. */
    long dedupeBytesPerThread() {
        return dedupeBufferBytes / threads;
    }
}
