package dev.nagare.broker.lag;

import static dev.nagare.broker.lag.Lags.HOUR;
import static dev.nagare.broker.lag.Lags.empty;
import static dev.nagare.broker.lag.Lags.partition;
import static dev.nagare.broker.lag.Lags.stable;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;

import org.junit.jupiter.api.Test;

/** When an empty group's offsets expire, and what auto.offset.reset then skips or processes again. */
class ExpiryForecastTest {

    private static final long WEEK = 7 * 24 * 3_600_000L;

    @Test
    void anEmptyGroupThatHadMembersExpiresWholeARetentionAfterItBecameEmpty() {
        GroupLag group = empty("billing", HOUR - 60_000, HOUR,
                partition("orders", 0, 3, HOUR - 120_000, 0, 10, 0),    // 7 unread, 3 read
                partition("orders", 1, 2, HOUR - 300_000, 5, 9, 0),     // below the log start: 4 unread, 0 read
                partition("payments", 0, 40, HOUR - 90_000, 10, 40, 0)); // caught up: 0 unread, 30 read

        assertEquals(Optional.of(new ExpiryForecast(HOUR - 60_000 + WEEK, HOUR - 60_000 + WEEK, 11, 44, 33)),
                ExpiryForecast.of(group, WEEK));
    }

    @Test
    void aGroupThatNeverHadMembersLosesEachOffsetARetentionAfterItsCommit() {
        GroupLag group = empty("tool", -1, HOUR,
                partition("orders", 0, 6, HOUR - 120_000, 0, 10, 0),
                partition("orders", 1, 9, HOUR - 5_000, 0, 9, 0));

        assertEquals(Optional.of(new ExpiryForecast(HOUR - 120_000 + WEEK, HOUR - 5_000 + WEEK, 4, 19, 15)),
                ExpiryForecast.of(group, WEEK));
    }

    @Test
    void aGroupWithMembersHasNoForecast() {
        assertEquals(Optional.empty(), ExpiryForecast.of(stable("live", HOUR, partition("t", 0, 1, HOUR, 0, 9, 0)),
                WEEK));
    }

    @Test
    void aGroupThatNeverHadMembersAndHasNoOffsetsHasNoForecast() {
        assertEquals(Optional.empty(), ExpiryForecast.of(empty("nothing", -1, HOUR), WEEK));
    }
}
