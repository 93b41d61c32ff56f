package dev.nagare.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.CopyOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLongArray;

import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;

/**
 * One segment of a partition's log: the {@code .log} file of record batches plus its {@link OffsetIndex} and
 * {@link TimeIndex}, all named by the 20-digit base offset (the offset of the first batch).
 *
 * <p>Format of the {@code .log} file (Kafka's): record batches back to back, no file header, each exactly as the
 * producer sent it (see {@link BatchHeader} for the 61-byte header), except for what the broker stamps in place:
 * baseOffset (bytes 0-7) and partitionLeaderEpoch (bytes 12-15), which the CRC does not cover, and for
 * LOG_APPEND_TIME logs the attributes (bytes 21-22, timestamp-type bit set), maxTimestamp (bytes 35-42) and the CRC
 * (bytes 17-20) recomputed. Compressed batches stay compressed as sent. The file ends after the last whole batch;
 * a torn tail is cut by {@link #recover}.
 *
 * <p>Threads: {@link #append}, {@link #recover}, {@link #onBecomeInactive} and {@link #close} under the owning log's
 * lock, or on the cleaner thread for the output segment of a cleaning, which no reader sees before it is swapped in. Readers ({@link #read}, {@link #findOffsetByTimestamp}) run on any thread, bounded by a position the log
 * published after the bytes were written; they use positional reads only, so they never move a shared position.
 */
final class LogSegment {
    final long baseOffset;
    final OffsetIndex offsetIndex;
    final TimeIndex timeIndex;
    private volatile Path logFile;
    private final FileChannel channel;
    /** Bytes of whole batches in the file; written after the bytes, read by lock-free readers. */
    private volatile int size;
    /**
     * Set by {@link #open} when both index files passed the cheap check: the offset index's last position (0 when
     * empty). -1 otherwise, and once {@link #recover} rebuilt the indexes. Loading thread only.
     */
    private int openTailPosition = -1;
    private volatile long maxTimestamp = RecordBatch.NO_TIMESTAMP;
    private volatile long offsetOfMaxTimestamp;
    /**
     * When time-based rolling counts from: the broker time of the first append, or after a restart the first
     * batch's max timestamp; -1 until known. Log lock.
     */
    private long rollingBasedTimestamp = RecordBatch.NO_TIMESTAMP;
    /** Bytes appended since the last index entry. Log lock. */
    private int bytesSinceLastIndexEntry;
    /**
     * Where the last {@link #RECENT} appended batches end, so that a reader at the tail starts at its batch: a
     * consumer that has caught up fetches what was appended since its previous fetch, and the offset index (an
     * entry per {@code index.interval.bytes}) would leave it up to ~40 small batches to read header by header, a
     * pread each. A slot packs a batch's last offset (relative to {@link #baseOffset}) and the position just past
     * it ({@link #packEnd}); slot {@code i % RECENT} holds the {@code i}-th batch appended. Segments are only
     * appended to once loaded, so any entry a reader sees names a real batch boundary, whatever was appended
     * since: readers need no lock, only entries whose last offset is below theirs. Written under the log lock
     * before {@link #size} publishes the batches; made at the first append (a loaded segment that is never
     * appended to costs nothing).
     */
    private static final int RECENT = 64;
    private volatile AtomicLongArray recentEnds;
    /** Batches appended since this segment was loaded or created; slots below {@code recentCount - RECENT} are reused. */
    private volatile long recentCount;
    /** Set after a write, cleared before an fsync. */
    private volatile boolean dirty;

    /** {@code suffix} is appended to the three file names ("" for a segment of the log; see {@link #renameFiles}). */
    private LogSegment(Path dir, long baseOffset, FileChannel channel, int maxIndexBytes, boolean active,
                       String suffix) {
        this.baseOffset = baseOffset;
        this.logFile = FileNames.withSuffix(FileNames.logFile(dir, baseOffset), suffix);
        this.channel = channel;
        this.offsetIndex = new OffsetIndex(FileNames.withSuffix(FileNames.indexFile(dir, baseOffset), suffix),
                baseOffset, maxIndexBytes, active);
        this.timeIndex = new TimeIndex(FileNames.withSuffix(FileNames.timeIndexFile(dir, baseOffset), suffix),
                baseOffset, maxIndexBytes, active);
        this.offsetOfMaxTimestamp = baseOffset;
    }

