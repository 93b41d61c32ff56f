package dev.nagare.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiPredicate;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.utils.Time;

/**
 * The log of one partition: an ordered list of {@link LogSegment}s in the directory {@code topic-partition}, the
 * newest of which (the active segment) takes the appends.
 *
 * <p>Threads: {@link #append}, rolling, retention and {@link #deleteRecordsBefore} are serialized on the log's own
 * lock (one writer per partition; no lock spans partitions). {@link #read}, the offset getters and
 * {@link #offsetForTimestamp} are lock-free and may run on any thread concurrently with an append. An append
 * writes the bytes, then publishes the new end — offset, active segment and byte position together — in one
 * volatile write of {@link EndPoint}; readers read that volatile first and never look past its position, so they
 * never see a partial batch nor one beyond the high watermark. Segments are found in a
 * {@link ConcurrentSkipListMap} by base offset; a segment removed by retention keeps its channel open for
 * {@code file.delete.delay.ms}, so a read that found it just before still succeeds. {@link #flush} is serialized
 * on a separate flush lock so an fsync never blocks appends.
 *
 * <p>Time-based rolling: {@code segment.ms} (in a compacted log at most {@code max.compaction.lag.ms}, see
 * {@link LogConfig#rollMs()}) counts from the broker clock when the segment received its first batch
 * (after a restart, from that batch's max timestamp, since the broker time is not stored). Unlike Kafka, a
 * producer's clock skew therefore cannot cause or prevent rolls.
 */
public final class Log {
    /** The end of the log as readers may see it: written only after the bytes up to {@code position} are written. */
    record EndPoint(long offset, LogSegment segment, int position, int lastLeaderEpoch) {
    }

    private final TopicPartition topicPartition;
    private volatile Path dir;
    private volatile LogConfig config;
    private final Time time;
    private final LogHooks hooks;
    private final ReentrantLock lock = new ReentrantLock();
    private final Object flushLock = new Object();
    private final ConcurrentSkipListMap<Long, LogSegment> segments;
    private final ProducerStateTable producerState;
    private volatile EndPoint end;
    private volatile long logStartOffset;
    /** Offsets below this are fsynced with their indexes; recovery scans from the segment holding it. */
    private volatile long recoveryPoint;
    /** Set when the log is deleted or closed; appends then fail. Log lock. */
    private volatile boolean closed;

    Log(TopicPartition tp, Path dir, LogConfig config, Time time, LogHooks hooks,
        ConcurrentSkipListMap<Long, LogSegment> segments, ProducerStateTable producerState, long logEndOffset,
        int lastLeaderEpoch, long logStartOffset, long recoveryPoint) {
        this.topicPartition = tp;
        this.dir = dir;
        this.config = config;
        this.time = time;
        this.hooks = hooks;
        this.segments = segments;
        this.producerState = producerState;
        LogSegment active = segments.lastEntry().getValue();
        this.end = new EndPoint(logEndOffset, active, active.size(), lastLeaderEpoch);
        this.logStartOffset = logStartOffset;
        this.recoveryPoint = recoveryPoint;
    }

    public TopicPartition topicPartition() {
        return topicPartition;
    }

    /** The partition directory ({@code topic-N}; renamed {@code topic-N.<id>-delete} once deleted). */
    public Path dir() {
        return dir;
    }

    public LogConfig config() {
        return config;
    }

    /** Replaces the log's config; takes effect for the next append, roll and retention check. */
    public void updateConfig(LogConfig config) {
        this.config = config;
    }

