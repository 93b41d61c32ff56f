package dev.nagare.storage;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.utils.BufferSupplier;
import org.apache.kafka.common.utils.CloseableIterator;

/**
 * Checks the batches of one produce request by their headers only: magic 2, CRC, base offset 0, size limits, not
 * transactional, not control, CreateTime within the configured bounds. Order of checks and exceptions are those
 * listed on {@link Log#append}. Records are iterated (and decompressed) only in a compacted log, to refuse a record
 * without key as Kafka does ({@code InvalidRecordException}, error INVALID_RECORD): compaction keeps the newest
 * record per key, and a keyless one has none.
 *
 * <p>Stateless; runs on the appending thread before the log lock is taken.
 */
final class AppendValidator {
    private AppendValidator() {
    }

    /** The batches, in order, and their total size. */
    record Validated(List<MutableRecordBatch> batches, int sizeInBytes) {
    }

    static Validated validate(MemoryRecords records, LogConfig config, long now, TopicPartition tp) {
        List<MutableRecordBatch> batches = new ArrayList<>(1);
        int total = 0;
        for (MutableRecordBatch batch : records.batches()) {
            if (batch.magic() != RecordBatch.MAGIC_VALUE_V2) {
                throw new CorruptRecordException("Batch magic " + batch.magic() + " is not supported; only magic 2");
            }
            int size = batch.sizeInBytes();
            if (size > config.maxMessageBytes()) {
                throw new RecordTooLargeException("Batch of " + size + " bytes exceeds max.message.bytes "
                        + config.maxMessageBytes());
            }
            if (!batch.isValid()) {
                throw new CorruptRecordException("Batch CRC does not match its contents");
            }
            if (batch.baseOffset() != 0) {
                throw new InvalidRecordException("Batch base offset must be 0 from a producer, got " + batch.baseOffset());
            }
            if (batch.isControlBatch()) {
                throw new InvalidRecordException("Control batches may not be produced by clients");
            }
            if (batch.isTransactional()) {
                throw new InvalidTxnStateException("Transactional batches are not supported");
            }
            if (config.timestampType() == TimestampType.CREATE_TIME) {
                checkTimestamp(batch.maxTimestamp(), config, now);
            }
            if (config.cleanup().compact()) {
                requireKeys(batch, tp);
            }
            total += size;
            batches.add(batch);
        }
        if (total != records.sizeInBytes()) {
            throw new CorruptRecordException("Produce data holds " + (records.sizeInBytes() - total)
                    + " bytes that are not a whole batch");
        }
        if (batches.isEmpty()) {
            throw new CorruptRecordException("Produce data holds no batch");
        }
        if (total > config.segmentBytes()) {
            throw new RecordBatchTooLargeException("Batches of " + total + " bytes exceed segment.bytes "
                    + config.segmentBytes());
        }
        return new Validated(batches, total);
    }

    private static void requireKeys(MutableRecordBatch batch, TopicPartition tp) {
        try (CloseableIterator<Record> records = batch.streamingIterator(BufferSupplier.NO_CACHING)) {
            while (records.hasNext()) {
                if (!records.next().hasKey()) {
                    throw new InvalidRecordException("Compacted topic cannot accept message without key in topic "
                            + "partition " + tp + ".");
                }
            }
        }
    }

    private static void checkTimestamp(long maxTimestamp, LogConfig config, long now) {
        long earliest = saturatedSubtract(now, config.timestampBeforeMaxMs());
        long latest = saturatedAdd(now, config.timestampAfterMaxMs());
        if (maxTimestamp < earliest || maxTimestamp > latest) {
            throw new InvalidTimestampException("Batch max timestamp " + maxTimestamp + " is outside [" + earliest
                    + ", " + latest + "] (broker time " + now + ")");
        }
    }

    private static long saturatedSubtract(long a, long b) {
        long r = a - b;
        return ((a ^ b) & (a ^ r)) < 0 ? Long.MIN_VALUE : r;
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }
}
