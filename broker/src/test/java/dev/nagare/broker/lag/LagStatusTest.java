package dev.nagare.broker.lag;

import static dev.nagare.broker.lag.Lags.HOUR;
import static dev.nagare.broker.lag.Lags.partition;
import static dev.nagare.broker.lag.Lags.stable;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.function.BiFunction;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A group's status after Burrow's rules, judged on the history of the last 10 minutes, one test per state. */
class LagStatusTest {

    private static final long STEP = LagHistory.STEP_MS;

    @TempDir
    Path dir;

    private final FakeTime time = new FakeTime(HOUR);
    private final FakeLagSource source = new FakeLagSource(time);
    private LagService service;

    @Test
    void aGroupThatWasCaughtUpWithinTheWindowIsOkThoughItsLagGrewSince() throws Exception {
        LagStatus status = statusAfter(61, (i, now) -> stable("g", now,
                partition("t", 0, 1_000 + 10L * i, now, 0, 1_000 + 20L * i, 0)));

        assertEquals(LagStatus.OK, status, "lag was 0 at the window's first sample");
    }

    @Test
    void aCommittingGroupWhoseLagGrowsAcrossTheWindowIsWarn() throws Exception {
        LagStatus status = statusAfter(61, (i, now) -> stable("g", now,
                partition("t", 0, 1_000 + 10L * i, now, 0, 1_010 + 20L * i, 0)));

        assertEquals(LagStatus.WARN, status);
        assertEquals(LagStatus.WARN, report().topics().get(0).status());
    }

    @Test
    void aGroupKeepingPaceWithAConstantBacklogIsOk() throws Exception {
        LagStatus status = statusAfter(61, (i, now) -> stable("g", now,
                partition("t", 0, 1_000 + 10L * i, now, 0, 1_050 + 10L * i, 0)));

        assertEquals(LagStatus.OK, status);
    }

    @Test
    void aGroupCommittingTheSameOffsetWhileLaggingIsStall() throws Exception {
        LagStatus status = statusAfter(61, (i, now) -> stable("g", now, partition("t", 0, 1_000, now, 0, 1_500, 0)));

        assertEquals(LagStatus.STALL, status);
    }

    @Test
    void aLaggingGroupWithNoCommitForLongerThanTheWindowIsStop() throws Exception {
        BiFunction<Integer, Long, GroupLag> noCommitSinceStart = (i, now) -> stable("g", now,
                partition("t", 0, 1_000, HOUR, 0, 1_500, 0));
        assertEquals(LagStatus.STALL, statusAfter(61, noCommitSinceStart), "last commit exactly 10 minutes ago");

        time.advance(STEP);
        service.sampleNow();
        assertEquals(LagStatus.STOP, report().status(), "10 minutes and 10 seconds ago");
    }

    @Test
    void aStuckGroupIsOkUntilItsHistoryCoversTheWindow() throws Exception {
        LagStatus status = statusAfter(60, (i, now) -> stable("g", now, partition("t", 0, 1_000, now, 0, 1_500, 0)));

        assertEquals(LagStatus.OK, status, "its first sample is 590 s old: too little history to judge");
    }

    @Test
    void aGroupsStatusIsItsWorstTopics() throws Exception {
        LagStatus status = statusAfter(61, (i, now) -> stable("g", now,
                partition("growing", 0, 1_000 + 10L * i, now, 0, 1_010 + 20L * i, 0),
                partition("stuck", 0, 1_000, now, 0, 1_500, 0),
                partition("idle", 0, 7, now, 0, 7, 0)));

        assertEquals(LagStatus.STALL, status);
        assertEquals(List.of(LagStatus.WARN, LagStatus.OK, LagStatus.STALL),
                report().topics().stream().map(TopicReport::status).toList(), "growing, idle, stuck");
    }

    /**
     * Samples the group every 10 s, {@code steps} times, the group at sample {@code i} being {@code group(i, now)};
     * then its status at the last sample's time.
     */
    private LagStatus statusAfter(int steps, BiFunction<Integer, Long, GroupLag> group) throws Exception {
        service = new LagService(source, new LagHistory(), dir, time);
        for (int i = 0; i < steps; i++) {
            if (i > 0) {
                time.advance(STEP);
            }
            int sample = i;
            source.groups(now -> List.of(group.apply(sample, now)));
            service.sampleNow();
        }
        return report().status();
    }

    private GroupReport report() throws Exception {
        return service.report("g").get().orElseThrow();
    }
}
