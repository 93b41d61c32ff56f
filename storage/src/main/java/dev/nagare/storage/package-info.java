/**
 * The log engine: one {@link dev.nagare.storage.Log} per partition, made of segments in Kafka's on-disk
 * layout ({@code .log}, {@code .index}, {@code .timeindex}), with recovery after a crash, retention, compaction and
 * group-commit fsync. {@link dev.nagare.storage.LogManager} owns every log of the broker's log directory.
 *
 * <p>Where things are (each file format is written down byte by byte in the class that implements it):
 * <ul>
 *   <li>{@code FileNames} — the directory layout; {@code Checkpoints} — the checkpoint files.</li>
 *   <li>{@code LogSegment} — the {@code .log} file; {@code BatchHeader} — the 61-byte batch header read from it;
 *       {@code OffsetIndex}, {@code TimeIndex} on {@code MappedIndex} — the mmap'd indexes.</li>
 *   <li>{@code AppendValidator} — header checks of a produce request; {@code ProducerStateTable} and
 *       {@code ProducerSnapshotFile} — idempotent producers and their snapshots.</li>
 *   <li>{@code LogRecovery} — loading a partition directory, after a clean or an unclean shutdown.</li>
 *   <li>{@code LogCleaner} (run by {@code nagare-log-cleaner}) — log compaction: when a log is cleaned;
 *       {@code Compaction} — one cleaning, with its {@code OffsetMap}; {@code SegmentSwap} — the crash-safe swap of
 *       cleaned segments and its recovery.</li>
 *   <li>{@code GroupCommitFlusher} ({@code nagare-log-flusher-N}) and {@code SegmentDeleter} (run by
 *       {@code nagare-log-maintenance}) — the background work of {@code LogManager}.</li>
 * </ul>
 *
 * <p>Errors are kafka-clients exceptions ({@code org.apache.kafka.common.errors}, and
 * {@code org.apache.kafka.common.InvalidRecordException}) so the request layer maps them with
 * {@code Errors.forException}; every I/O failure is a {@code KafkaStorageException}.
 *
 * <p>Called by the broker's partition layer. Knows record batches (kafka-clients' record format) but
 * nothing of sockets, requests or topics metadata: it must never import {@code dev.nagare.broker}, nor Kafka's
 * server or storage jars (checked by {@code LayeringTest}).
 */
package dev.nagare.storage;
