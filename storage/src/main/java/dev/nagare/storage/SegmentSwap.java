package dev.nagare.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces segments by the segment a cleaning made of them, so that a crash (kill -9, or power loss: the directory is
 * fsynced between the steps) at any moment leaves, after {@link #recover}, either the old segments or the new one,
 * whole, and never loses a record of either.
 *
 * <h2>Files</h2>
 * A cleaning turns the consecutive segments {@code g1 … gn} (base offsets {@code B = g1 < g2 < … < gn}) into one
 * segment with base offset {@code B}. Its three files are written as {@code B.log.cleaned}, {@code B.index.cleaned},
 * {@code B.timeindex.cleaned} and fsynced before the swap begins. Suffixes used during the swap:
 * <pre>
 * .cleaned   the cleaner's output while it is written (or complete, not yet committed)
 * .swapout   g2 … gn, set aside before the commit: they belong to the swap in progress (at most one per partition)
 * .swap      the output once committed: from the moment B.log.swap exists it is the truth for [B, end of gn]
 * .deleted   old files, removed after file.delete.delay.ms (reads in flight keep their open channels)
 * </pre>
 *
 * <h2>The swap ({@link #swap}), under the log's lock</h2>
 * <ol>
 *   <li>g2 … gn are renamed {@code .swapout}; fsync the directory (only when n &gt; 1).</li>
 *   <li><b>Commit</b>: the output is renamed {@code .cleaned → .swap} ({@code .log} first); fsync the directory.</li>
 *   <li>g1 … gn are renamed {@code .deleted}; then the output {@code .swap → } its plain names; fsync the
 *       directory. The caller then swaps the segment objects in the log's map and schedules the deletions.</li>
 * </ol>
 * When the output is empty and does not start the log, no file is committed: g1 … gn are simply renamed
 * {@code .deleted} (each rename on its own is a consistent state: what remains are records that a later record of
 * the same key supersedes).
 *
 * <h2>Recovery ({@link #recover}), before a partition directory is loaded</h2>
 * <ol>
 *   <li>Every {@code .cleaned} file is deleted (a cleaning that did not commit).</li>
 *   <li>If a {@code B.log.swap} exists, the swap committed: the old {@code B.log} and its indexes and every
 *       {@code .swapout} file are deleted, and {@code B.log.swap} is renamed {@code B.log}. Otherwise the
 *       {@code .swapout} files are renamed back: the old segments stay.</li>
 *   <li>Every other {@code .swap} file (an index) is deleted; the loader rebuilds a missing index from its log.</li>
 * </ol>
 * Crash points, one by one: during the writing or before step 1 — the {@code .cleaned} files go, the old segments are
 * untouched; within step 1 — no {@code .log.swap}, the set-aside segments come back; after the commit — recovery
 * finishes what step 3 began, whichever of its renames were done.
 *
 * <p>Stateless. {@link #swap} runs under the owning log's lock; {@link #recover} while loading, before the log is
 * shared.
 */
final class SegmentSwap {
    private static final Logger LOG = LoggerFactory.getLogger(SegmentSwap.class);

    private SegmentSwap() {
    }

    /**
     * Steps 1-3 above. {@code output} is null when the cleaning left nothing and {@code old} does not start the log;
     * otherwise its base offset is that of {@code old.get(0)}, and it is complete and fsynced.
     */
    static void swap(Path dir, List<LogSegment> old, LogSegment output) throws IOException {
        if (output == null) {
            for (LogSegment s : old) {
                s.renameToDeleted();
            }
            AtomicFile.fsyncDirectory(dir);
            return;
        }
        List<LogSegment> setAside = old.subList(1, old.size());
        for (LogSegment s : setAside) {
            s.renameFiles(FileNames.SWAPOUT_SUFFIX);
        }
        if (!setAside.isEmpty()) {
            AtomicFile.fsyncDirectory(dir);
        }
        output.renameFiles(FileNames.SWAP_SUFFIX);
        AtomicFile.fsyncDirectory(dir);
        for (LogSegment s : old) {
            s.renameToDeleted();
        }
        output.renameFiles("");
        AtomicFile.fsyncDirectory(dir);
    }

    /** True for a file that only an interrupted swap leaves behind, i.e. that {@link #recover} has to act on. */
    static boolean leftBehind(String fileName) {
        return fileName.endsWith(FileNames.CLEANED_SUFFIX) || fileName.endsWith(FileNames.SWAP_SUFFIX)
                || fileName.endsWith(FileNames.SWAPOUT_SUFFIX);
    }

    /** Recovery steps 1-3 above, for one partition directory. */
    static void recover(Path dir) throws IOException {
        List<Path> cleaned = new ArrayList<>();
        List<Path> swappedLogs = new ArrayList<>();
        List<Path> otherSwaps = new ArrayList<>();
        List<Path> setAside = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = f.getFileName().toString();
                if (name.endsWith(FileNames.CLEANED_SUFFIX)) {
                    cleaned.add(f);
                } else if (name.endsWith(FileNames.LOG_SUFFIX + FileNames.SWAP_SUFFIX)) {
                    swappedLogs.add(f);
                } else if (name.endsWith(FileNames.SWAP_SUFFIX)) {
                    otherSwaps.add(f);
                } else if (name.endsWith(FileNames.SWAPOUT_SUFFIX)) {
                    setAside.add(f);
                }
            }
        }
        for (Path f : cleaned) {
            Files.deleteIfExists(f);
        }
        for (Path swapped : swappedLogs) {
            Path log = withoutSuffix(swapped, FileNames.SWAP_SUFFIX);
            long base = FileNames.offsetOf(log.getFileName().toString(), FileNames.LOG_SUFFIX);
            LOG.info("Finishing the interrupted swap of {} (replacing {} set-aside segments)", swapped,
                    setAside.size());
            Files.deleteIfExists(log);
            Files.deleteIfExists(FileNames.indexFile(dir, base));
            Files.deleteIfExists(FileNames.timeIndexFile(dir, base));
        }
        for (Path f : setAside) {
            if (swappedLogs.isEmpty()) {
                LOG.info("Restoring {}: its cleaning did not commit", f);
                Files.move(f, withoutSuffix(f, FileNames.SWAPOUT_SUFFIX));
            } else {
                Files.deleteIfExists(f);
            }
        }
        for (Path swapped : swappedLogs) {
            Files.move(swapped, withoutSuffix(swapped, FileNames.SWAP_SUFFIX));
        }
        for (Path f : otherSwaps) {
            Files.deleteIfExists(f);
        }
        if (!cleaned.isEmpty() || !swappedLogs.isEmpty() || !setAside.isEmpty() || !otherSwaps.isEmpty()) {
            AtomicFile.fsyncDirectory(dir);
        }
    }

    private static Path withoutSuffix(Path f, String suffix) {
        String name = f.getFileName().toString();
        return f.resolveSibling(name.substring(0, name.length() - suffix.length()));
    }
}
