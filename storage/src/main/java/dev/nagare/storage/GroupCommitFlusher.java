package dev.nagare.storage;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

import org.apache.kafka.common.errors.KafkaStorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: callers enqueue a flush request for a log and get a future; the {@code nagare-log-flusher} thread
 * takes whatever is queued at that moment, fsyncs each distinct log once ({@link Log#flush()}, which also advances
 * its recovery point), then completes every drained future. While one fsync runs, new requests pile up and are
 * served together by the next one, so the fsync rate adapts to the disk instead of to the request rate.
 *
 * <p>Threads: {@link #flushAsync} from any thread; the queue is a concurrent queue; everything else runs on the
 * flusher thread.
 */
final class GroupCommitFlusher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitFlusher.class);

    private record Request(Log log, CompletableFuture<Void> done) {
    }

    private static final Request STOP = new Request(null, null);

    private final LinkedBlockingQueue<Request> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final FsyncListener listener;
    private volatile boolean closed;

    GroupCommitFlusher(FsyncListener listener) {
        this.listener = listener;
        thread = new Thread(this::run, "nagare-log-flusher");
        thread.setDaemon(true);
        thread.start();
    }

    CompletableFuture<Void> flushAsync(Log log) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (closed) {
            flushAll(List.of(new Request(log, done)), listener);
            return done;
        }
        queue.add(new Request(log, done));
        return done;
    }

    private void run() {
        List<Request> batch = new ArrayList<>();
        while (true) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            queue.drainTo(batch);
            boolean stop = batch.remove(STOP);
            flushAll(batch, listener);
            batch.clear();
            if (stop) {
                List<Request> rest = new ArrayList<>();
                queue.drainTo(rest);
                rest.remove(STOP);
                flushAll(rest, listener);
                return;
            }
        }
    }

    /**
     * fsyncs each distinct log once, timing each fsync for the listener, then completes every request (exceptionally
     * for a log whose fsync failed).
     */
    private static void flushAll(List<Request> requests, FsyncListener listener) {
        Map<Log, RuntimeException> results = new IdentityHashMap<>();
        for (Request r : requests) {
            if (!results.containsKey(r.log)) {
                long start = System.nanoTime();
                try {
                    r.log.flush();
                    listener.fsynced(r.log.topicPartition(), System.nanoTime() - start, false);
                    results.put(r.log, null);
                } catch (RuntimeException e) {
                    listener.fsynced(r.log.topicPartition(), System.nanoTime() - start, true);
                    LOG.error("fsync of {} failed", r.log.topicPartition(), e);
                    results.put(r.log, e instanceof KafkaStorageException ? e : new KafkaStorageException(e));
                }
            }
        }
        for (Request r : requests) {
            RuntimeException e = results.get(r.log);
            if (e == null) {
                r.done.complete(null);
            } else {
                r.done.completeExceptionally(e);
            }
        }
    }

    /** Serves what is queued, then stops the thread; later requests are flushed on the caller's thread. */
    @Override
    public void close() {
        closed = true;
        queue.add(STOP);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
