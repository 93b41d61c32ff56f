package dev.nagare.storage;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.CopyOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.apache.kafka.common.errors.KafkaStorageException;

/**
 * A memory-mapped file of fixed-size, big-endian entries sorted by key; the common part of {@link OffsetIndex} and
 * {@link TimeIndex}.
 *
 * <p>Design: the active segment's index is mapped once at its full {@code segment.index.bytes} (rounded down to a
 * whole number of entries), so an append is two or three stores into the mapping and a volatile write of the entry
 * count: no system call per batch. The file itself is kept short of the mapping and grown ahead of the appends,
 * doubling from one page ({@link #INITIAL_FILE_BYTES}): one {@code ftruncate} per doubling, about twelve in a full
 * 10 MiB index. A file preallocated to its full size (as Kafka does) is a 10 MiB hole, and the kernel's fault-around
 * readahead fills the whole read-ahead window (8 MiB on this project's machines) with zeroed pages at the first
 * store into it: about a millisecond on the appending thread and 16 MiB of page cache per partition, which at 2,000
 * partitions stalled produce requests for seconds. A fault can only read ahead up to the end of the file, so a short
 * file bounds it to the pages that will be written. When the segment stops being active (roll, clean close) the file is
 * truncated to its entries; the mapping is kept (only entries below the count are ever read), so lock-free readers
 * never touch an unmapped buffer. Mappings are released by the garbage collector, never forcibly unmapped, for the
 * same reason. An index that was not yet used is mapped lazily, on its first lookup (a clean start maps nothing).
 *
 * <p>An empty active index ({@link #reset}: a new segment, one rebuilt by recovery, an empty log opened) has no file
 * and no mapping at all until its first entry: lookups answer from the count alone. Most partitions of a topic of
 * thousands hold no data for a long time, or never reach {@code index.interval.bytes}; creating two files and two
 * 10 MiB mappings for each was half the inodes (the rest: the directory and the log file) and most of the system
 * calls of a CreateTopics of 10,000 partitions, and the mappings count against {@code vm.max_map_count} (65,530 by
 * default). A segment that ends with data but no entry gets an empty file when it becomes inactive
 * ({@link #trimToValidSize}), so the next open finds the file it expects.
 *
 * <p>Threads: appends, {@link #trimToValidSize} and {@link #reset} only under the owning log's lock; lookups from any
 * thread (they read {@link #entries} first, a volatile written after the entry's bytes).
 */
abstract class MappedIndex {
    /** The length a writable index file starts with (one page), in bytes; it doubles when full. */
    static final int INITIAL_FILE_BYTES = 4096;

    protected final long baseOffset;
    private final int entrySize;
    private final int maxIndexBytes;
    private volatile Path file;
    private final Object mapLock = new Object();
    /** Null until first use. */
    private volatile MappedByteBuffer mmap;
    private volatile int entries = -1;
    /** {@link #entries} known to be on disk: at the last {@link #flush}, or when the file was mapped. */
    private volatile int syncedEntries = -1;
    /** Entries the mapping can hold; equal to {@link #entries} once trimmed. */
    private volatile int maxEntries;
    /** True when the file is (to be) preallocated and appended to: the active segment's index. */
    private volatile boolean writable;
    /** True while the index has no entry and no file: created with the first entry (see the class comment). */
    private volatile boolean fileless;
    /** Entries the file's length holds room for, at most {@link #maxEntries}; appends beyond grow it. Log lock only. */
    private int fileEntries;

    MappedIndex(Path file, long baseOffset, int maxIndexBytes, int entrySize, boolean writable) {
        this.file = file;
        this.baseOffset = baseOffset;
        this.entrySize = entrySize;
        this.maxIndexBytes = Math.max(entrySize * 2, maxIndexBytes - maxIndexBytes % entrySize);
        this.writable = writable;
    }

    Path file() {
        return file;
    }

    void renameTo(Path newFile, CopyOption... options) throws IOException {
        if (Files.exists(file)) {
            Files.move(file, newFile, options);
        }
        file = newFile;
    }

    int entrySize() {
        return entrySize;
    }

    /** True once the file is mapped (first use). */
    boolean isMapped() {
        return mmap != null;
    }

    /** The number of entries, mapping the file first if needed. */
    int entries() {
        if (!fileless) {
            buffer();
        }
        return entries;
    }

    /** Entries the mapping can hold. */
    protected final int maxEntries() {
        if (!fileless) {
            buffer();
        }
        return maxEntries;
    }

    /** The most entries this index can hold while active ({@code segment.index.bytes} worth). */
    protected final int capacityEntries() {
        return maxIndexBytes / entrySize;
    }

    /** True when no further entry fits. */
    boolean isFull() {
        return entries() >= maxEntries;
    }

    /**
     * The mapping, created on first use: the entry count is taken from the file length (a preallocated file of a
     * crashed run must be {@link #reset} by recovery before use), then a writable file is grown to its full size.
     * A fileless index gets its file here: callers that only read check {@link #entries()} first.
     */
    protected final MappedByteBuffer buffer() {
        MappedByteBuffer m = mmap;
        if (m != null) {
            return m;
        }
        synchronized (mapLock) {
            if (mmap == null) {
                mapFile(fileless);
                fileless = false;
            }
            return mmap;
        }
    }

