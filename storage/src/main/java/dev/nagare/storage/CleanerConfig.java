package dev.nagare.storage;

/**
 * The broker-wide settings of the log cleaner ({@link LogCleaner}), from Kafka's broker keys. Immutable.
 *
 * <p>Kafka's {@code log.cleaner.threads} has no counterpart: Nagare runs one cleaner thread, which cleans the
 * compacted logs one after the other; Kafka's I/O throttling and buffer keys ({@code log.cleaner.io.*}) have none
 * either.
 *
 * @param enabled          {@code log.cleaner.enable}: run the {@code nagare-log-cleaner} thread; when false, compacted
 *                         logs are cleaned only by explicit {@link LogManager#runCleaner()} calls
 * @param backoffMs        {@code log.cleaner.backoff.ms}: the pause between two passes of the cleaner thread
 * @param dedupeBufferBytes {@code log.cleaner.dedupe.buffer.size}: the most memory the key map of one cleaning may
 *                         take ({@value OffsetMap#BYTES_PER_ENTRY} bytes a slot, at most {@value OffsetMap#MAX_LOAD}
 *                         of the slots used); it grows to that bound only for logs with that many keys
 */
public record CleanerConfig(boolean enabled, long backoffMs, long dedupeBufferBytes) {

    /** Kafka 4.1's defaults: enabled, 15 s between passes, 128 MiB for the key map. */
    public static CleanerConfig defaults() {
        return new CleanerConfig(true, 15_000L, 128L * 1024 * 1024);
    }
}
