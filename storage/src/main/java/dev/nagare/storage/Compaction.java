package dev.nagare.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;

import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.utils.BufferSupplier;
import org.apache.kafka.common.utils.CloseableIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One cleaning of one compacted log: keeps, below the end of the dirty part, only the newest record of each key.
 * Offsets never change (the survivors keep theirs; gaps appear), nor do the log start and end offsets.
 *
 * <h2>Steps</h2>
 * <ol>
 *   <li><b>Map</b> the dirty part {@code [firstDirty, firstUncleanable)}: for every record with a key, in offset
 *       order, {@link OffsetMap#put} key → offset. If the map fills up, mapping stops at that record: the offset
 *       reached ({@code mappedEnd}) is where the next cleaning starts.</li>
 *   <li><b>Group</b> every segment below {@code mappedEnd} (the clean part too: its records may be superseded by
 *       newer ones in the dirty part) into runs of consecutive segments whose sizes add up to at most
 *       {@code segment.bytes} (and whose offsets span less than 2^31), as Kafka does: segments shrunk by earlier
 *       cleanings are merged.</li>
 *   <li><b>Filter</b> each group, batch by batch, into a new segment ({@code .cleaned}) with
 *       {@link MemoryRecords#filterTo} and the rules below, then swap it in ({@link Log#replaceSegments}). A group of
 *       one segment that lost nothing is left alone; a group left empty is deleted, unless it starts the log (an
 *       empty first segment keeps the log start offset where it is).</li>
 * </ol>
 *
 * <h2>Which records stay (Kafka's rules)</h2>
 * <ul>
 *   <li>A record at or after {@code mappedEnd} stays (it was not compared).</li>
 *   <li>A record without key goes (a compacted log refuses them on append; these predate the policy).</li>
 *   <li>A record older than the newest record of its key goes.</li>
 *   <li>A tombstone (null value) that is the newest of its key stays until its batch's <b>delete horizon</b>: the
 *       first cleaning that keeps it rewrites its batch with horizon = that cleaning's time +
 *       {@code delete.retention.ms} (KIP-534: the batch's base timestamp field holds the horizon and attribute bit 6
 *       says so; record timestamps are unchanged). A later cleaning at or after the horizon drops it. So a
 *       tombstone lives at least {@code delete.retention.ms} after a cleaning first saw it, whatever the segments'
 *       file times, and the horizon survives restarts because it is in the batch.</li>
 * </ul>
 *
 * <h2>Batches</h2>
 * A batch keeps its base offset, its last offset (so the producer's last sequence is unchanged), its producer id,
 * epoch and base sequence, its partition leader epoch, its timestamp type and its compression codec; only the removed
 * records are gone and the CRC is recomputed. A batch that loses nothing is copied byte for byte. A batch that loses
 * every record is dropped, except the last batch of a producer the log still tracks, which stays as an empty batch
 * (61-byte header, no records), as Kafka keeps it: it carries the producer's last sequence and epoch, which duplicate
 * detection needs after a restart. The new segment's offset and time indexes are built as its batches are written.
 *
 * <p>Not thread-safe: one instance per cleaning, run by the thread holding {@link LogCleaner}'s monitor.
 */
final class Compaction {
    private static final Logger LOG = LoggerFactory.getLogger(Compaction.class);
    private static final int IO_BUFFER_BYTES = 1024 * 1024;

    /** Thrown when the log was closed or the cleaner stopped while cleaning. */
    static final class Aborted extends RuntimeException {
        Aborted(String message) {
            super(message, null, false, false);
        }
    }

    private final Log log;
    private final OffsetMap map;
    private final long firstDirty;
    private final long firstUncleanable;
    /** The injected clock's time when the cleaning started: delete horizons are set from it and compared with it. */
    private final long now;
    private final BooleanSupplier stopping;
    private final BufferSupplier decompression = BufferSupplier.create();
    private ByteBuffer readBuffer = ByteBuffer.allocate(IO_BUFFER_BYTES);
    private ByteBuffer writeBuffer = ByteBuffer.allocate(IO_BUFFER_BYTES);
    private long mappedEnd;
    private Map<Long, Long> producerLastOffsets;
    /** The earliest delete horizon of the tombstones kept, or Long.MAX_VALUE. */
    private long earliestHorizon = Long.MAX_VALUE;
    private int segmentsRead;
    private int segmentsWritten;
    private long recordsRead;
    private long recordsKept;
    private long bytesRead;
    private long bytesWritten;

    Compaction(Log log, OffsetMap map, long firstDirty, long firstUncleanable, long now, BooleanSupplier stopping) {
        this.log = log;
        this.map = map;
        this.firstDirty = firstDirty;
        this.firstUncleanable = firstUncleanable;
        this.now = now;
        this.stopping = stopping;
    }

    /** Runs the three steps; the log's segments that were not swapped stay as they were. */
    CleaningResult run() throws IOException {
        long activeBase = log.activeSegmentBaseOffset();
        List<LogSegment> inactive = new ArrayList<>();
        for (LogSegment s : log.inactiveSegments()) {
            if (s.baseOffset < activeBase) { // not one rolled since activeBase was read
                inactive.add(s);
            }
        }
        producerLastOffsets = new HashMap<>();
        for (ProducerStateEntry p : log.activeProducers()) {
            producerLastOffsets.put(p.producerId(), p.lastOffset());
        }
        buildMap(inactive, activeBase);
        List<LogSegment> toClean = new ArrayList<>();
        for (LogSegment s : inactive) {
            if (s.baseOffset < mappedEnd) {
                toClean.add(s);
            }
        }
        long nextBase = toClean.size() < inactive.size() ? inactive.get(toClean.size()).baseOffset : activeBase;
        for (List<LogSegment> group : group(toClean, nextBase, log.config().segmentBytes())) {
            cleanGroup(group, group.get(0) == inactive.get(0));
        }
        return new CleaningResult(log.topicPartition(), firstDirty, mappedEnd, segmentsRead, segmentsWritten,
                recordsRead, recordsKept, bytesRead, bytesWritten);
    }

    /** The earliest delete horizon among the tombstones this cleaning kept, if any. */
    OptionalLong earliestTombstoneHorizon() {
        return earliestHorizon == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(earliestHorizon);
    }

    private void buildMap(List<LogSegment> inactive, long activeBase) throws IOException {
        map.clear();
        if (firstUncleanable <= firstDirty) {
            mappedEnd = firstDirty;
            return;
        }
        mappedEnd = firstUncleanable;
        for (int i = 0; i < inactive.size(); i++) {
            LogSegment s = inactive.get(i);
            long segmentEnd = i + 1 < inactive.size() ? inactive.get(i + 1).baseOffset : activeBase;
            if (segmentEnd <= firstDirty) {
                continue;
            }
            if (s.baseOffset >= firstUncleanable || !mapSegment(s)) {
                return;
            }
        }
    }

    /** Maps the dirty records of one segment; false when the map filled up ({@link #mappedEnd} is then set). */
    private boolean mapSegment(LogSegment s) throws IOException {
        long pos = 0;
        while (pos < s.size()) {
            checkNotStopped();
            ByteBuffer chunk = readBatches(s, pos);
            for (MutableRecordBatch batch : MemoryRecords.readableRecords(chunk).batches()) {
                if (batch.lastOffset() < firstDirty) {
                    continue;
                }
                try (CloseableIterator<Record> records = batch.streamingIterator(decompression)) {
                    while (records.hasNext()) {
                        Record r = records.next();
                        if (r.offset() >= firstDirty && r.offset() < firstUncleanable && r.hasKey()
                                && !map.put(r.key(), r.offset())) {
                            mappedEnd = r.offset();
                            LOG.info("{}: the key map is full ({} keys); cleaning up to offset {} this time",
                                    log.topicPartition(), map.size(), mappedEnd);
                            return false;
                        }
                    }
                }
            }
            pos += chunk.limit();
        }
        return true;
    }

    /**
     * Consecutive segments whose sizes add up to at most {@code maxBytes} and whose offsets span less than 2^31;
     * {@code nextBase} is the base offset of the segment after the last one.
     */
    static List<List<LogSegment>> group(List<LogSegment> segments, long nextBase, int maxBytes) {
        List<List<LogSegment>> groups = new ArrayList<>();
        List<LogSegment> current = new ArrayList<>();
        long bytes = 0;
        for (int i = 0; i < segments.size(); i++) {
            LogSegment s = segments.get(i);
            long end = i + 1 < segments.size() ? segments.get(i + 1).baseOffset : nextBase;
            boolean fits = !current.isEmpty() && bytes + s.size() <= maxBytes
                    && end - 1 - current.get(0).baseOffset <= Integer.MAX_VALUE;
            if (!current.isEmpty() && !fits) {
                groups.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(s);
            bytes += s.size();
        }
        if (!current.isEmpty()) {
            groups.add(current);
        }
        return groups;
    }

    private void cleanGroup(List<LogSegment> group, boolean startsLog) throws IOException {
        long inputBytes = 0;
        for (LogSegment s : group) {
            inputBytes += s.size();
        }
        LogSegment out = LogSegment.createCleaned(log.dir(), group.get(0).baseOffset, indexBytesFor(inputBytes));
        boolean swapped = false;
        try {
            long groupRecordsRead = recordsRead;
            long groupRecordsKept = recordsKept;
            boolean changed = group.size() > 1;
            for (LogSegment s : group) {
                changed |= filterSegment(s, out);
            }
            segmentsRead += group.size();
            bytesRead += inputBytes;
            if (!changed) {
                return;
            }
            long lastModified = 0;
            for (LogSegment s : group) {
                lastModified = Math.max(lastModified, s.lastModifiedMs());
            }
            out.onBecomeInactive();
            out.flush(true);
            out.setLastModifiedMs(lastModified);
            LogSegment replacement = out.size() == 0 && !startsLog ? null : out;
            if (!log.replaceSegments(group, replacement)) {
                throw new Aborted(log.topicPartition() + " changed while it was cleaned");
            }
            swapped = replacement != null;
            segmentsWritten += swapped ? 1 : 0;
            bytesWritten += out.size();
            LOG.debug("{}: cleaned {} into {} ({} of {} records kept)", log.topicPartition(), group, replacement,
                    recordsKept - groupRecordsKept, recordsRead - groupRecordsRead);
        } finally {
            if (!swapped) {
                out.closeAndDelete();
            }
        }
    }

    /**
     * Index files large enough for every batch of the input (each batch is at least 61 bytes, and an entry is written
     * at most once per {@code index.interval.bytes}); they are mapped at that size, grown as entries come and trimmed
     * once written.
     */
    private int indexBytesFor(long inputBytes) {
        long interval = Math.max(BatchHeader.SIZE, log.config().indexIntervalBytes());
        long entries = inputBytes / interval + 3;
        return (int) Math.min(Integer.MAX_VALUE - TimeIndex.ENTRY_SIZE, entries * TimeIndex.ENTRY_SIZE);
    }

    /** Filters one segment's batches into {@code out}; true when anything was removed or rewritten. */
    private boolean filterSegment(LogSegment s, LogSegment out) throws IOException {
        boolean changed = false;
        Filter filter = new Filter();
        long pos = 0;
        while (pos < s.size()) {
            checkNotStopped();
            ByteBuffer chunk = readBatches(s, pos);
            writeBuffer.clear();
            MemoryRecords.FilterResult result = MemoryRecords.readableRecords(chunk.duplicate())
                    .filterTo(filter, writeBuffer, decompression);
            ByteBuffer filtered = result.outputBuffer();
            if (filtered.capacity() > writeBuffer.capacity()) {
                writeBuffer = filtered;
            }
            filtered.flip();
            changed |= !filtered.equals(chunk);
            recordsRead += result.messagesRead();
            recordsKept += result.messagesRetained();
            if (filtered.hasRemaining()) {
                out.append(filtered, batchesOf(filtered), log.config().indexIntervalBytes(), now);
            }
            pos += chunk.limit();
        }
        return changed;
    }

    /** The header facts of each batch in {@code buf} that the segment's indexes need. */
    private static List<LogSegment.AppendedBatch> batchesOf(ByteBuffer buf) {
        List<LogSegment.AppendedBatch> batches = new ArrayList<>();
        for (int p = buf.position(); p < buf.limit(); ) {
            BatchHeader h = BatchHeader.parse(p, buf.duplicate().position(p));
            batches.add(new LogSegment.AppendedBatch(h.sizeInBytes(), h.lastOffset(), h.maxTimestamp()));
            p += h.sizeInBytes();
        }
        return batches;
    }

    /**
     * Reads whole batches of {@code s} from {@code pos}, as many as fit in the read buffer (grown when a single batch
     * is larger). The returned buffer holds exactly those batches, from position 0.
     */
    private ByteBuffer readBatches(LogSegment s, long pos) throws IOException {
        while (true) {
            int len = (int) Math.min(readBuffer.capacity(), s.size() - pos);
            ByteBuffer buf = readBuffer;
            buf.clear().limit(len);
            while (buf.hasRemaining()) {
                if (s.channel().read(buf, pos + buf.position()) < 0) {
                    throw new KafkaStorageException("Unexpected end of " + s + " at " + (pos + buf.position()));
                }
            }
            int whole = 0;
            int firstBatchSize = -1;
            while (len - whole >= BatchHeader.LOG_OVERHEAD) {
                int batchSize = buf.getInt(whole + 8) + BatchHeader.LOG_OVERHEAD;
                if (firstBatchSize < 0) {
                    firstBatchSize = batchSize;
                }
                if (batchSize < BatchHeader.SIZE || whole + batchSize > len) {
                    break;
                }
                whole += batchSize;
            }
            if (whole > 0) {
                return buf.position(0).limit(whole);
            }
            if (firstBatchSize < BatchHeader.SIZE || pos + firstBatchSize > s.size()) {
                throw new KafkaStorageException("Corrupt batch in " + s + " at " + pos);
            }
            readBuffer = ByteBuffer.allocate(firstBatchSize);
        }
    }

    private void checkNotStopped() {
        if (stopping.getAsBoolean() || log.isClosed()) {
            throw new Aborted("Cleaning of " + log.topicPartition() + " stopped");
        }
    }

    /** The rules in the class comment. */
    private final class Filter extends MemoryRecords.RecordFilter {
        Filter() {
            super(now, log.config().cleanup().deleteRetentionMs());
        }

        @Override
        protected BatchRetentionResult checkBatchRetention(RecordBatch batch) {
            boolean lastOfProducer = batch.hasProducerId()
                    && producerLastOffsets.getOrDefault(batch.producerId(), -1L) == batch.lastOffset();
            return new BatchRetentionResult(lastOfProducer ? BatchRetention.RETAIN_EMPTY : BatchRetention.DELETE_EMPTY,
                    false);
        }

        @Override
        protected boolean shouldRetainRecord(RecordBatch batch, Record record) {
            if (record.offset() >= mappedEnd) {
                return true;
            }
            if (!record.hasKey() || record.offset() < map.get(record.key())) {
                return false;
            }
            if (record.hasValue()) {
                return true;
            }
            OptionalLong horizon = batch.deleteHorizonMs();
            if (horizon.isPresent() && currentTime >= horizon.getAsLong()) {
                return false;
            }
            earliestHorizon = Math.min(earliestHorizon, horizon.orElse(currentTime + deleteRetentionMs));
            return true;
        }
    }
}
