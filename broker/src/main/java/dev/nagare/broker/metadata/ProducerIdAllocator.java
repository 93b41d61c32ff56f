package dev.nagare.broker.metadata;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.kafka.common.errors.KafkaStorageException;

/**
 * Hands out producer ids for InitProducerId, never the same one twice, across restarts too: ids are reserved in
 * blocks of {@value #BLOCK_SIZE}; the end of the current block is persisted (atomically) before any id of it is
 * handed out, so a restart continues after the last reserved block.
 *
 * <p>Thread-safe: {@link #nextId()} is synchronized (it is called once per producer session, never per record).
 */
public final class ProducerIdAllocator {

    static final int BLOCK_SIZE = 1000;
    private static final String FILE_NAME = "producer-id-block";

    private final Path file;
    private long next;
    private long blockEnd;

    public ProducerIdAllocator(Path metadataDir) throws IOException {
        this.file = metadataDir.resolve(FILE_NAME);
        long start = 0;
        if (Files.exists(file)) {
            start = Long.parseLong(Files.readString(file, StandardCharsets.UTF_8).trim());
        }
        this.next = start;
        this.blockEnd = start;
    }

    public synchronized long nextId() {
        if (next >= blockEnd) {
            long end = blockEnd + BLOCK_SIZE;
            try {
                AtomicFiles.write(file, (end + "\n").getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new KafkaStorageException("Cannot reserve producer ids in " + file, e);
            }
            next = blockEnd;
            blockEnd = end;
        }
        return next++;
    }
}
