package dev.nagare.broker.lag;

import static dev.nagare.broker.lag.Lags.HOUR;
import static dev.nagare.broker.lag.Lags.partition;
import static dev.nagare.broker.lag.Lags.stable;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The history keeps 24 hours of 10-second samples per group and topic, compactly, on disk as in memory. */
class LagHistoryTest {

    private static final long STEP = LagHistory.STEP_MS;
    private static final long DAY = 24 * 3_600_000L;

    @TempDir
    Path dir;

    @Test
    void samplesComeBackExactlyAsRecordedSummedAndMaximizedPerTopic() {
        LagHistory history = new LagHistory();
        history.record(List.of(stable("billing", HOUR,
                partition("orders", 0, 3, HOUR, 0, 10, 7_000),
                partition("orders", 1, 4, HOUR, 0, 4, 0),
                partition("payments", 0, 2, HOUR, 5, 9, 1_500))), HOUR + 4_321);
        history.record(List.of(stable("billing", HOUR + STEP,
                partition("orders", 0, 8, HOUR, 0, 12, 2_000),
                partition("orders", 1, 4, HOUR, 0, 9, 5_000))), HOUR + STEP);

        assertEquals(List.of(new LagSample(HOUR, 7, 7, 7_000, 7, 14), new LagSample(HOUR + STEP, 9, 5, 5_000, 12, 21)),
                history.samples("billing", "orders", HOUR, HOUR + DAY));
        assertEquals(List.of(new LagSample(HOUR, 4, 4, 1_500, 2, 9)),
                history.samples("billing", "payments", 0, Long.MAX_VALUE), "commit below log start counts from it");
        assertEquals(List.of(new LagSample(HOUR + STEP, 9, 5, 5_000, 12, 21)),
                history.samples("billing", "orders", HOUR + 1, HOUR + STEP));
        assertEquals(Map.of("billing", new TreeSet<>(Set.of("orders", "payments"))), history.series());
    }

    @Test
    void aSecondSampleInTheSameStepKeepsTheFirst() {
        LagHistory history = new LagHistory();
        history.record(List.of(stable("g", HOUR, partition("t", 0, 1, HOUR, 0, 5, 0))), HOUR + 1_000);
        history.record(List.of(stable("g", HOUR, partition("t", 0, 2, HOUR, 0, 5, 0))), HOUR + 9_999);

        assertEquals(List.of(new LagSample(HOUR, 4, 4, 0, 1, 5)), history.samples("g", "t", 0, Long.MAX_VALUE));
    }

    @Test
    void anIdleGroupCostsOneByteASampleAfterItsFirstTwo() {
        LagHistory history = new LagHistory();
        for (int i = 0; i <= 360; i++) { // an hour block, plus the first sample of the next
            history.record(List.of(stable("g", HOUR, partition("t", 0, 1_000, HOUR, 0, 1_500, 60_000 + i * STEP))),
                    HOUR + i * STEP);
        }
        // sealed hour: first sample 1 + 2 + 2 + 3 + 2 + 2 bytes, second 1 + 3 (time lag's first delta), 358 × 1;
        // the next hour's block holds its initial 64-byte buffer
        assertEquals(12 + 4 + 358 + 64, history.retainedBytes());
        assertEquals(new LagSample(HOUR + 359 * STEP, 500, 500, 60_000 + 359 * STEP, 1_000, 1_500),
                history.samples("g", "t", HOUR + 359 * STEP, HOUR + 359 * STEP).get(0));
    }

    @Test
    void aSeriesLeavesTheHistoryOnceItsLastSampleIsOlderThanTheWindow() {
        LagHistory history = new LagHistory();
        history.record(List.of(stable("gone", HOUR, partition("t", 0, 1, HOUR, 0, 2, 0))), HOUR);
        history.record(List.of(stable("kept", HOUR, partition("t", 0, 1, HOUR, 0, 2, 0))), HOUR + DAY);
        assertEquals(Set.of("gone", "kept"), history.series().keySet(), "24 h later its hour is still in the window");
        assertEquals(1, history.samples("gone", "t", 0, Long.MAX_VALUE).size());

        history.record(List.of(stable("kept", HOUR, partition("t", 0, 1, HOUR, 0, 2, 0))), HOUR + DAY + 3_600_000);
        assertEquals(Set.of("kept"), history.series().keySet());
    }

    @Test
    void historyReadBackFromDiskEqualsWhatWasRecordedAndKeepsGrowing() throws Exception {
        LagHistory history = new LagHistory();
        for (int i = 0; i < 5; i++) {
            history.record(List.of(stable("g", HOUR, partition("t", 0, 10L * i, HOUR, 0, 100 + 7L * i, 1_000L * i))),
                    HOUR + 3_600_000 - 3 * STEP + i * STEP); // three samples in one hour, two in the next
        }
        history.write(dir);
        List<LagSample> before = history.samples("g", "t", 0, Long.MAX_VALUE);

        LagHistory read = LagHistory.read(dir, HOUR + 3_600_000 + 2 * STEP);
        assertEquals(before, read.samples("g", "t", 0, Long.MAX_VALUE));
        read.record(List.of(stable("g", HOUR, partition("t", 0, 60, HOUR, 0, 200, 0))), HOUR + 3_600_000 + 2 * STEP);
        read.write(dir);

        List<LagSample> after = LagHistory.read(dir, HOUR + 3_600_000 + 2 * STEP).samples("g", "t", 0,
                Long.MAX_VALUE);
        assertEquals(6, after.size());
        assertEquals(before, after.subList(0, 5));
        assertEquals(new LagSample(HOUR + 3_600_000 + 2 * STEP, 140, 140, 0, 60, 200), after.get(5));
    }

    @Test
    void aCorruptFileIsSkippedAndTheOtherHoursLoad() throws Exception {
        LagHistory history = new LagHistory();
        history.record(List.of(stable("g", HOUR, partition("t", 0, 1, HOUR, 0, 5, 0))), HOUR);
        history.record(List.of(stable("g", HOUR, partition("t", 0, 2, HOUR, 0, 5, 0))), HOUR + 3_600_000);
        history.write(dir);
        Path first = dir.resolve(LagHistoryFile.name(HOUR / 3_600_000));
        byte[] bytes = Files.readAllBytes(first);
        bytes[20] ^= 1;
        Files.write(first, bytes);

        assertEquals(List.of(new LagSample(HOUR + 3_600_000, 3, 3, 0, 2, 5)),
                LagHistory.read(dir, HOUR + 3_600_000).samples("g", "t", 0, Long.MAX_VALUE));
    }

    @Test
    void writingDeletesTheFilesOfHoursThatLeftTheWindow() throws Exception {
        LagHistory history = new LagHistory();
        history.record(List.of(stable("g", HOUR, partition("t", 0, 1, HOUR, 0, 5, 0))), HOUR);
        history.write(dir);
        history.record(List.of(stable("g", HOUR, partition("t", 0, 1, HOUR, 0, 5, 0))), HOUR + DAY + 3_600_000);
        history.write(dir);

        long hour = HOUR / 3_600_000;
        assertEquals(Set.of(LagHistoryFile.name(hour + 25)), fileNames());
    }

    private Set<String> fileNames() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }
}
