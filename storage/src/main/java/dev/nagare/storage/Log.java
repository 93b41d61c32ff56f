package dev.nagare.storage;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.MemoryRecords;

/**
 * The log of one partition: an ordered list of segments in the directory {@code topic-partition}.
 *
 * <p>Threads: {@link #append} is serialized on the log's own lock (one writer per partition; no lock spans
 * partitions). {@link #read}, the offset getters and {@link #offsetForTimestamp} are lock-free and may run on any
 * thread concurrently with an append: they see only batches whose write has completed.
 *
 * <p>API CONTRACT (implemented in the storage module; see the package Javadoc for the file formats).
 */
public final class Log {

    private Log() {
        throw new UnsupportedOperationException("TODO");
    }

    public TopicPartition topicPartition() {
        throw new UnsupportedOperationException("TODO");
    }

    public Path dir() {
        throw new UnsupportedOperationException("TODO");
    }

    public LogConfig config() {
        throw new UnsupportedOperationException("TODO");
    }

    /** Replaces the log's config; takes effect for the next append, roll and retention check. */
    public void updateConfig(LogConfig config) {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * Validates, stamps and writes the batches of one produce request for this partition, returning once they are
     * written to the segment file (page cache; not fsynced — see {@link LogManager#flushAsync}).
     *
     * <p>Never decodes records one by one: each batch is checked by its header (magic 2, size, CRC, base offset 0,
     * not transactional or control), then its base offset (and partition leader epoch, and for LOG_APPEND_TIME
     * the max timestamp and attributes, recomputing the CRC) is written in place in {@code records}' buffer, and
     * the buffer is written to the file as it is. Idempotent producer batches are checked against the producer
     * state: a retry of one of the last 5 batches returns its original offsets with {@code duplicate=true} and
     * writes nothing.
     *
     * @throws org.apache.kafka.common.errors.CorruptRecordException         bad CRC, truncated batch, wrong magic
     * @throws org.apache.kafka.common.errors.InvalidRecordException         base offset not 0, control batch from a client
     * @throws org.apache.kafka.common.errors.RecordTooLargeException        a batch larger than max.message.bytes
     * @throws org.apache.kafka.common.errors.RecordBatchTooLargeException   the whole set larger than segment.bytes
     * @throws org.apache.kafka.common.errors.InvalidTimestampException      CreateTime outside the before/after bounds
     * @throws org.apache.kafka.common.errors.OutOfOrderSequenceException    a sequence gap
     * @throws org.apache.kafka.common.errors.InvalidProducerEpochException  a stale producer epoch
     * @throws org.apache.kafka.common.errors.InvalidTxnStateException       a transactional batch (no transactions yet)
     * @throws org.apache.kafka.common.errors.KafkaStorageException          an I/O error
     */
    public AppendResult append(MemoryRecords records, int leaderEpoch) {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * Reads whole batches starting with the one that holds {@code offset}, from one segment, up to
     * {@code maxBytes}, never past the high watermark. With {@code minOneBatch} the first batch is returned whole
     * even when larger than {@code maxBytes} (Kafka's rule for the first partition of a fetch).
     *
     * @throws org.apache.kafka.common.errors.OffsetOutOfRangeException offset below the log start or above the end
     */
    public LogReadInfo read(long offset, int maxBytes, boolean minOneBatch) {
        throw new UnsupportedOperationException("TODO");
    }

    public long logStartOffset() {
        throw new UnsupportedOperationException("TODO");
    }

    /** The next offset to be written. */
    public long logEndOffset() {
        throw new UnsupportedOperationException("TODO");
    }

    /** On a single node the high watermark is the end of the last completed write. */
    public long highWatermark() {
        throw new UnsupportedOperationException("TODO");
    }

    /** Bytes of all segments' {@code .log} files. */
    public long size() {
        throw new UnsupportedOperationException("TODO");
    }

    public int segmentCount() {
        throw new UnsupportedOperationException("TODO");
    }

    /** The base offsets of the segments, oldest first. */
    public List<Long> segmentBaseOffsets() {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * ListOffsets: the first record whose timestamp is at or after {@code timestamp}, found through the time index
     * then one batch; or {@code -1} latest (LEO), {@code -2} earliest (log start), {@code -3} the record with the
     * largest timestamp. Empty when no record is that new.
     */
    public Optional<TimestampAndOffset> offsetForTimestamp(long timestamp) {
        throw new UnsupportedOperationException("TODO");
    }

    /** The idempotent producers known to this partition. */
    public List<ProducerStateEntry> activeProducers() {
        throw new UnsupportedOperationException("TODO");
    }

    /** fsyncs everything written so far and advances the recovery point. */
    public void flush() {
        throw new UnsupportedOperationException("TODO");
    }
}