    /**
     * Validates, stamps and writes the batches of one produce request for this partition, returning once they are
     * written to the segment file (page cache; not fsynced — see {@link LogManager#flushAsync}).
     *
     * <p>Never decodes records one by one (except in a compacted log, where every record must have a key, which
     * Kafka checks the same way): each batch is checked by its header (magic 2, size, CRC, base offset 0,
     * not transactional or control), then its base offset (and partition leader epoch, and for LOG_APPEND_TIME
     * the max timestamp and attributes, recomputing the CRC) is written in place in {@code records}' buffer, and
     * the buffer is written to the file as it is, with one positional write (a direct buffer is not copied).
     * Idempotent producer batches are checked against the producer state: a retry of one of the last 5 batches
     * returns its original offsets with {@code duplicate=true} and writes nothing. A new segment is rolled first
     * when the batches would take the active one past {@code segment.bytes}, when {@code segment.ms} has passed
     * (see the class comment) or when an index is full. When the log's {@code compression.type} is a codec and a
     * batch was sent with another, the batch is re-compressed first ({@link Recompression}), as Kafka does, and the
     * re-compressed batch is checked again (its size may now exceed {@code max.message.bytes}).
     *
     * @throws org.apache.kafka.common.errors.CorruptRecordException         bad CRC, truncated batch, wrong magic
     * @throws org.apache.kafka.common.InvalidRecordException                base offset not 0, control batch from a client,
     *                                                                      a record without key in a compacted log
     * @throws org.apache.kafka.common.errors.RecordTooLargeException        a batch larger than max.message.bytes
     * @throws org.apache.kafka.common.errors.RecordBatchTooLargeException   the whole set larger than segment.bytes
     * @throws org.apache.kafka.common.errors.InvalidTimestampException      CreateTime outside the before/after bounds
     * @throws org.apache.kafka.common.errors.OutOfOrderSequenceException    a sequence gap, or a new epoch not at 0
     * @throws org.apache.kafka.common.errors.InvalidProducerEpochException  a stale producer epoch
     * @throws org.apache.kafka.common.errors.InvalidTxnStateException       a transactional batch (no transactions yet)
     * @throws org.apache.kafka.common.errors.UnknownTopicOrPartitionException the log was deleted or closed
     * @throws org.apache.kafka.common.errors.KafkaStorageException          an I/O error
     */
    public AppendResult append(MemoryRecords records, int leaderEpoch) {
        LogConfig cfg = config;
        long now = time.milliseconds();
        AppendValidator.Validated valid = AppendValidator.validate(records, cfg, now, topicPartition);
        if (cfg.compression().isPresent() && Recompression.needed(valid.batches(), cfg.compression().get())) {
            records = Recompression.apply(valid.batches(), cfg.compression().get());
            valid = AppendValidator.validate(records, cfg, now, topicPartition);
        }
        boolean logAppendTime = cfg.timestampType() == TimestampType.LOG_APPEND_TIME;
        lock.lock();
        try {
            if (closed) {
                throw new UnknownTopicOrPartitionException("Log of " + topicPartition + " is deleted or closed");
            }
            EndPoint e = end;
            ProducerStateTable.Pending pending = producerState.begin();
            List<LogSegment.AppendedBatch> appended = new ArrayList<>(valid.batches().size());
            long next = e.offset();
            for (MutableRecordBatch batch : valid.batches()) {
                if (batch.hasProducerId()) {
                    ProducerStateTable.BatchMetadata dup = pending.check(batch.producerId(), batch.producerEpoch(),
                            batch.baseSequence(), batch.lastSequence());
                    if (dup != null) {
                        return new AppendResult(dup.firstOffset(), dup.lastOffset(),
                                logAppendTime ? dup.timestamp() : RecordBatch.NO_TIMESTAMP, logStartOffset, true);
                    }
                }
                long last = next + batch.lastOffset(); // base offset is 0, so lastOffset() is lastOffsetDelta
                batch.setLastOffset(last);
                batch.setPartitionLeaderEpoch(leaderEpoch);
                if (logAppendTime) {
                    batch.setMaxTimestamp(TimestampType.LOG_APPEND_TIME, now);
                }
                if (batch.hasProducerId()) {
                    pending.add(batch.producerId(), batch.producerEpoch(), new ProducerStateTable.BatchMetadata(
                            batch.baseSequence(), batch.lastSequence(), next, last, batch.maxTimestamp()));
                }
                appended.add(new LogSegment.AppendedBatch(batch.sizeInBytes(), last, batch.maxTimestamp()));
                next = last + 1;
            }
            LogSegment segment = maybeRoll(e, valid.sizeInBytes(), next - 1, now, cfg);
            segment.append(records.buffer(), appended, cfg.indexIntervalBytes(), now);
            producerState.apply(pending);
            end = new EndPoint(next, segment, segment.size(), leaderEpoch);
            return new AppendResult(e.offset(), next - 1, logAppendTime ? now : RecordBatch.NO_TIMESTAMP,
                    logStartOffset, false);
        } catch (IOException ex) {
            throw new KafkaStorageException("Append to " + topicPartition + " failed", ex);
        } finally {
            lock.unlock();
        }
    }

