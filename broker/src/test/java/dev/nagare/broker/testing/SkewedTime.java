package dev.nagare.broker.testing;

import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.common.utils.Time;

/**
 * The system clock plus a skew a test moves forward, so that a real broker sees hours pass in an instant (offset
 * expiry) while its sockets and timers run on real time. Thread-safe.
 */
public final class SkewedTime implements Time {

    private final AtomicLong skewMs = new AtomicLong();

    public void advance(long ms) {
        skewMs.addAndGet(ms);
    }

    @Override
    public long milliseconds() {
        return System.currentTimeMillis() + skewMs.get();
    }

    @Override
    public long nanoseconds() {
        return System.nanoTime(); // intervals stay real: only the wall clock jumps
    }

    @Override
    public void sleep(long ms) {
        Time.SYSTEM.sleep(ms);
    }

    @Override
    public void waitObject(Object obj, java.util.function.Supplier<Boolean> condition, long deadlineMs)
            throws InterruptedException {
        Time.SYSTEM.waitObject(obj, condition, deadlineMs - skewMs.get());
    }
}
