package dev.nagare.broker.group;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

import org.apache.kafka.common.utils.Time;

/**
 * A fake clock and timer for the coordinator: time moves only in {@link #advance}, which runs every timer task that
 * falls due, in deadline order, with the clock set to its deadline. Not thread-safe (tests are single-threaded, as
 * the coordinator thread is).
 */
final class FakeClock implements Time, CoordinatorTimer {

    private record Key(long deadline, long seq) implements Comparable<Key> {
        @Override
        public int compareTo(Key o) {
            return deadline != o.deadline ? Long.compare(deadline, o.deadline) : Long.compare(seq, o.seq);
        }
    }

    private long now = 1_700_000_000_000L;
    private long seq;
    private final TreeMap<Key, Runnable> tasks = new TreeMap<>();
    private final Map<String, Key> byName = new HashMap<>();
    private final Map<Key, String> names = new HashMap<>();

    @Override
    public void schedule(String key, long delayMs, Runnable task) {
        cancel(key);
        Key k = new Key(now + Math.max(0, delayMs), seq++);
        tasks.put(k, task);
        byName.put(key, k);
        names.put(k, key);
    }

    @Override
    public void cancel(String key) {
        Key k = byName.remove(key);
        if (k != null) {
            tasks.remove(k);
            names.remove(k);
        }
    }

    /** Moves time forward, running what falls due on the way. */
    void advance(long ms) {
        long target = now + ms;
        while (!tasks.isEmpty() && tasks.firstKey().deadline() <= target) {
            var e = tasks.pollFirstEntry();
            byName.remove(names.remove(e.getKey()));
            now = Math.max(now, e.getKey().deadline());
            e.getValue().run();
        }
        now = target;
    }

    /** Drops every pending task (the coordinator that scheduled them is gone). */
    void cancelAll() {
        tasks.clear();
        byName.clear();
        names.clear();
    }

    boolean isScheduled(String key) {
        return byName.containsKey(key);
    }

    @Override
    public long milliseconds() {
        return now;
    }

    @Override
    public long nanoseconds() {
        return now * 1_000_000L;
    }

    @Override
    public void sleep(long ms) {
        advance(ms);
    }

    @Override
    public void waitObject(Object obj, Supplier<Boolean> condition, long deadlineMs) {
        throw new UnsupportedOperationException();
    }
}