    private LogSegment maybeRoll(EndPoint e, int bytes, long lastOffset, long now, LogConfig cfg) throws IOException {
        LogSegment s = e.segment();
        if (s.size() == 0) {
            return s;
        }
        long rollFrom = s.rollingBasedTimestamp();
        boolean roll = (long) s.size() + bytes > cfg.segmentBytes()
                || rollFrom >= 0 && now - rollFrom > cfg.rollMs()
                || s.offsetIndex.isFull() || s.timeIndex.isFull()
                || lastOffset - s.baseOffset > Integer.MAX_VALUE;
        return roll ? roll(e) : s;
    }

    /** Starts a new segment at the log end. Log lock only; the active segment must not be empty. */
    private LogSegment roll(EndPoint e) throws IOException {
        LogSegment old = e.segment();
        old.onBecomeInactive();
        LogSegment fresh = LogSegment.create(dir, e.offset(), config.segmentIndexBytes());
        segments.put(e.offset(), fresh);
        end = new EndPoint(e.offset(), fresh, 0, e.lastLeaderEpoch());
        ProducerSnapshotFile.write(dir, e.offset(), producerState.snapshot());
        ProducerSnapshotFile.deleteOld(dir);
        hooks.segmentRolled(this);
        return fresh;
    }

    /**
     * Reads whole batches starting with the one that holds {@code offset}, from one segment, up to
     * {@code maxBytes} (the last batch may be cut short, as in Kafka), never past the high watermark. With
     * {@code minOneBatch} the first batch is returned whole even when larger than {@code maxBytes} (Kafka's rule for
     * the first partition of a fetch); without it such a batch gives an empty read, never a cut one. Lock-free.
     *
     * @throws OffsetOutOfRangeException offset below the log start or above the end
     * @throws KafkaStorageException     an I/O error
     */
    public LogReadInfo read(long offset, int maxBytes, boolean minOneBatch) {
        EndPoint e = end;
        long start = logStartOffset;
        if (offset < start || offset > e.offset()) {
            throw new OffsetOutOfRangeException("Offset " + offset + " is outside [" + start + ", " + e.offset()
                    + "] of " + topicPartition);
        }
        if (offset == e.offset()) {
            return new LogReadInfo(LogSlice.EMPTY, e.offset(), start, e.offset());
        }
        Map.Entry<Long, LogSegment> entry = segments.floorEntry(offset);
        if (entry == null) {
            throw new OffsetOutOfRangeException("Offset " + offset + " was deleted from " + topicPartition);
        }
        try {
            while (entry != null && entry.getKey() < e.offset()) {
                LogSegment s = entry.getValue();
                long maxPosition = s == e.segment() ? e.position() : s.size();
                LogSlice slice = s.read(offset, maxBytes, maxPosition, minOneBatch);
                if (slice != null) {
                    return new LogReadInfo(slice, e.offset(), start, e.offset());
                }
                entry = segments.higherEntry(entry.getKey());
            }
            return new LogReadInfo(LogSlice.EMPTY, e.offset(), start, e.offset());
        } catch (ClosedChannelException ex) {
            throw new OffsetOutOfRangeException("Offset " + offset + " was deleted from " + topicPartition);
        } catch (IOException ex) {
            throw new KafkaStorageException("Read of " + topicPartition + " failed", ex);
        }
    }

    public long logStartOffset() {
        return logStartOffset;
    }

    /** The next offset to be written. */
    public long logEndOffset() {
        return end.offset();
    }

    /** On a single node the high watermark is the end of the last completed write (the log end offset). */
    public long highWatermark() {
        return end.offset();
    }

    /** Offsets below this are fsynced; recovery after a crash scans from the segment holding it. */
    public long recoveryPoint() {
        return recoveryPoint;
    }

    /** Bytes of all segments' {@code .log} files. */
    public long size() {
        long total = 0;
        for (LogSegment s : segments.values()) {
            total += s.size();
        }
        return total;
    }

    public int segmentCount() {
        return segments.size();
    }

    /** The base offsets of the segments, oldest first. */
    public List<Long> segmentBaseOffsets() {
        return List.copyOf(segments.keySet());
    }

