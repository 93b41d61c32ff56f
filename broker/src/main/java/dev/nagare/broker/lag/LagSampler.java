package dev.nagare.broker.lag;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a sample of every group's lag every {@value LagHistory#STEP_MS} ms on its own thread
 * ({@code nagare-lag-sampler}): records it into {@link LagHistory} and {@link ConsumeRates}, and writes the history
 * to disk every {@value #WRITE_INTERVAL_MS} ms of broker time and once more at {@link #close()}.
 *
 * <p>The thread only paces the work; what a sample records and when the history is written is decided by
 * {@link #sampleOnce()} from the injected clock, which tests call directly with a fake one. A sample that fails
 * (the coordinator closing, a full disk) is logged and the next one tries again.
 *
 * <p>Thread-safe: {@link #sampleOnce()} holds this object's lock, so a sample a tool asks for and the thread's own
 * never interleave.
 */
public final class LagSampler implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LagSampler.class);

    /** How often the history is written to disk: at most a minute of samples is lost to a crash. */
    static final long WRITE_INTERVAL_MS = 60_000;

    private final LagSource source;
    private final LagHistory history;
    private final ConsumeRates rates;
    private final Path dir;
    private final Time time;
    private ScheduledThreadPoolExecutor executor;
    /** Guarded by this. */
    private long lastWriteMs;

    LagSampler(LagSource source, LagHistory history, ConsumeRates rates, Path dir, Time time) {
        this.source = source;
        this.history = history;
        this.rates = rates;
        this.dir = dir;
        this.time = time;
        this.lastWriteMs = time.milliseconds();
    }

    /** Starts the thread; the first sample is taken one step from now. */
    synchronized void start() {
        executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "nagare-lag-sampler");
            t.setDaemon(true);
            return t;
        });
        executor.scheduleAtFixedRate(this::sampleLogged, LagHistory.STEP_MS, LagHistory.STEP_MS,
                TimeUnit.MILLISECONDS);
    }

    private void sampleLogged() {
        try {
            sampleOnce();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            log.warn("Lag sample failed; the next one retries", e);
        }
    }

    /**
     * Evaluates every group's lag and records it; writes the history if the last write is a minute old.
     *
     * @return the broker time of the sample's step (a multiple of {@value LagHistory#STEP_MS})
     */
    public synchronized long sampleOnce() throws InterruptedException, ExecutionException, TimeoutException {
        List<GroupLag> groups = source.evaluateAll().get(LagHistory.STEP_MS, TimeUnit.MILLISECONDS);
        long now = time.milliseconds();
        history.record(groups, now);
        rates.observe(groups, now);
        if (now - lastWriteMs >= WRITE_INTERVAL_MS) {
            write(now);
        }
        return Math.floorDiv(now, LagHistory.STEP_MS) * LagHistory.STEP_MS;
    }

    private void write(long now) {
        lastWriteMs = now;
        try {
            history.write(dir);
        } catch (IOException e) {
            log.warn("Could not write the lag history to {}; retrying with the next write", dir, e);
        }
    }

    /** Stops the thread (waiting for a sample in progress) and writes the history. */
    @Override
    public void close() {
        ScheduledThreadPoolExecutor e;
        synchronized (this) {
            e = executor;
        }
        if (e != null) {
            e.shutdown();
            try {
                e.awaitTermination(LagHistory.STEP_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            write(time.milliseconds());
        }
    }
}