    private void mapFile(boolean truncate) {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            if (truncate) {
                raf.setLength(0);
            }
            long length = raf.length();
            int count = (int) (length / entrySize);
            long mapped = writable ? Math.max(maxIndexBytes, (long) count * entrySize) : (long) count * entrySize;
            if (writable) {
                // extend sparsely first: map() itself would fallocate the blocks of the whole mapping
                raf.setLength(mapped);
            }
            MappedByteBuffer m = raf.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, mapped);
            maxEntries = writable ? (int) (mapped / entrySize) : count;
            fileEntries = count;
            if (writable) {
                // keep the file short of the mapping (see the class comment); only entries below the count are read
                fileEntries = Math.min(maxEntries, Math.max(count, Math.max(1, INITIAL_FILE_BYTES / entrySize)));
                raf.setLength((long) fileEntries * entrySize);
            }
            entries = count;
            // The entries a file holds when it is mapped are on disk already: written and fsynced by a clean close,
            // or below a checkpointed recovery point (synced before that checkpoint was written, and all that
            // keepFirst keeps); a crashed run's other entries are reset by recovery before any use.
            syncedEntries = truncate ? -1 : count;
            mmap = m;
        } catch (IOException e) {
            throw new KafkaStorageException("Cannot map index " + file, e);
        }
    }

    /**
     * Empties the index for appends (a new segment; recovery rebuilds it from the log): its file, if any, is deleted
     * and the next one is created with the first entry. Log lock (or loading) only, before lock-free readers use it.
     */
    void reset() {
        synchronized (mapLock) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new KafkaStorageException("Cannot reset index " + file, e);
            }
            writable = true;
            fileless = true;
            mmap = null;
            entries = 0;
            syncedEntries = 0;
            maxEntries = capacityEntries();
            fileEntries = 0;
        }
    }

    /**
     * After a crash: keeps the first {@code count} entries (a trusted prefix, see {@link OffsetIndex#trustedPrefix})
     * and lets appends continue after them. The file is cut to those entries and grown back as appends need it,
     * so every later slot is a hole that reads as zeros: no entry of the crashed run can be mistaken for a new one, and
     * no page is written to clear them (writing zeros through the mapping faulted in every page of a 10 MiB index, a
     * minute and a half for 1,000 partitions). Loading thread only.
     */
    void keepFirst(int count) {
        synchronized (mapLock) {
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                raf.setLength(Math.min((long) count * entrySize, raf.length() - raf.length() % entrySize));
            } catch (IOException e) {
                throw new KafkaStorageException("Cannot cut index " + file, e);
            }
            writable = true;
            mapFile(false);
        }
    }

    /**
     * Where the next entry goes: the position of entry {@link #entries}, after growing the file (doubling, up to the
     * mapping) if it ends before that entry; the caller checked that the mapping has room. Log lock only.
     */
    protected final int appendPosition() {
        int n = entries();
        if (n >= fileEntries) {
            int grown = (int) Math.min(maxEntries, Math.max(n + 1L, 2L * fileEntries));
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                raf.setLength((long) grown * entrySize);
            } catch (IOException e) {
                throw new KafkaStorageException("Cannot grow index " + file, e);
            }
            fileEntries = grown;
        }
        return entryPosition(n);
    }

    /** Publishes one more entry whose bytes the subclass has just stored at {@link #appendPosition}. Log lock only. */
    protected final void publishAppend() {
        entries = entries + 1;
    }

    protected final int entryPosition(int n) {
        return n * entrySize;
    }

    /** Index of the last entry whose key is at or below {@code target}, or -1. Any thread. */
    protected final int floorEntry(long target) {
        if (fileless) {
            return -1;
        }
        MappedByteBuffer m = buffer();
        int lo = 0;
        int hi = entries - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (keyAt(m, mid) <= target) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /** The sort key (absolute offset or timestamp) of entry {@code n}. */
    protected abstract long keyAt(ByteBuffer m, int n);

    /**
     * Shrinks the file to its entries and stops appends (segment no longer active). A fileless index gets an empty
     * file when {@code segmentHasData} (an open finds the files of a segment with data, or recovers it), none
     * otherwise. Log lock only.
     */
    void trimToValidSize(boolean segmentHasData) {
        if (fileless) {
            if (segmentHasData) {
                try {
                    Files.newByteChannel(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                            StandardOpenOption.TRUNCATE_EXISTING).close();
                } catch (IOException e) {
                    throw new KafkaStorageException("Cannot create index " + file, e);
                }
                fileless = false;
            }
            maxEntries = 0;
            fileEntries = 0;
            writable = false;
            return;
        }
        if (mmap == null && !writable) {
            return;
        }
        int count = entries();
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength((long) count * entrySize);
        } catch (IOException e) {
            throw new KafkaStorageException("Cannot trim index " + file, e);
        }
        maxEntries = count;
        fileEntries = count;
        writable = false;
    }

    /**
     * Writes the entries' dirty pages to disk; nothing when no entry was added since the last time (the checkpoint
     * asks every log every minute, most of them idle).
     */
    void flush() {
        MappedByteBuffer m = mmap;
        int n = entries;
        if (m != null && n > 0 && n != syncedEntries) {
            m.force(0, n * entrySize);
            syncedEntries = n;
        }
    }

    /**
     * What the file holds at open, read without mapping it (one open and one read): whether it exists with a whole
     * number of entries, and its last entry's bytes (null when it holds none).
     */
    record Tail(boolean wholeEntries, ByteBuffer last) {
        static final Tail MISSING = new Tail(false, null);
    }

    /** Reads the file's {@link Tail}; a file that is missing or cannot be read gives {@link Tail#MISSING}. */
    protected final Tail readTail() {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long length = ch.size();
            if (length % entrySize != 0) {
                return Tail.MISSING;
            }
            if (length == 0) {
                return new Tail(true, null);
            }
            ByteBuffer b = ByteBuffer.allocate(entrySize);
            long pos = length - entrySize;
            while (b.hasRemaining() && ch.read(b, pos + b.position()) >= 0) {
                // positional read until full
            }
            return b.hasRemaining() ? Tail.MISSING : new Tail(true, b.flip());
        } catch (IOException e) {
            return Tail.MISSING;
        }
    }
}