    /**
     * The timestamp of the batch holding {@code offset} (where compaction removed it, of the next batch), read from
     * the batch header the offset index leads to, without reading records: the batch's first timestamp, or for a
     * LogAppendTime batch its max timestamp, which every record carries. Empty when {@code offset} is below the log
     * start or at or past the end. Lock-free; this is what time lag reads.
     *
     * @throws KafkaStorageException an I/O error
     */
    public OptionalLong batchTimestampAt(long offset) {
        EndPoint e = end;
        if (offset < logStartOffset || offset >= e.offset()) {
            return OptionalLong.empty();
        }
        ByteBuffer scratch = BatchHeader.newScratch();
        try {
            Map.Entry<Long, LogSegment> entry = segments.floorEntry(offset);
            while (entry != null && entry.getKey() < e.offset()) {
                LogSegment s = entry.getValue();
                BatchHeader h = s.findBatch(offset, s == e.segment() ? e.position() : s.size(), scratch);
                if (h != null) {
                    boolean appendTime = (h.attributes() & BatchHeader.LOG_APPEND_TIME_FLAG) != 0;
                    return OptionalLong.of(appendTime ? h.maxTimestamp() : h.baseTimestamp());
                }
                entry = segments.higherEntry(entry.getKey());
            }
            return OptionalLong.empty();
        } catch (ClosedChannelException ex) {
            return OptionalLong.empty(); // deleted by retention meanwhile
        } catch (IOException ex) {
            throw new KafkaStorageException("Read of " + topicPartition + " failed", ex);
        }
    }

    /**
     * ListOffsets: the first record at or after the log start whose timestamp is at or after {@code timestamp},
     * found through the first segment whose max timestamp is that new, its time index, its offset index, then the
     * records of one batch; or {@code -1} latest (LEO, epoch of the last batch), {@code -2} and {@code -4} earliest
     * (log start), {@code -3} the first record with the largest timestamp. Empty when no record is that new (or for
     * -3 on an empty log, and other negative values). Lock-free.
     */
    public Optional<TimestampAndOffset> offsetForTimestamp(long timestamp) {
        EndPoint e = end;
        long start = logStartOffset;
        try {
            if (timestamp == -1L) {
                return Optional.of(new TimestampAndOffset(-1, e.offset(), e.lastLeaderEpoch()));
            }
            if (timestamp == -2L || timestamp == -4L) {
                return Optional.of(new TimestampAndOffset(-1, start, epochAt(start, e)));
            }
            if (timestamp == -3L) {
                return maxTimestampRecord(e);
            }
            if (timestamp < 0) {
                return Optional.empty();
            }
            for (LogSegment s : segmentsFrom(start, e)) {
                if (s.maxTimestamp() >= timestamp) {
                    Optional<TimestampAndOffset> found = s.findOffsetByTimestamp(timestamp, start, maxPosition(s, e));
                    if (found.isPresent()) {
                        return found;
                    }
                }
            }
            return Optional.empty();
        } catch (IOException ex) {
            throw new KafkaStorageException("Timestamp lookup in " + topicPartition + " failed", ex);
        }
    }

    private Optional<TimestampAndOffset> maxTimestampRecord(EndPoint e) throws IOException {
        LogSegment best = null;
        for (LogSegment s : segmentsFrom(logStartOffset, e)) {
            if (s.maxTimestamp() >= 0 && (best == null || s.maxTimestamp() > best.maxTimestamp())) {
                best = s;
            }
        }
        return best == null ? Optional.empty() : best.findMaxTimestampRecord(maxPosition(best, e));
    }

    private int epochAt(long offset, EndPoint e) throws IOException {
        Map.Entry<Long, LogSegment> entry = segments.floorEntry(offset);
        if (entry == null || offset >= e.offset()) {
            return e.lastLeaderEpoch();
        }
        BatchHeader h = entry.getValue().findBatch(offset, maxPosition(entry.getValue(), e), BatchHeader.newScratch());
        return h == null ? -1 : h.partitionLeaderEpoch();
    }

    private static long maxPosition(LogSegment s, EndPoint e) {
        return s == e.segment() ? e.position() : s.size();
    }

    /** Segments from the one holding {@code offset} up to the published end, oldest first. */
    private Iterable<LogSegment> segmentsFrom(long offset, EndPoint e) {
        Long from = segments.floorKey(offset);
        NavigableMap<Long, LogSegment> view = from == null ? segments : segments.tailMap(from, true);
        return view.headMap(e.segment().baseOffset, true).values();
    }

    /** The idempotent producers known to this partition, by producer id. */
    public List<ProducerStateEntry> activeProducers() {
        return producerState.producers();
    }

