package dev.nagare.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An active index is mapped at {@code segment.index.bytes} but its file is kept short and grown ahead of the entries
 * (see {@link MappedIndex}), so that the kernel's read-ahead on the first store into a page cannot fill megabytes of
 * page cache with zeros.
 */
class IndexFileGrowthTest {
    private static final int TEN_MIB = 10 * 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void anActiveOffsetIndexFileStartsAtOnePageAndDoublesAheadOfItsEntries() throws Exception {
        Path file = dir.resolve("00000000000000001000.index");
        OffsetIndex index = new OffsetIndex(file, 1000, TEN_MIB, true);
        index.append(1000, 0);
        assertEquals(4096, Files.size(file), "one page at the first entry");
        for (int i = 1; i < 512; i++) {
            index.append(1000 + 10L * i, 100 * i);
        }
        assertEquals(4096, Files.size(file), "512 entries of 8 bytes fill the page exactly");
        index.append(1000 + 10L * 512, 100 * 512);
        assertEquals(8192, Files.size(file), "doubled for the 513th");
        for (int i = 513; i < 2049; i++) {
            index.append(1000 + 10L * i, 100 * i);
        }
        assertEquals(32768, Files.size(file), "2,049 entries: 4 KiB doubled three times");
        assertEquals(2049, index.entries());
        for (int i = 0; i < 2049; i++) {
            assertEquals(100 * i, index.lookup(1000 + 10L * i + 5), "floor entry of offset " + (1000 + 10L * i + 5));
        }
        assertEquals(0, index.lookup(999));
        assertArrayEquals(new long[] {1000 + 10L * 2048, 100 * 2048}, index.lastEntry());

        index.trimToValidSize(true);
        assertEquals(2049 * 8, Files.size(file), "trimmed to its entries when no longer active");
        assertEquals(100 * 2048, index.lookup(1_000_000), "the mapping still reads every entry");
    }

    @Test
    void growthStopsAtSegmentIndexBytesAndTheIndexIsThenFull() throws Exception {
        Path file = dir.resolve("00000000000000000000.index");
        OffsetIndex index = new OffsetIndex(file, 0, 6000, true); // 750 entries
        for (int i = 0; i < 749; i++) {
            index.append(i, 10 * i);
        }
        assertFalse(index.isFull());
        assertEquals(6000, Files.size(file), "grown from 4,096 to the cap, not to 8,192");
        index.append(749, 7490);
        assertTrue(index.isFull());
        assertEquals(6000, Files.size(file));
        assertEquals(7480, index.lookup(748));
    }

    @Test
    void aTimeIndexFileStartsAtTheWholeEntriesOfOnePage() throws Exception {
        Path file = dir.resolve("00000000000000000000.timeindex");
        TimeIndex index = new TimeIndex(file, 0, TEN_MIB, true);
        for (int i = 0; i < 341; i++) {
            index.maybeAppend(1_000 + i, i, false);
        }
        assertEquals(341 * 12, Files.size(file), "341 entries of 12 bytes: the most that fit in 4 KiB");
        index.maybeAppend(2_000, 341, false);
        assertEquals(682 * 12, Files.size(file), "doubled by entries, so the length stays whole entries");
        assertEquals(341, index.lookup(2_000));
        assertEquals(200, index.lookup(1_200));
    }

    @Test
    void anIndexLeftAtItsGrownLengthByACrashKeepsItsTrustedEntriesAndGrowsOnFromThem() throws Exception {
        Path file = dir.resolve("00000000000000000000.index");
        OffsetIndex crashed = new OffsetIndex(file, 0, TEN_MIB, true);
        for (int i = 0; i < 600; i++) {
            crashed.append(i, 10 * i);
        }
        assertEquals(8192, Files.size(file), "never trimmed: the length a kill -9 leaves behind");

        OffsetIndex reopened = new OffsetIndex(file, 0, TEN_MIB, false);
        assertEquals(1024, reopened.entries(), "a crashed file's length counts zero slots; recovery must cut it");
        reopened.keepFirst(300);
        assertEquals(300, reopened.entries());
        assertEquals(4096, Files.size(file), "cut to 300 entries, then grown to one page for the appends to come");
        reopened.append(300, 3000);
        assertEquals(3000, reopened.lookup(300));
        assertEquals(2990, reopened.lookup(299));
        assertEquals(301, reopened.entries());
    }
}
