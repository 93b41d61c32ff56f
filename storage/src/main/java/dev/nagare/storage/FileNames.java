package dev.nagare.storage;

import java.nio.file.Path;

import org.apache.kafka.common.TopicPartition;

/**
 * File and directory names of the log directory, Kafka's layout.
 *
 * <pre>
 * logDir/
 *   .nagare_clean_shutdown                 present only between a clean close and the next open
 *   recovery-point-offset-checkpoint       {@link Checkpoints} text file
 *   log-start-offset-checkpoint            {@link Checkpoints} text file
 *   topic-N/                               one directory per partition
 *     00000000000000000000.log             record batches ({@link LogSegment})
 *     00000000000000000000.index           offset index ({@link OffsetIndex})
 *     00000000000000000000.timeindex       time index ({@link TimeIndex})
 *     00000000000000001234.snapshot        producer state at offset 1234 ({@link ProducerSnapshotFile})
 *     *.deleted                            a deleted segment's files, removed after file.delete.delay.ms
 *     *.cleaned, *.swap, *.swapout         a cleaning in progress ({@link SegmentSwap})
 *   topic-N.&lt;uuidhex&gt;-delete/              a deleted partition, removed in the background
 *   cleaner-offset-checkpoint              {@link Checkpoints} text file: where each compacted log's dirty part starts
 * </pre>
 *
 * <p>Stateless.
 */
final class FileNames {
    static final String LOG_SUFFIX = ".log";
    static final String INDEX_SUFFIX = ".index";
    static final String TIME_INDEX_SUFFIX = ".timeindex";
    static final String SNAPSHOT_SUFFIX = ".snapshot";
    static final String DELETED_SUFFIX = ".deleted";
    static final String TMP_SUFFIX = ".tmp";
    static final String CLEANED_SUFFIX = ".cleaned";
    static final String SWAP_SUFFIX = ".swap";
    static final String SWAPOUT_SUFFIX = ".swapout";
    static final String DIR_DELETE_SUFFIX = "-delete";
    static final String CLEAN_SHUTDOWN_MARKER = ".nagare_clean_shutdown";
    static final String RECOVERY_POINT_CHECKPOINT = "recovery-point-offset-checkpoint";
    static final String LOG_START_CHECKPOINT = "log-start-offset-checkpoint";
    static final String CLEANER_CHECKPOINT = "cleaner-offset-checkpoint";

    private FileNames() {
    }

    /** The 20-digit zero-padded decimal form of an offset, as Kafka names its files. */
    /** {@code offset} as 20 digits, zero-padded (String.format's parsing showed in start-up profiles). */
    static String offsetPrefix(long offset) {
        String digits = Long.toString(offset);
        return digits.length() >= 20 ? digits : "00000000000000000000".substring(digits.length()) + digits;
    }

    static Path logFile(Path dir, long baseOffset) {
        return dir.resolve(offsetPrefix(baseOffset) + LOG_SUFFIX);
    }

    static Path indexFile(Path dir, long baseOffset) {
        return dir.resolve(offsetPrefix(baseOffset) + INDEX_SUFFIX);
    }

    static Path timeIndexFile(Path dir, long baseOffset) {
        return dir.resolve(offsetPrefix(baseOffset) + TIME_INDEX_SUFFIX);
    }

    /** {@code file} with {@code suffix} appended to its name ({@code file} itself for ""). */
    static Path withSuffix(Path file, String suffix) {
        return suffix.isEmpty() ? file : file.resolveSibling(file.getFileName() + suffix);
    }

    static Path snapshotFile(Path dir, long offset) {
        return dir.resolve(offsetPrefix(offset) + SNAPSHOT_SUFFIX);
    }

    /** The offset a file name starts with, or -1 when the name does not have the form {@code <20 digits><suffix>}. */
    static long offsetOf(String fileName, String suffix) {
        if (!fileName.endsWith(suffix) || fileName.length() != 20 + suffix.length()) {
            return -1;
        }
        try {
            return Long.parseLong(fileName.substring(0, 20));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static String dirName(TopicPartition tp) {
        return tp.topic() + "-" + tp.partition();
    }

    /** Parses {@code topic-N}; null when the name is not a partition directory (e.g. a {@code -delete} one). */
    static TopicPartition parseDirName(String name) {
        if (name.endsWith(DIR_DELETE_SUFFIX) || name.startsWith(".")) {
            return null;
        }
        int dash = name.lastIndexOf('-');
        if (dash <= 0 || dash == name.length() - 1) {
            return null;
        }
        try {
            int partition = Integer.parseInt(name.substring(dash + 1));
            return partition < 0 ? null : new TopicPartition(name.substring(0, dash), partition);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
