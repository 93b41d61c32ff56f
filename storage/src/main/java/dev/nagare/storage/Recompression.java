package dev.nagare.storage;

import java.nio.ByteBuffer;
import java.util.List;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.utils.BufferSupplier;
import org.apache.kafka.common.utils.CloseableIterator;

/**
 * Kafka's rule for a topic whose {@code compression.type} is not {@code producer}: a batch sent with another codec is
 * stored re-compressed with the topic's codec (and level). Only then are records decoded on the produce path. Each
 * batch is rebuilt on its own, keeping its records' offset deltas, timestamps, keys, values and headers, its
 * timestamp type and its producer id, epoch and base sequence (so idempotence and duplicate detection see the same
 * batch); a batch already in the topic's codec is copied unchanged (Kafka compares codecs, not levels).
 *
 * <p>Stateless; runs on the appending thread after the batches were validated as sent, before the log lock.
 */
final class Recompression {

    private Recompression() {
    }

    /** True when some batch is not in {@code target}'s codec. */
    static boolean needed(List<MutableRecordBatch> batches, Compression target) {
        for (MutableRecordBatch batch : batches) {
            if (batch.compressionType() != target.type()) {
                return true;
            }
        }
        return false;
    }

    /** The batches, each in {@code target}'s codec, as one buffer of base offset 0 batches. */
    static MemoryRecords apply(List<MutableRecordBatch> batches, Compression target) {
        int estimate = 0;
        for (MutableRecordBatch batch : batches) {
            estimate += batch.sizeInBytes();
        }
        ByteBuffer out = ByteBuffer.allocate(Math.max(estimate, 1024));
        for (MutableRecordBatch batch : batches) {
            if (batch.compressionType() == target.type()) {
                out = ensure(out, batch.sizeInBytes());
                batch.writeTo(out);
                continue;
            }
            MemoryRecordsBuilder builder = MemoryRecords.builder(out, RecordBatch.MAGIC_VALUE_V2, target,
                    batch.timestampType(), 0L, RecordBatch.NO_TIMESTAMP, batch.producerId(), batch.producerEpoch(),
                    batch.baseSequence(), batch.isTransactional(), RecordBatch.NO_PARTITION_LEADER_EPOCH);
            try (CloseableIterator<Record> records = batch.streamingIterator(BufferSupplier.NO_CACHING)) {
                while (records.hasNext()) {
                    Record r = records.next();
                    builder.appendWithOffset(r.offset(), r.timestamp(), r.key(), r.value(), r.headers());
                }
            }
            builder.close();
            out = builder.buffer(); // the builder grows the buffer when it must; it holds every batch so far
        }
        out.flip();
        return MemoryRecords.readableRecords(out);
    }

    private static ByteBuffer ensure(ByteBuffer buffer, int more) {
        if (buffer.remaining() >= more) {
            return buffer;
        }
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + more));
        buffer.flip();
        bigger.put(buffer);
        return bigger;
    }
}
