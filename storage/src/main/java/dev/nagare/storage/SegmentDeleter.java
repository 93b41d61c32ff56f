package dev.nagare.storage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes files later: a deleted segment's files (renamed {@code .deleted}) and a deleted partition's directory
 * (renamed {@code -delete}) are removed once {@code file.delete.delay.ms} has passed on the injected clock, so a
 * {@link LogSlice} handed to the network before the deletion stays readable while it is sent.
 *
 * <p>Thread-safe: {@link #schedule} from any thread (under a log's lock); {@link #runDue} on the
 * {@code nagare-log-maintenance} thread; the queue is guarded by {@code this}. Actions run outside the monitor.
 */
final class SegmentDeleter {
    private static final Logger LOG = LoggerFactory.getLogger(SegmentDeleter.class);

    /** A deletion that throws IOException. */
    interface Action {
        void run() throws IOException;
    }

    private record Pending(long dueMs, long seq, String what, Action action) {
    }

    private final Time time;
    private final PriorityQueue<Pending> queue = new PriorityQueue<>((a, b) -> a.dueMs != b.dueMs
            ? Long.compare(a.dueMs, b.dueMs) : Long.compare(a.seq, b.seq));
    private long seq;

    SegmentDeleter(Time time) {
        this.time = time;
    }

    synchronized void schedule(long delayMs, String what, Action action) {
        queue.add(new Pending(time.milliseconds() + Math.max(0, delayMs), seq++, what, action));
    }

    /** Runs every deletion that is due now; returns how many ran. */
    int runDue() {
        return run(time.milliseconds());
    }

    /** Runs every pending deletion (clean shutdown: no reader is left). */
    int runAll() {
        return run(Long.MAX_VALUE);
    }

    synchronized int pending() {
        return queue.size();
    }

    private int run(long now) {
        List<Pending> due = new ArrayList<>();
        synchronized (this) {
            while (!queue.isEmpty() && queue.peek().dueMs <= now) {
                due.add(queue.poll());
            }
        }
        for (Pending p : due) {
            try {
                p.action.run();
            } catch (IOException | RuntimeException e) {
                LOG.warn("Could not delete {}", p.what, e);
            }
        }
        return due.size();
    }
}
