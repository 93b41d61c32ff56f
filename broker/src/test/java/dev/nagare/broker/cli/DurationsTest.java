package dev.nagare.broker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void aTimeLagPrintsAsDaysHoursMinutesAndSecondsToTheMillisecond() {
        assertEquals("0s", Durations.format(0));
        assertEquals("0.001s", Durations.format(1));
        assertEquals("59.999s", Durations.format(59_999));
        assertEquals("1m05.003s", Durations.format(65_003));
        assertEquals("2h00m07.000s", Durations.format(2 * 3_600_000 + 7_000));
        assertEquals("3d04h05m06.007s", Durations.format(3 * 86_400_000L + 4 * 3_600_000 + 5 * 60_000 + 6_007));
        assertEquals("1d00h00m00.000s", Durations.format(86_400_000));
    }

    @Test
    void aNegativeDurationIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Durations.format(-1));
    }
}
