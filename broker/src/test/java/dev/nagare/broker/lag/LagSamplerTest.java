package dev.nagare.broker.lag;

import static dev.nagare.broker.lag.Lags.HOUR;
import static dev.nagare.broker.lag.Lags.partition;
import static dev.nagare.broker.lag.Lags.stable;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sampler records a sample per 10-second step and writes the history every minute of broker time and at close. */
class LagSamplerTest {

    @TempDir
    Path dir;

    private final FakeTime time = new FakeTime(HOUR + 2_500);
    private final FakeLagSource source = new FakeLagSource(time);

    @Test
    void aSampleIsRecordedAtItsStepAndTheHistoryWrittenAMinuteAfterTheLastWrite() throws Exception {
        LagHistory history = new LagHistory();
        LagSampler sampler = new LagSampler(source, history, new ConsumeRates(), dir, time);
        source.groups(now -> List.of(stable("g", now, partition("t", 0, 4, now, 0, 9, 0))));
        Path file = dir.resolve(LagHistoryFile.name(HOUR / 3_600_000));

        assertEquals(HOUR, sampler.sampleOnce());
        time.advance(50_000);
        assertEquals(HOUR + 50_000, sampler.sampleOnce());
        time.advance(9_999);
        assertEquals(HOUR + 60_000, sampler.sampleOnce());
        assertEquals(false, Files.exists(file), "59.999 s after the sampler was created");

        time.advance(1);
        assertEquals(HOUR + 60_000, sampler.sampleOnce(), "the same step: no second sample, but a write");
        assertEquals(List.of(new LagSample(HOUR, 5, 5, 0, 4, 9), new LagSample(HOUR + 50_000, 5, 5, 0, 4, 9),
                new LagSample(HOUR + 60_000, 5, 5, 0, 4, 9)),
                LagHistory.read(dir, time.milliseconds()).samples("g", "t", 0, Long.MAX_VALUE));

        time.advance(10_000);
        sampler.sampleOnce();
        sampler.close();
        assertEquals(4, LagHistory.read(dir, time.milliseconds()).samples("g", "t", 0, Long.MAX_VALUE).size(),
                "closing writes the sample taken since");
    }
}
