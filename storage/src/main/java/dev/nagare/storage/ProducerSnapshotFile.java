package dev.nagare.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import dev.nagare.storage.ProducerStateTable.BatchMetadata;
import dev.nagare.storage.ProducerStateTable.ProducerState;

/**
 * The producer state snapshot {@code <20-digit offset>.snapshot}: the {@link ProducerStateTable} as it was when the
 * log ended at that offset. Recovery loads the newest valid one at or below the recovery point and replays batch
 * headers from its offset. Nagare's own format (not Kafka's), big-endian:
 * <pre>
 * offset size field
 *      0    4 magic          0x4E47_5053 ("NGPS")
 *      4    2 version        1
 *      6    4 crc            CRC-32C of every byte from offset 10 to the end
 *     10    4 producerCount
 *     14      producerCount producers, each:
 *               8 producerId
 *               2 producerEpoch
 *               1 batchCount (0..5), then batchCount batches, oldest first, each 32 bytes:
 *                   4 firstSequence, 4 lastSequence, 8 firstOffset, 8 lastOffset, 8 maxTimestamp
 * </pre>
 * Written to a {@code .tmp} file, fsynced, then renamed, so a crash leaves either the old set or the new file whole;
 * a file whose CRC does not match is ignored (and the previous snapshot used).
 *
 * <p>Stateless; called under the owning log's lock or while loading.
 */
final class ProducerSnapshotFile {
    static final int MAGIC = 0x4E475053;
    static final short VERSION = 1;
    private static final int HEADER = 14;
    private static final int BATCH_BYTES = 32;
    /** Snapshots kept per partition: the newest two cover a crash during the write of a third. */
    static final int SNAPSHOTS_KEPT = 3;

    private ProducerSnapshotFile() {
    }

    static void write(Path dir, long offset, Collection<ProducerState> producers) throws IOException {
        int size = HEADER;
        for (ProducerState p : producers) {
            size += 11 + BATCH_BYTES * p.batches().size();
        }
        ByteBuffer b = ByteBuffer.allocate(size);
        b.putInt(MAGIC).putShort(VERSION).putInt(0).putInt(producers.size());
        for (ProducerState p : producers) {
            b.putLong(p.producerId()).putShort(p.epoch()).put((byte) p.batches().size());
            for (BatchMetadata m : p.batches()) {
                b.putInt(m.firstSeq()).putInt(m.lastSeq()).putLong(m.firstOffset()).putLong(m.lastOffset())
                        .putLong(m.timestamp());
            }
        }
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 10, size - 10);
        b.putInt(6, (int) crc.getValue());
        b.flip();
        Path target = FileNames.snapshotFile(dir, offset);
        AtomicFile.write(target, b);
    }

    /** The file's producers, or empty when it is missing, truncated or its CRC does not match. */
    static Optional<List<ProducerState>> read(Path file) {
        try {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
            if (b.remaining() < HEADER || b.getInt(0) != MAGIC || b.getShort(4) != VERSION) {
                return Optional.empty();
            }
            CRC32C crc = new CRC32C();
            crc.update(b.array(), 10, b.remaining() - 10);
            if ((int) crc.getValue() != b.getInt(6)) {
                return Optional.empty();
            }
            b.position(10);
            int count = b.getInt();
            List<ProducerState> out = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                long id = b.getLong();
                short epoch = b.getShort();
                int n = b.get();
                List<BatchMetadata> batches = new ArrayList<>(n);
                for (int j = 0; j < n; j++) {
                    batches.add(new BatchMetadata(b.getInt(), b.getInt(), b.getLong(), b.getLong(), b.getLong()));
                }
                out.add(new ProducerState(id, epoch, List.copyOf(batches)));
            }
            return Optional.of(out);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The offset a snapshot file is named after, or -1 when {@code file} is not a snapshot. */
    static long offsetOf(Path file) {
        return FileNames.offsetOf(file.getFileName().toString(), FileNames.SNAPSHOT_SUFFIX);
    }

    /** The snapshot files of a partition directory by offset. */
    static TreeMap<Long, Path> list(Path dir) throws IOException {
        TreeMap<Long, Path> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(f -> {
                long off = offsetOf(f);
                if (off >= 0) {
                    out.put(off, f);
                }
            });
        }
        return out;
    }

    /** Deletes all but the newest {@link #SNAPSHOTS_KEPT} snapshots. */
    static void deleteOld(Path dir) throws IOException {
        deleteAllBut(dir, SNAPSHOTS_KEPT);
    }

    /** Deletes all but the newest {@code kept} snapshots. */
    static void deleteAllBut(Path dir, int kept) throws IOException {
        TreeMap<Long, Path> all = list(dir);
        while (all.size() > kept) {
            Files.deleteIfExists(all.pollFirstEntry().getValue());
        }
    }
}
