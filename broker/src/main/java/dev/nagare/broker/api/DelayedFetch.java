package dev.nagare.broker.api;

import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.nagare.broker.partition.Partition;

/**
 * A fetch that found less than {@code min.bytes}: it listens to its partitions' appends and completes when one of
 * them brings enough data, or when {@code max.wait.ms} has passed — whichever comes first. Woken by the append
 * itself (on the appending thread, which only schedules a check on the fetch's own event loop) and by a timer on
 * that event loop; no thread polls or sleeps. An incremental fetch of a session listens to the session instead
 * ({@link FetchSessions.Session#waiter}), which hears every change of its partitions, and each check reads only
 * what changed.
 *
 * <p>Thread-safe: wake-ups come from any appending thread; checks and completion run on the connection's event
 * loop; {@link #completed} makes completion happen once.
 */
final class DelayedFetch implements Runnable {

    private final FetchHandler.FetchPlan plan;
    private final List<Partition> watched;
    private final int minBytes;
    private final int maxWaitMs;
    private final AtomicBoolean completed = new AtomicBoolean();
    private final AtomicBoolean checkScheduled = new AtomicBoolean();
    private ScheduledFuture<?> timeout;

    DelayedFetch(FetchHandler.FetchPlan plan, List<Partition> watched, int minBytes, int maxWaitMs) {
        this.plan = plan;
        this.watched = watched;
        this.minBytes = minBytes;
        this.maxWaitMs = maxWaitMs;
    }

    /** Called on the event loop of the request. */
    void start() {
        if (plan.targeted) {
            plan.session.waiter = this; // woken by a change of any of the session's partitions
        }
        for (Partition p : watched) {
            p.addAppendListener(this);
        }
        timeout = plan.request().eventLoop().schedule(this::expire, maxWaitMs, TimeUnit.MILLISECONDS);
        // An append between the first read and the registration above would otherwise go unnoticed.
        check();
    }

    /** An append to one of the partitions: check on the event loop, once per burst of appends. */
    @Override
    public void run() {
        if (!completed.get() && checkScheduled.compareAndSet(false, true)) {
            plan.request().eventLoop().execute(this::check);
        }
    }

    private void check() {
        checkScheduled.set(false);
        if (completed.get()) {
            return;
        }
        FetchHandler.ReadResult result = plan.read();
        if (result.bytes() >= minBytes || result.anyError()) {
            complete(result);
        }
    }

    private void expire() {
        if (!completed.get()) {
            complete(plan.read());
        }
    }

    private void complete(FetchHandler.ReadResult result) {
        if (!completed.compareAndSet(false, true)) {
            return;
        }
        if (plan.targeted && plan.session.waiter == this) {
            plan.session.waiter = null;
        }
        for (Partition p : watched) {
            p.removeAppendListener(this);
        }
        if (timeout != null) {
            timeout.cancel(false);
        }
        plan.request().respond(plan.response(result));
    }
}