    /**
     * Moves the log start offset to {@code offset} (DeleteRecords) and deletes the segments that lie wholly below
     * it; returns the new log start offset. Reads below it fail with {@link OffsetOutOfRangeException}.
     *
     * @throws OffsetOutOfRangeException {@code offset} is beyond the high watermark
     */
    public long deleteRecordsBefore(long offset) {
        lock.lock();
        try {
            if (offset > end.offset()) {
                throw new OffsetOutOfRangeException("Cannot delete records before " + offset + ": the high watermark is "
                        + end.offset());
            }
            if (offset > logStartOffset) {
                logStartOffset = offset;
                deleteSegments((s, next) -> next != null && next.baseOffset <= offset, "log start offset");
                hooks.logStartOffsetMoved(this);
            }
            return logStartOffset;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Retention: deletes the oldest whole segments that lie below the log start offset, whose max timestamp is older
     * than {@code retention.ms}, or while the log stays at least {@code retention.bytes} without them. The active
     * segment goes too when it matches (a new one is rolled first, as Kafka does). The last two rules apply only
     * when the cleanup policy includes {@code delete}. Returns segments deleted.
     */
    int deleteRetentionBreachedSegments() {
        LogConfig cfg = config;
        long now = time.milliseconds();
        lock.lock();
        try {
            if (closed) {
                return 0;
            }
            int deleted = deleteSegments((s, next) -> next != null && next.baseOffset <= logStartOffset,
                    "log start offset");
            if (!cfg.cleanup().delete()) {
                return deleted; // plain compact: no retention by age or size, as in Kafka
            }
            if (cfg.retentionMs() >= 0) {
                deleted += deleteSegments((s, next) -> now - s.largestTimestamp() > cfg.retentionMs(), "retention.ms");
            }
            if (cfg.retentionBytes() >= 0) {
                long[] excess = {size() - cfg.retentionBytes()};
                deleted += deleteSegments((s, next) -> {
                    if (excess[0] - s.size() >= 0) {
                        excess[0] -= s.size();
                        return true;
                    }
                    return false;
                }, "retention.bytes");
            }
            return deleted;
        } finally {
            lock.unlock();
        }
    }

    /** Deletes the oldest segments while {@code deletable(segment, next)} holds. Log lock only. */
    private int deleteSegments(BiPredicate<LogSegment, LogSegment> deletable, String reason) {
        List<LogSegment> doomed = new ArrayList<>();
        for (LogSegment s : segments.values()) {
            Map.Entry<Long, LogSegment> next = segments.higherEntry(s.baseOffset);
            LogSegment nextSegment = next == null ? null : next.getValue();
            if (nextSegment == null && s.size() == 0 || !deletable.test(s, nextSegment)) {
                break;
            }
            doomed.add(s);
        }
        if (doomed.isEmpty()) {
            return 0;
        }
        try {
            if (doomed.size() == segments.size()) {
                roll(end);
            }
            long newStart = segments.higherKey(doomed.get(doomed.size() - 1).baseOffset);
            logStartOffset = Math.max(logStartOffset, newStart);
            for (LogSegment s : doomed) {
                segments.remove(s.baseOffset);
            }
            for (LogSegment s : doomed) {
                s.renameToDeleted();
                hooks.deleteLater(config.fileDeleteDelayMs(), s + " (" + reason + ")", s::closeAndDelete);
            }
        } catch (IOException ex) {
            throw new KafkaStorageException("Deleting segments of " + topicPartition + " failed", ex);
        }
        hooks.logStartOffsetMoved(this);
        return doomed.size();
    }

    /** The segments below the active one, oldest first, as they are now. Any thread. */
    List<LogSegment> inactiveSegments() {
        return List.copyOf(segments.headMap(end.segment().baseOffset, false).values());
    }

    /** The base offset of the active segment (the first offset a cleaning never reaches). Any thread. */
    long activeSegmentBaseOffset() {
        return end.segment().baseOffset;
    }

    /** True once the log is closed or deleted: it takes no appends, and a reader holding it must look again. */
    public boolean isClosed() {
        return closed;
    }

    /**
     * The cleaner's swap: {@code cleaned} (complete and fsynced, named {@code .cleaned}) replaces the consecutive
     * inactive segments {@code old}, by {@link SegmentSwap}'s crash-safe protocol; with {@code cleaned} null the old
     * segments are just removed. Offsets do not change: the replacement holds a subset of the old batches at their
     * offsets. The new segment enters the map before the old ones leave it, so a lock-free reader always finds a
     * segment holding every offset still stored; a reader that already holds an old segment keeps reading it until
     * {@code file.delete.delay.ms} has passed. Takes the log lock for the renames only.
     *
     * @return false, changing nothing, when the log was closed or one of {@code old} is no longer in it (retention
     *         deleted it meanwhile); the caller then deletes {@code cleaned}
     */
    boolean replaceSegments(List<LogSegment> old, LogSegment cleaned) {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            for (LogSegment s : old) {
                if (segments.get(s.baseOffset) != s || s == end.segment()) {
                    return false;
                }
            }
            SegmentSwap.swap(dir, old, cleaned);
            if (cleaned != null) {
                segments.put(cleaned.baseOffset, cleaned);
            }
            for (LogSegment s : old) {
                if (cleaned == null || s.baseOffset != cleaned.baseOffset) {
                    segments.remove(s.baseOffset);
                }
                hooks.deleteLater(config.fileDeleteDelayMs(), s + " (compacted)", s::closeAndDelete);
            }
            return true;
        } catch (IOException ex) {
            throw new KafkaStorageException("Swapping cleaned segments into " + topicPartition + " failed", ex);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Writes the active segment's index entries to disk. The checkpoint calls it after reading the recovery point and
     * before writing it, so that after a crash the entries below a checkpointed recovery point are on disk and
     * recovery can start reading there instead of at the segment's first byte ({@link LogSegment#recover}). Any
     * thread; a few dirty pages at most, since the indexes are sparse.
     */
    public void syncActiveIndexes() {
        end.segment().syncIndexes();
    }

    /** fsyncs everything written so far (the rolled segments' indexes too) and advances the recovery point. */
    public void flush() {
        synchronized (flushLock) {
            EndPoint e = end;
            Long from = segments.floorKey(recoveryPoint);
            NavigableMap<Long, LogSegment> view = from == null ? segments : segments.tailMap(from, true);
            try {
                for (LogSegment s : view.headMap(e.segment().baseOffset, true).values()) {
                    s.flush(s != e.segment());
                }
            } catch (ClosedChannelException ex) {
                // a segment deleted by retention meanwhile: nothing of it needs to be durable any more
            } catch (IOException ex) {
                throw new KafkaStorageException("fsync of " + topicPartition + " failed", ex);
            }
            if (e.offset() > recoveryPoint) {
                recoveryPoint = e.offset();
            }
        }
    }

    /** Clean close: producer snapshot at the end, active segment trimmed and fsynced, every channel closed. */
    void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            EndPoint e = end;
            Collection<ProducerStateTable.ProducerState> producers = producerState.snapshot();
            if (producers.isEmpty() && e.offset() == segments.firstKey()) {
                // No batch and no producer: the next open restores an empty table without a snapshot (LogRecovery
                // replays nothing from the first segment's base). Writing one (a file, two fsyncs and a rename) per
                // empty partition was most of a clean shutdown with 10,000 of them. Older ones would be stale.
                ProducerSnapshotFile.deleteAllBut(dir, 0);
            } else {
                ProducerSnapshotFile.write(dir, e.offset(), producers);
                ProducerSnapshotFile.deleteOld(dir);
            }
            synchronized (flushLock) {
                for (LogSegment s : segments.values()) {
                    if (s == e.segment()) {
                        s.close();
                    } else {
                        s.flush(true);
                        s.closeChannel();
                    }
                }
                recoveryPoint = e.offset();
            }
        } catch (IOException ex) {
            throw new KafkaStorageException("Closing " + topicPartition + " failed", ex);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The partition is deleted: appends fail from now on, the directory is renamed to {@code newDir}; the channels
     * stay open (for reads in flight) until {@link #closeChannels}.
     */
    void markDeleted(Path newDir) throws IOException {
        lock.lock();
        try {
            closed = true;
            java.nio.file.Files.move(dir, newDir);
            dir = newDir;
        } finally {
            lock.unlock();
        }
    }

    void closeChannels() throws IOException {
        for (LogSegment s : segments.values()) {
            s.closeChannel();
        }
    }

    /** Rolls a new segment now if the active one is not empty (tests, and config changes). */
    void roll() {
        lock.lock();
        try {
            if (end.segment().size() > 0) {
                roll(end);
            }
        } catch (IOException ex) {
            throw new KafkaStorageException("Roll of " + topicPartition + " failed", ex);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "Log(" + topicPartition + ", start=" + logStartOffset + ", end=" + end.offset() + ")";
    }
}