    /** Creates a new, empty segment (files truncated if left over). */
    static LogSegment create(Path dir, long baseOffset, int maxIndexBytes) {
        return create(dir, baseOffset, maxIndexBytes, "");
    }

    /**
     * Creates the empty output segment of a cleaning, whose three files carry the {@code .cleaned} suffix until
     * {@link SegmentSwap} renames them (files truncated if left over).
     */
    static LogSegment createCleaned(Path dir, long baseOffset, int maxIndexBytes) {
        return create(dir, baseOffset, maxIndexBytes, FileNames.CLEANED_SUFFIX);
    }

    private static LogSegment create(Path dir, long baseOffset, int maxIndexBytes, String suffix) {
        try {
            FileChannel ch = FileChannel.open(FileNames.withSuffix(FileNames.logFile(dir, baseOffset), suffix),
                    StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
            LogSegment s = new LogSegment(dir, baseOffset, ch, maxIndexBytes, true, suffix);
            s.offsetIndex.reset(); // deletes a left-over file; the new one comes with the first entry
            s.timeIndex.reset();
            return s;
        } catch (IOException e) {
            throw new KafkaStorageException("Cannot create segment " + baseOffset + " in " + dir, e);
        }
    }

    /**
     * Opens an existing segment without reading its batches. Indexes are mapped on first use. The caller must
     * {@link #recover} it when {@link #indexesLookSane()} is false.
     */
    static LogSegment open(Path dir, long baseOffset, int maxIndexBytes, boolean active) {
        try {
            FileChannel ch = FileChannel.open(FileNames.logFile(dir, baseOffset), StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            LogSegment s = new LogSegment(dir, baseOffset, ch, maxIndexBytes, active, "");
            s.size = (int) Math.min(Integer.MAX_VALUE, ch.size());
            if (s.size == 0) {
                // nothing to index: no index files (see MappedIndex); an active segment gets them with its first entry
                s.offsetIndex.reset();
                s.timeIndex.reset();
                if (!active) {
                    s.onBecomeInactive();
                }
                s.openTailPosition = 0;
                return s;
            }
            int lastIndexed = s.offsetIndex.lastPositionIfSane(s.size);
            long[] lastTime = lastIndexed < 0 ? null : s.timeIndex.lastEntryIfSane();
            if (lastTime != null) {
                s.openTailPosition = lastIndexed;
                if (lastTime.length > 0) {
                    s.maxTimestamp = lastTime[0];
                    s.offsetOfMaxTimestamp = lastTime[1];
                }
            }
            return s;
        } catch (IOException e) {
            throw new KafkaStorageException("Cannot open segment " + baseOffset + " in " + dir, e);
        }
    }

    /** Whether both index files passed the cheap check when the segment was {@link #open}ed. */
    boolean indexesLookSane() {
        return openTailPosition >= 0;
    }

    int size() {
        return size;
    }

    FileChannel channel() {
        return channel;
    }

    long maxTimestamp() {
        return maxTimestamp;
    }

    long offsetOfMaxTimestamp() {
        return offsetOfMaxTimestamp;
    }

    /** The {@code .log} file's modification time in ms. */
    long lastModifiedMs() throws IOException {
        return Files.getLastModifiedTime(logFile).toMillis();
    }

    /**
     * Sets the {@code .log} file's modification time: a cleaned segment takes that of the newest segment it replaces,
     * as in Kafka, so that retention by time, which falls back to it when the segment holds no timestamp, is not
     * reset by compaction.
     */
    void setLastModifiedMs(long ms) throws IOException {
        Files.setLastModifiedTime(logFile, FileTime.fromMillis(ms));
    }

    /** For retention: the max timestamp, or the file's modification time when no batch has a timestamp. */
    long largestTimestamp() {
        long ts = maxTimestamp;
        if (ts >= 0) {
            return ts;
        }
        try {
            return Files.getLastModifiedTime(logFile).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    /** The first batch's max timestamp, or -1 when the segment is empty or has no timestamps. Any thread. */
    long firstBatchTimestamp() throws IOException {
        BatchHeader first = BatchHeader.read(channel, 0, size, BatchHeader.newScratch());
        return first == null ? RecordBatch.NO_TIMESTAMP : first.maxTimestamp();
    }

    /** See {@link #rollingBasedTimestamp}; reads the first batch's header once after a restart. Log lock. */
    long rollingBasedTimestamp() throws IOException {
        if (rollingBasedTimestamp < 0 && size > 0) {
            BatchHeader first = BatchHeader.read(channel, 0, size, BatchHeader.newScratch());
            rollingBasedTimestamp = first == null ? RecordBatch.NO_TIMESTAMP : first.maxTimestamp();
        }
        return rollingBasedTimestamp;
    }

    /** An appended batch, as the index rule needs it. */
    record AppendedBatch(int sizeInBytes, long lastOffset, long maxTimestamp) {
    }

    /**
     * Writes {@code records} (already stamped) at the end of the file with one positional write, then adds index
     * entries and publishes the new size. Log lock only.
     */
    void append(ByteBuffer records, List<AppendedBatch> batches, int indexIntervalBytes, long now) throws IOException {
        int start = size;
        long pos = start;
        ByteBuffer b = records.duplicate();
        while (b.hasRemaining()) {
            pos += channel.write(b, pos);
        }
        int batchPosition = start;
        for (AppendedBatch batch : batches) {
            if (batchPosition == 0) {
                rollingBasedTimestamp = now;
            }
            if (batch.maxTimestamp() > maxTimestamp) {
                maxTimestamp = batch.maxTimestamp();
                offsetOfMaxTimestamp = batch.lastOffset();
            }
            indexBatch(batch.lastOffset(), batchPosition, batch.sizeInBytes(), indexIntervalBytes);
            batchPosition += batch.sizeInBytes();
            AtomicLongArray recent = recentEnds;
            if (recent == null) {
                recentEnds = recent = new AtomicLongArray(RECENT);
            }
            long n = recentCount;
            recent.lazySet((int) (n & (RECENT - 1)), packEnd(batch.lastOffset() - baseOffset, batchPosition));
            recentCount = n + 1;
        }
        dirty = true;
        size = batchPosition;
    }

    private static long packEnd(long relativeLastOffset, int endPosition) {
        return relativeLastOffset << 32 | (endPosition & 0xFFFF_FFFFL);
    }

    /** Kafka's index rule: an entry before a batch once more than the interval was appended since the last one. */
    private void indexBatch(long lastOffset, int position, int batchSize, int indexIntervalBytes) {
        if (bytesSinceLastIndexEntry > indexIntervalBytes) {
            offsetIndex.append(lastOffset, position);
            timeIndex.maybeAppend(maxTimestamp, offsetOfMaxTimestamp, false);
            bytesSinceLastIndexEntry = 0;
        }
        bytesSinceLastIndexEntry += batchSize;
    }

    /** The header of the first batch below {@code maxPosition} whose last offset is at or after {@code offset}. */
    BatchHeader findBatch(long offset, long maxPosition, ByteBuffer scratch) throws IOException {
        long pos = searchStart(offset);
        while (true) {
            BatchHeader h = BatchHeader.read(channel, pos, maxPosition, scratch);
            if (h == null || h.lastOffset() >= offset) {
                return h;
            }
            pos += h.sizeInBytes();
        }
    }

    /**
     * A batch boundary at or before the batch holding {@code offset}: just past the newest recently appended batch
     * whose last offset is below it (see {@link #recentEnds}), else the offset index's entry.
     */
    private long searchStart(long offset) {
        long n = recentCount;
        AtomicLongArray recent = recentEnds;
        long relative = offset - baseOffset;
        for (long i = n - 1; recent != null && i >= 0 && i >= n - RECENT; i--) {
            long e = recent.get((int) (i & (RECENT - 1)));
            if (e >>> 32 < relative) {
                return (int) e;
            }
        }
        return offsetIndex.lookup(offset);
    }

    /**
     * Whole batches from the one holding {@code offset}, at most {@code maxBytes} (the last may be cut), or with
     * {@code minOneBatch} at least the first batch whole; empty when the first batch is larger than {@code maxBytes}
     * and not {@code minOneBatch}. Null when no batch below {@code maxPosition} reaches {@code offset}. Any thread.
     */
    LogSlice read(long offset, int maxBytes, long maxPosition, boolean minOneBatch) throws IOException {
        BatchHeader first = findBatch(offset, maxPosition, BatchHeader.newScratch());
        if (first == null) {
            return null;
        }
        if (!minOneBatch && maxBytes < first.sizeInBytes()) {
            // Kafka's rule since fetch v3 (KIP-74): a first batch that does not fit is not sent in part, the partition
            // answers empty; a consumer fails on a partition whose bytes hold no complete batch.
            return LogSlice.EMPTY;
        }
        int limit = minOneBatch ? Math.max(maxBytes, first.sizeInBytes()) : maxBytes;
        int length = (int) Math.min(maxPosition - first.position(), limit);
        return length <= 0 ? LogSlice.EMPTY : new LogSlice(channel, first.position(), length);
    }

    /** Reads and parses the whole batch whose header is {@code h} (decodes nothing yet). */
    MutableRecordBatch readBatch(BatchHeader h) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(h.sizeInBytes());
        while (buf.hasRemaining()) {
            if (channel.read(buf, h.position() + buf.position()) < 0) {
                throw new IOException("Unexpected end of " + logFile + " at " + (h.position() + buf.position()));
            }
        }
        return MemoryRecords.readableRecords(buf.flip()).batches().iterator().next();
    }

    /**
     * The first record at or after {@code startingOffset} whose timestamp is at least {@code timestamp}: time index,
     * then offset index, then batch headers, then the records of one batch. Any thread.
     */
    Optional<TimestampAndOffset> findOffsetByTimestamp(long timestamp, long startingOffset, long maxPosition)
            throws IOException {
        long fromOffset = Math.max(timeIndex.lookup(timestamp), startingOffset);
        ByteBuffer scratch = BatchHeader.newScratch();
        BatchHeader h = findBatch(fromOffset, maxPosition, scratch);
        while (h != null) {
            if (h.maxTimestamp() >= timestamp) {
                MutableRecordBatch batch = readBatch(h);
                for (Record r : batch) {
                    if (r.timestamp() >= timestamp && r.offset() >= startingOffset) {
                        return Optional.of(new TimestampAndOffset(r.timestamp(), r.offset(), batch.partitionLeaderEpoch()));
                    }
                }
            }
            h = BatchHeader.read(channel, h.position() + h.sizeInBytes(), maxPosition, scratch);
        }
        return Optional.empty();
    }

    /** The first record of the batch holding {@link #offsetOfMaxTimestamp()} whose timestamp is the max. */
    Optional<TimestampAndOffset> findMaxTimestampRecord(long maxPosition) throws IOException {
        long ts = maxTimestamp;
        BatchHeader h = ts < 0 ? null : findBatch(offsetOfMaxTimestamp, maxPosition, BatchHeader.newScratch());
        if (h == null) {
            return Optional.empty();
        }
        MutableRecordBatch batch = readBatch(h);
        for (Record r : batch) {
            if (r.timestamp() == batch.maxTimestamp()) {
                return Optional.of(new TimestampAndOffset(r.timestamp(), r.offset(), batch.partitionLeaderEpoch()));
            }
        }
        return Optional.of(new TimestampAndOffset(batch.maxTimestamp(), batch.lastOffset(), batch.partitionLeaderEpoch()));
    }

    /** The last batch's header found by scanning from the last index entry (open after a clean shutdown), or null. */
    BatchHeader readLastBatch() throws IOException {
        ByteBuffer scratch = BatchHeader.newScratch();
        BatchHeader last = null;
        // As read at open while the index is untouched: mapping a 1,000-partition log's active indexes at start-up
        // (preallocating each) cost more than loading the rest of it.
        long pos = openTailPosition >= 0 && !offsetIndex.isMapped() ? openTailPosition : offsetIndex.lastEntry()[1];
        BatchHeader h;
        while ((h = BatchHeader.read(channel, pos, size, scratch)) != null) {
            last = h;
            pos += h.sizeInBytes();
        }
        return last;
    }

    /**
     * What {@link #recover} found.
     *
     * @param scannedBytes the bytes read batch by batch (from the resume point, or from 0)
     */
    record RecoveryResult(long nextOffset, int truncatedBytes, BatchHeader lastBatch, long scannedBytes) {
    }

    /**
     * Checks every batch (length sane, magic 2, offsets not going back, CRC) from the start — or, when
     * {@code trustedBelow} (the checkpointed recovery point) lies inside this segment, from just after the last
     * batch below it that the offset index names ({@link #resumeAfterTrustedEntry}) — rebuilds the indexes as the
     * batches pass, and truncates the file at the first invalid or torn batch. Log lock (or loading) only.
     */
    RecoveryResult recover(int indexIntervalBytes, long trustedBelow) throws IOException {
        openTailPosition = -1;
        long fileSize = channel.size();
        ByteBuffer scratch = BatchHeader.newScratch();
        BatchHeader last = trustedBelow > baseOffset ? resumeAfterTrustedEntry(trustedBelow, fileSize) : null;
        long pos;
        long next;
        if (last != null) {
            pos = last.position() + last.sizeInBytes();
            next = last.nextOffset();
        } else {
            offsetIndex.reset();
            timeIndex.reset();
            maxTimestamp = RecordBatch.NO_TIMESTAMP;
            offsetOfMaxTimestamp = baseOffset;
            rollingBasedTimestamp = RecordBatch.NO_TIMESTAMP;
            bytesSinceLastIndexEntry = 0;
            pos = 0;
            next = baseOffset;
        }
        long scanFrom = pos;
        while (pos < fileSize) {
            BatchHeader h = BatchHeader.read(channel, pos, fileSize, scratch);
            if (h == null || !isValidBatch(h, fileSize, next)) {
                break;
            }
            if (pos == 0) {
                rollingBasedTimestamp = h.maxTimestamp();
            }
            if (h.maxTimestamp() > maxTimestamp) {
                maxTimestamp = h.maxTimestamp();
                offsetOfMaxTimestamp = h.lastOffset();
            }
            indexBatch(h.lastOffset(), (int) pos, h.sizeInBytes(), indexIntervalBytes);
            pos += h.sizeInBytes();
            next = h.nextOffset();
            last = h;
        }
        int truncated = (int) (fileSize - pos);
        if (truncated > 0) {
            channel.truncate(pos);
        }
        size = (int) pos;
        dirty = true;
        return new RecoveryResult(next, truncated, last, pos - scanFrom + truncated);
    }

    /**
     * Where a scan after a crash may start instead of byte 0: after the batch of the last offset-index entry whose
     * offset is below {@code trustedBelow}. That batch and every one before it were fsynced before the recovery
     * point passed them, and the index entries naming them were synced before that recovery point was checkpointed
     * ({@link Log#syncActiveIndexes}), so neither needs reading. The entry is checked against its batch (header and
     * CRC); the kept index entries are those at or below it, the time index's too, and the segment's max timestamp
     * is the last kept time entry (each entry holds the max so far, written with the offset entry). Returns that
     * batch's header, or null to scan from 0: no usable entry, a mismatch, or a time index that had filled up.
     */
    private BatchHeader resumeAfterTrustedEntry(long trustedBelow, long fileSize) throws IOException {
        int kept = offsetIndex.trustedPrefix(trustedBelow - 1, fileSize);
        if (kept == 0) {
            return null;
        }
        long[] entry = offsetIndex.entry(kept - 1);
        BatchHeader h = BatchHeader.read(channel, entry[1], fileSize, BatchHeader.newScratch());
        if (h == null || h.lastOffset() != entry[0] || !isValidBatch(h, fileSize, baseOffset)) {
            return null;
        }
        int timeKept = timeIndex.trustedPrefix(entry[0]);
        if (timeKept == 0 || timeIndex.wasFull(timeKept)) {
            return null;
        }
        long[] maxSoFar = timeIndex.entry(timeKept - 1);
        offsetIndex.keepFirst(kept);
        timeIndex.keepFirst(timeKept);
        maxTimestamp = maxSoFar[0];
        offsetOfMaxTimestamp = maxSoFar[1];
        rollingBasedTimestamp = RecordBatch.NO_TIMESTAMP; // read lazily from the first batch
        bytesSinceLastIndexEntry = h.sizeInBytes();
        return h;
    }

    private boolean isValidBatch(BatchHeader h, long fileSize, long expectedAtLeast) throws IOException {
        if (h.sizeInBytes() < BatchHeader.SIZE || h.position() + h.sizeInBytes() > fileSize
                || h.magic() != RecordBatch.MAGIC_VALUE_V2 || h.baseOffset() < expectedAtLeast || h.lastOffsetDelta() < 0) {
            return false;
        }
        return readBatch(h).isValid();
    }

    /** The segment stops being active: final time index entry, indexes trimmed to their entries. Log lock only. */
    void onBecomeInactive() {
        timeIndex.maybeAppend(maxTimestamp, offsetOfMaxTimestamp, true);
        offsetIndex.trimToValidSize(size > 0);
        timeIndex.trimToValidSize(size > 0);
    }

    /** Writes the indexes' dirty pages to disk, not the log file. Any thread. */
    void syncIndexes() {
        offsetIndex.flush();
        timeIndex.flush();
    }

    /** fsyncs the log file if it was written since the last flush, and the indexes when asked. Any thread. */
    void flush(boolean indexes) throws IOException {
        if (dirty) {
            dirty = false;
            channel.force(false);
        }
        if (indexes) {
            syncIndexes();
        }
    }

    /** Renames the three files with a {@code .deleted} suffix; the open channel stays readable. Log lock only. */
    void renameToDeleted() throws IOException {
        renameFiles(FileNames.DELETED_SUFFIX);
    }

    /**
     * Renames the three files to their segment names ({@code 00000000000000001234.log} …) followed by
     * {@code suffix} ("" for the plain names); an index file that does not exist is skipped. The open channel and
     * mappings stay valid. A {@code .deleted} name may already be taken by an earlier segment with the same base
     * offset, replaced by compaction less than {@code file.delete.delay.ms} ago: it is replaced (as Kafka does); the
     * earlier segment's readers keep their open channel, and deleting by name later finds the file gone or removes
     * the newer one early, which its own readers survive the same way. Log lock only (or the cleaner's own, not yet
     * published, segment).
     */
    void renameFiles(String suffix) throws IOException {
        Path dir = logFile.getParent();
        CopyOption[] options = suffix.equals(FileNames.DELETED_SUFFIX)
                ? new CopyOption[] {StandardCopyOption.REPLACE_EXISTING} : new CopyOption[0];
        Path target = FileNames.withSuffix(FileNames.logFile(dir, baseOffset), suffix);
        Files.move(logFile, target, options);
        logFile = target;
        offsetIndex.renameTo(FileNames.withSuffix(FileNames.indexFile(dir, baseOffset), suffix), options);
        timeIndex.renameTo(FileNames.withSuffix(FileNames.timeIndexFile(dir, baseOffset), suffix), options);
    }

    /** Closes the channel and deletes the files (after the delete delay). */
    void closeAndDelete() throws IOException {
        channel.close();
        Files.deleteIfExists(logFile);
        Files.deleteIfExists(offsetIndex.file());
        Files.deleteIfExists(timeIndex.file());
    }

    /** Clean close of the active segment: final time index entry, trimmed indexes, fsync, channel closed. */
    void close() throws IOException {
        onBecomeInactive();
        flush(true);
        channel.close();
    }

    /** Closes without trimming (an inactive segment, or a log being dropped). */
    void closeChannel() throws IOException {
        channel.close();
    }

    @Override
    public String toString() {
        return "LogSegment(base=" + baseOffset + ", size=" + size + ", file=" + logFile + ")";
    }
}
