package dev.nagare.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads one partition directory into a {@link Log}.
 *
 * <ul>
 *   <li>Leftovers first: a cleaning interrupted by a crash is finished or undone ({@link SegmentSwap#recover}),
 *       {@code .deleted} and {@code .tmp} files are removed, as are index files whose {@code .log} is gone.</li>
 *   <li>After a clean shutdown nothing is scanned: segments are opened with their files' lengths, indexes are
 *       mapped on first use, the log end comes from the active segment's last index entry plus a short header scan,
 *       and producer state from the snapshot written at close.</li>
 *   <li>After a crash every segment from the one holding the recovery point onwards is scanned batch by batch
 *       ({@link LogSegment#recover}): the file is cut at the first torn or corrupt batch, its indexes rebuilt, and
 *       every later segment deleted. Segments before the recovery point are trusted as they are, and so is the part
 *       of the segment holding it up to the last batch below it that the offset index names: the scan starts
 *       there, so a crash costs a read of what came after the last checkpoint, not of the whole segment.</li>
 *   <li>In both cases an index that is missing or fails the cheap open-time check is rebuilt, and producer state is
 *       the newest valid snapshot at or below the recovery point (the log end after a clean shutdown) plus a replay
 *       of the batch headers after it.</li>
 * </ul>
 *
 * <p>Stateless; runs on the thread that opens the {@link LogManager}, before the log is shared.
 */
final class LogRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(LogRecovery.class);

    private LogRecovery() {
    }

    /** Creates an empty log whose first segment starts at {@code startOffset}. */
    static Log create(TopicPartition tp, Path dir, LogConfig config, Time time, LogHooks hooks, long startOffset) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new KafkaStorageException("Cannot create " + dir, e);
        }
        ConcurrentSkipListMap<Long, LogSegment> segments = new ConcurrentSkipListMap<>();
        segments.put(startOffset, LogSegment.create(dir, startOffset, config.segmentIndexBytes()));
        return new Log(tp, dir, config, time, hooks, segments, new ProducerStateTable(), startOffset, -1, startOffset,
                startOffset);
    }

    /**
     * Loads an existing partition directory.
     *
     * @param clean            the previous run closed cleanly: trust every file
     * @param recoveryPoint    the checkpointed recovery point, or -1 when unknown (scan everything)
     * @param logStartOffset   the checkpointed log start offset, or -1 when unknown (the first segment's base)
     */
    static Log load(TopicPartition tp, Path dir, LogConfig config, Time time, LogHooks hooks, boolean clean,
                    long recoveryPoint, long logStartOffset) {
        try {
            Listing listing = removeLeftoversAndList(dir);
            TreeSet<Long> bases = listing.bases();
            if (bases.isEmpty()) {
                long start = Math.max(0, logStartOffset);
                deleteSnapshotsAbove(listing.snapshots(), -1);
                return create(tp, dir, config, time, hooks, start);
            }
            ConcurrentSkipListMap<Long, LogSegment> segments = new ConcurrentSkipListMap<>();
            for (long base : bases) {
                segments.put(base, LogSegment.open(dir, base, config.segmentIndexBytes(), base == bases.last()));
            }
            long rp = clean ? Long.MAX_VALUE : Math.max(0, recoveryPoint);
            long totalBytes = 0;
            for (LogSegment s : segments.values()) {
                totalBytes += s.size();
            }
            int segmentCount = segments.size();
            ScanCount scanned = new ScanCount();
            BatchHeader lastBatch = recoverSegments(tp, dir, segments, rp, config, scanned);
            LogSegment active = segments.lastEntry().getValue();
            // After compaction the batches at the end of the segment before an empty active one may be gone: the end
            // is then the active segment's base, which was the end when it was rolled.
            long end = lastBatch == null ? active.baseOffset : Math.max(active.baseOffset, lastBatch.nextOffset());
            int lastEpoch = lastBatch == null ? -1 : lastBatch.partitionLeaderEpoch();
            long start = Math.min(end, Math.max(segments.firstKey(), logStartOffset));
            long trusted = Math.min(rp, end);
            ProducerStateTable producers = restoreProducerState(listing.snapshots(), segments, trusted, end);
            if (!clean || scanned.segments > 0) {
                LOG.info("Recovered {}: log end {}, scanned {} of {} segments ({} of {} bytes) from offset {}",
                        tp, end, scanned.segments, segmentCount, scanned.bytes, totalBytes, trusted);
            }
            return new Log(tp, dir, config, time, hooks, segments, producers, end, lastEpoch, start, trusted);
        } catch (IOException e) {
            throw new KafkaStorageException("Cannot load " + dir, e);
        }
    }

    /** What a partition directory holds once leftovers are gone: segment base offsets and producer snapshots. */
    private record Listing(TreeSet<Long> bases, TreeMap<Long, Path> snapshots) {
    }

    /** Lists the directory once (twice after an interrupted swap): at 1,000 partitions every listing shows. */
    private static Listing removeLeftoversAndList(Path dir) throws IOException {
        List<Path> all = list(dir);
        if (all.stream().anyMatch(f -> SegmentSwap.leftBehind(f.getFileName().toString()))) {
            SegmentSwap.recover(dir);
            all = list(dir);
        }
        TreeSet<Long> bases = new TreeSet<>();
        TreeMap<Long, Path> snapshots = new TreeMap<>();
        List<Path> indexes = new ArrayList<>();
        for (Path f : all) {
            String name = f.getFileName().toString();
            if (name.endsWith(FileNames.DELETED_SUFFIX) || name.endsWith(FileNames.TMP_SUFFIX)) {
                Files.deleteIfExists(f);
            } else if (name.endsWith(FileNames.INDEX_SUFFIX) || name.endsWith(FileNames.TIME_INDEX_SUFFIX)) {
                indexes.add(f);
            } else if (ProducerSnapshotFile.offsetOf(f) >= 0) {
                snapshots.put(ProducerSnapshotFile.offsetOf(f), f);
            } else {
                long base = FileNames.offsetOf(name, FileNames.LOG_SUFFIX);
                if (base >= 0) {
                    bases.add(base);
                }
            }
        }
        for (Path f : indexes) {
            String name = f.getFileName().toString();
            long base = Math.max(FileNames.offsetOf(name, FileNames.INDEX_SUFFIX),
                    FileNames.offsetOf(name, FileNames.TIME_INDEX_SUFFIX));
            if (!bases.contains(base)) {
                Files.deleteIfExists(f);
            }
        }
        return new Listing(bases, snapshots);
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        }
    }

    /** Deletes the snapshots above {@code offset} (they describe data that recovery truncated) and forgets them. */
    private static void deleteSnapshotsAbove(TreeMap<Long, Path> snapshots, long offset) throws IOException {
        while (!snapshots.isEmpty() && snapshots.lastKey() > offset) {
            Files.deleteIfExists(snapshots.pollLastEntry().getValue());
        }
    }

    /**
     * Scans the segments from the one holding {@code recoveryPoint}, rebuilds insane indexes of the others, and
     * returns the header of the log's last batch (null when the log is empty).
     */
    private static BatchHeader recoverSegments(TopicPartition tp, Path dir, ConcurrentSkipListMap<Long, LogSegment> segments,
                                               long recoveryPoint, LogConfig config, ScanCount scanned)
            throws IOException {
        Long scanFrom = recoveryPoint == Long.MAX_VALUE ? null : segments.floorKey(recoveryPoint);
        if (recoveryPoint != Long.MAX_VALUE && scanFrom == null) {
            scanFrom = segments.firstKey();
        }
        BatchHeader last = null;
        List<LogSegment> all = new ArrayList<>(segments.values());
        for (int i = 0; i < all.size(); i++) {
            LogSegment s = all.get(i);
            boolean isLast = i == all.size() - 1;
            boolean scan = scanFrom != null && s.baseOffset >= scanFrom;
            if (!scan && s.indexesLookSane()) {
                if (isLast) {
                    last = s.readLastBatch();
                }
                continue;
            }
            scanned.segments++;
            // The segment holding the recovery point resumes after its last trusted index entry below it; a segment
            // rebuilt only for an insane index is read whole.
            LogSegment.RecoveryResult r = s.recover(config.indexIntervalBytes(), scan ? recoveryPoint : -1);
            scanned.bytes += r.scannedBytes();
            if (r.truncatedBytes() > 0) {
                LOG.warn("{}: truncated {} bytes of torn or corrupt batches at the end of {}", tp, r.truncatedBytes(), s);
            }
            boolean nextIsBehind = !isLast && all.get(i + 1).baseOffset < r.nextOffset();
            if (r.truncatedBytes() > 0 && !isLast || nextIsBehind) {
                for (LogSegment later : all.subList(i + 1, all.size())) {
                    LOG.warn("{}: deleting {} after the truncation point", tp, later);
                    segments.remove(later.baseOffset);
                    later.closeAndDelete();
                }
                return r.lastBatch() != null ? r.lastBatch() : lastBatchBefore(segments, s);
            }
            if (isLast) {
                last = r.lastBatch() != null ? r.lastBatch() : lastBatchBefore(segments, s);
            } else {
                s.onBecomeInactive();
            }
        }
        return last;
    }

    /** What {@link #recoverSegments} read batch by batch, for the start-up log line. Loading thread only. */
    private static final class ScanCount {
        int segments;
        long bytes;
    }

    /** The last batch of the segments before {@code s} (the active segment is empty). */
    private static BatchHeader lastBatchBefore(ConcurrentSkipListMap<Long, LogSegment> segments, LogSegment s)
            throws IOException {
        Map.Entry<Long, LogSegment> prev = segments.lowerEntry(s.baseOffset);
        return prev == null ? null : prev.getValue().readLastBatch();
    }

    /**
     * The newest valid snapshot at or below {@code trusted}, then every batch header from its offset to the end.
     */
    private static ProducerStateTable restoreProducerState(TreeMap<Long, Path> snapshots,
                                                           ConcurrentSkipListMap<Long, LogSegment> segments,
                                                           long trusted, long end) throws IOException {
        deleteSnapshotsAbove(snapshots, end);
        ProducerStateTable table = new ProducerStateTable();
        long replayFrom = segments.firstKey();
        for (Map.Entry<Long, Path> snap : snapshots.headMap(trusted, true).descendingMap().entrySet()) {
            Optional<List<ProducerStateTable.ProducerState>> states = ProducerSnapshotFile.read(snap.getValue());
            if (states.isPresent()) {
                table.load(states.get());
                replayFrom = snap.getKey();
                break;
            }
            LOG.warn("Ignoring corrupt producer snapshot {}", snap.getValue());
        }
        if (replayFrom >= end) {
            return table;
        }
        Long from = segments.floorKey(replayFrom);
        ByteBuffer scratch = BatchHeader.newScratch();
        for (LogSegment s : (from == null ? segments : segments.tailMap(from, true)).values()) {
            long pos = s.offsetIndex.lookup(replayFrom);
            BatchHeader h;
            while ((h = BatchHeader.read(s.channel(), pos, s.size(), scratch)) != null) {
                if (h.baseOffset() >= replayFrom) {
                    table.replay(h);
                }
                pos += h.sizeInBytes();
            }
        }
        return table;
    }
}
