package dev.nagare.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.common.errors.KafkaStorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit, per log and in parallel across logs.
 *
 * <p>Callers enqueue a flush request for a log and get a future. Each log has a {@link Waiters} list; the first
 * request on an idle log schedules one flush task for it on a small pool of {@code nagare-log-flusher-N} threads. The
 * task takes every request waiting on that log at that moment, fsyncs the log once ({@link Log#flush()}, which also
 * advances its recovery point), completes those futures on its own thread, and if more requests arrived meanwhile
 * schedules itself again at the back of the pool's queue (so a busy log cannot starve the others). While one fsync
 * of a log runs, its new requests pile up and are served together by the next one: the fsync rate adapts to the
 * disk, not to the request rate.
 *
 * <p>Why parallel: the logs of one produce request are separate files, and on ext4 (and most SSDs) concurrent
 * fdatasyncs of different files overlap — they share one journal commit and the device queue — where serial ones pay
 * the full latency each. Measured on the development machine (virtio disk, ext4), 6 files × 40 KiB appended then
 * fdatasynced: about 50 rounds/s one after the other, about 400 rounds/s all at once. So the logs of one round are
 * no longer fsynced one after the other by one thread. End to end (bench's fsync workload, 6 partitions) this cut
 * the average produce latency from 6.3 to 4.9 ms with 2 producers; each fsync takes longer (they queue in the
 * journal) and there are about 2-3 times as many, each covering less.
 *
 * <p>The guarantee: a future completes normally only after a {@link Log#flush()} that <em>started</em> after the
 * request was enqueued has returned. Every request enqueued before a task takes the list is in that list, and the
 * task flushes after taking it; a request enqueued later lands in the next list. Two tasks never flush one log at
 * once by design ({@code scheduled}); if they ever did (a log whose waiters were dropped and re-created), {@link
 * Log#flush()} serializes them on its own lock, so the guarantee does not depend on it.
 *
 * <p>Threads: {@link #flushAsync} from any thread; {@link Waiters} fields under the monitor of their Waiters object;
 * {@link #flush} on a pool thread (or on the caller's thread once closed); {@link FsyncListener} from any pool thread.
 */
final class GroupCommitFlusher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitFlusher.class);

    /**
     * Flusher threads. Enough to overlap the fsyncs of the partitions one producer writes (6 in the bench, often
     * more); on the development machine throughput stopped growing between 4 and 16 concurrent fdatasyncs. The
     * threads block in the kernel, they use no CPU, and they stop after {@link #IDLE_SECONDS} without work.
     */
    static final int THREADS = 8;
    private static final long IDLE_SECONDS = 60;

    /** The requests waiting for the next fsync of one log. */
    private static final class Waiters {
        final Log log;
        /** Guarded by this. */
        private List<CompletableFuture<Void>> waiting = new ArrayList<>();
        /** Guarded by this: a flush task for this log is queued or running. */
        private boolean scheduled;

        Waiters(Log log) {
            this.log = log;
        }
    }

    private final ConcurrentHashMap<Log, Waiters> waiters = new ConcurrentHashMap<>();
    private final ThreadPoolExecutor pool;
    private final FsyncListener listener;
    private volatile boolean closed;

    GroupCommitFlusher(FsyncListener listener) {
        this(listener, THREADS);
    }

    GroupCommitFlusher(FsyncListener listener, int threads) {
        this.listener = listener;
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, IDLE_SECONDS, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, "nagare-log-flusher-" + n.getAndIncrement());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
    }

    CompletableFuture<Void> flushAsync(Log log) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Waiters w = waiters.computeIfAbsent(log, Waiters::new);
        boolean schedule;
        synchronized (w) {
            w.waiting.add(done);
            schedule = !w.scheduled;
            w.scheduled = true;
        }
        if (schedule) {
            submit(w);
        }
        return done;
    }

    /** Runs the flush rounds of {@code w} on the pool, or here once the pool is closed. */
    private void submit(Waiters w) {
        if (!closed) {
            try {
                pool.execute(() -> {
                    if (flush(w)) {
                        submit(w);
                    }
                });
                return;
            } catch (RejectedExecutionException e) {
                // closed meanwhile: served below, on this thread
            }
        }
        while (flush(w)) {
            // requests arrived during the fsync: another round
        }
    }

    /**
     * One group commit of one log: takes its waiting requests, fsyncs once, completes them. Returns true when
     * requests arrived during the fsync: the caller must run another round ({@code scheduled} stays set).
     */
    private boolean flush(Waiters w) {
        List<CompletableFuture<Void>> batch;
        synchronized (w) {
            batch = w.waiting;
            w.waiting = new ArrayList<>();
        }
        RuntimeException failure = null;
        if (!batch.isEmpty()) {
            long start = System.nanoTime();
            try {
                w.log.flush();
                listener.fsynced(w.log.topicPartition(), System.nanoTime() - start, false);
            } catch (RuntimeException e) {
                listener.fsynced(w.log.topicPartition(), System.nanoTime() - start, true);
                LOG.error("fsync of {} failed", w.log.topicPartition(), e);
                failure = e instanceof KafkaStorageException ? e : new KafkaStorageException(e);
            }
        }
        for (CompletableFuture<Void> done : batch) {
            if (failure == null) {
                done.complete(null);
            } else {
                done.completeExceptionally(failure);
            }
        }
        synchronized (w) {
            w.scheduled = !w.waiting.isEmpty();
            return w.scheduled;
        }
    }

    /** Forgets a log that is closed or deleted (its waiters, if any, are still served). */
    void forget(Log log) {
        waiters.remove(log);
    }

    /** Serves what is queued, then stops the threads; later requests are flushed on the caller's thread. */
    @Override
    public void close() {
        closed = true;
        pool.shutdown();
        try {
            if (!pool.awaitTermination(1, TimeUnit.MINUTES)) {
                LOG.warn("Group-commit fsyncs still running after 1 minute; closing without them");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
