package dev.nagare.broker.lag;

import static dev.nagare.broker.lag.Lags.HOUR;
import static dev.nagare.broker.lag.Lags.partition;
import static dev.nagare.broker.lag.Lags.stable;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MSK's EstimatedTimeLag: the seconds to drain a partition's lag at the group's recent consume rate. */
class EstimatedTimeLagTest {

    private static final long STEP = LagHistory.STEP_MS;

    @TempDir
    Path dir;

    private final FakeTime time = new FakeTime(HOUR);
    private final FakeLagSource source = new FakeLagSource(time);

    @Test
    void estimatedTimeLagIsTheLagAtTheRateCommittedOverTheLastFiveMinutes() throws Exception {
        LagService service = new LagService(source, new LagHistory(), dir, time);
        for (int i = 0; i <= 30; i++) {
            if (i > 0) {
                time.advance(STEP);
            }
            long committed = 1_000 + 100L * i; // 10 records a second
            source.groups(now -> List.of(stable("g", now,
                    partition("audit", 0, 20, now, 0, 20, 0),
                    partition("orders", 0, committed, now, 0, 5_000, 0),
                    partition("orders", 1, 300, now, 0, 900, 0))));
            service.sampleNow();
            if (i == 29) {
                GroupReport early = service.report("g").get().orElseThrow();
                assertEquals(Double.NaN, early.partitions().get(1).estimatedTimeLagSeconds(), "seen for 290 s");
                assertEquals(0.0, early.partitions().get(0).estimatedTimeLagSeconds(), "no lag, nothing to drain");
            }
        }
        GroupReport report = service.report("g").get().orElseThrow();

        assertEquals(List.of(0.0, 100.0, Double.POSITIVE_INFINITY),
                report.partitions().stream().map(PartitionReport::estimatedTimeLagSeconds).toList(),
                "audit caught up; orders-0 1,000 records at 3,000 per 300 s; orders-1 stuck");
        assertEquals(List.of(0.0, Double.POSITIVE_INFINITY),
                report.topics().stream().map(TopicReport::estimatedMaxTimeLagSeconds).toList());
    }

    @Test
    void theRateIsMeasuredOverFiveToTenMinutesAndStartsAfreshWhenOffsetsMoveBack() throws Exception {
        LagService service = new LagService(source, new LagHistory(), dir, time);
        long[] committed = {0};
        source.groups(now -> List.of(stable("g", now, partition("t", 0, committed[0], now, 0, 10_000, 0))));
        for (int i = 0; i <= 45; i++) { // 7.5 minutes at 1 record a second
            if (i > 0) {
                time.advance(STEP);
            }
            committed[0] = 10L * i;
            service.sampleNow();
        }
        assertEquals((10_000 - 450) * 450.0 / 450, estimate(service), "base anchor 450 s old: 1 record a second");

        committed[0] = 100;
        time.advance(STEP);
        service.sampleNow();
        assertEquals(Double.NaN, estimate(service), "after a reset the rate is not known for 5 minutes");
    }

    @Test
    void maxOfEstimatesIsInfiniteIfOneIsElseUnknownIfOneIsElseTheLargest() {
        assertEquals(Double.POSITIVE_INFINITY, ConsumeRates.max(new double[] {Double.NaN, 3, Double.POSITIVE_INFINITY}));
        assertEquals(Double.NaN, ConsumeRates.max(new double[] {3, Double.NaN}));
        assertEquals(7.5, ConsumeRates.max(new double[] {3, 7.5, 0}));
        assertEquals(0.0, ConsumeRates.max(new double[0]));
    }

    private static double estimate(LagService service) throws Exception {
        return service.report("g").get().orElseThrow().partitions().get(0).estimatedTimeLagSeconds();
    }
}
