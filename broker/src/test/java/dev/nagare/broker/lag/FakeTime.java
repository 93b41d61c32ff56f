package dev.nagare.broker.lag;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.apache.kafka.common.utils.Time;

/** A clock that moves only when a test moves it. Not thread-safe: the lag tests run on one thread. */
final class FakeTime implements Time {

    private long nowMs;

    FakeTime(long startMs) {
        this.nowMs = startMs;
    }

    void advance(long ms) {
        nowMs += ms;
    }

    @Override
    public long milliseconds() {
        return nowMs;
    }

    @Override
    public long nanoseconds() {
        return TimeUnit.MILLISECONDS.toNanos(nowMs);
    }

    @Override
    public void sleep(long ms) {
        throw new UnsupportedOperationException("lag logic never sleeps");
    }

    @Override
    public void waitObject(Object obj, Supplier<Boolean> condition, long deadlineMs) {
        throw new UnsupportedOperationException("lag logic never waits");
    }
}
