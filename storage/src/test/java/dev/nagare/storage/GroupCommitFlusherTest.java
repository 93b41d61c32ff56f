package dev.nagare.storage;

import static dev.nagare.storage.TestSupport.batch;
import static dev.nagare.storage.TestSupport.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The group-commit flusher fsyncs several logs at once on several threads; whatever the interleaving, a request's
 * future completes only after a fsync of its log that covers everything appended before the request.
 */
class GroupCommitFlusherTest {

    @TempDir
    Path dir;

    final FakeTime time = new FakeTime();
    final LogConfig config = config(64 * 1024, 4096);

    @Test
    void everyFutureCompletesOnlyAfterAFlushOfItsLogThatCoversItsAppend() throws Exception {
        int logCount = 24;
        int appenders = 8;
        int rounds = 300;
        Queue<String> violations = new ConcurrentLinkedQueue<>();
        AtomicInteger fsyncs = new AtomicInteger();
        try (LogManager manager = TestSupport.openManager(dir, config, time);
             GroupCommitFlusher flusher = new GroupCommitFlusher((tp, nanos, failed) -> fsyncs.incrementAndGet(), 3)) {
            List<Log> logs = new ArrayList<>();
            for (int i = 0; i < logCount; i++) {
                logs.add(manager.getOrCreate(new TopicPartition("t", i), config));
            }
            ExecutorService pool = Executors.newFixedThreadPool(appenders);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<CompletableFuture<Void>>>> results = new ArrayList<>();
            for (int a = 0; a < appenders; a++) {
                results.add(pool.submit(() -> {
                    start.await();
                    List<CompletableFuture<Void>> waiting = new ArrayList<>();
                    for (int r = 0; r < rounds; r++) {
                        Log log = logs.get(ThreadLocalRandom.current().nextInt(logCount));
                        log.append(batch(time.milliseconds(), "v" + r), 0);
                        long end = log.logEndOffset(); // this append and any before it
                        waiting.add(flusher.flushAsync(log).whenComplete((ignored, error) -> {
                            // runs where the future completes: the recovery point moves only after a force
                            long durable = log.recoveryPoint();
                            if (error != null || durable < end) {
                                violations.add(log.topicPartition() + ": acked with recovery point " + durable
                                        + " < " + end + (error == null ? "" : " (" + error + ")"));
                            }
                        }));
                    }
                    return waiting;
                }));
            }
            start.countDown();
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (Future<List<CompletableFuture<Void>>> f : results) {
                all.addAll(f.get(60, TimeUnit.SECONDS));
            }
            pool.shutdown();
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

            assertEquals(0, violations.size(), () -> violations.size() + " early acks, first: "
                    + violations.stream().limit(5).toList());
            assertEquals(appenders * rounds, all.size());
            assertTrue(fsyncs.get() <= all.size(), "one fsync per request at most: " + fsyncs.get());
            for (Log log : logs) {
                assertEquals(log.logEndOffset(), log.recoveryPoint(), log.topicPartition().toString());
            }
        }
    }

    @Test
    void theFsyncsOfDifferentLogsRunAtTheSameTime() throws Exception {
        CountDownLatch bothInside = new CountDownLatch(2);
        AtomicInteger timedOut = new AtomicInteger();
        FsyncListener waitForTheOther = (tp, nanos, failed) -> {
            bothInside.countDown();
            try {
                if (!bothInside.await(10, TimeUnit.SECONDS)) {
                    timedOut.incrementAndGet();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        try (LogManager manager = TestSupport.openManager(dir, config, time);
             GroupCommitFlusher flusher = new GroupCommitFlusher(waitForTheOther, 2)) {
            Log a = manager.getOrCreate(new TopicPartition("t", 0), config);
            Log b = manager.getOrCreate(new TopicPartition("t", 1), config);
            a.append(batch(time.milliseconds(), "a"), 0);
            b.append(batch(time.milliseconds(), "b"), 0);

            CompletableFuture.allOf(flusher.flushAsync(a), flusher.flushAsync(b)).get(30, TimeUnit.SECONDS);

            assertEquals(0, timedOut.get(), "the second log waited for the first one's fsync");
        }
    }

    @Test
    void afterCloseARequestIsFlushedOnTheCallersThread() throws Exception {
        try (LogManager manager = TestSupport.openManager(dir, config, time)) {
            Log log = manager.getOrCreate(new TopicPartition("t", 0), config);
            GroupCommitFlusher flusher = new GroupCommitFlusher(FsyncListener.NONE, 2);
            flusher.close();
            log.append(batch(time.milliseconds(), "late"), 0);

            CompletableFuture<Void> done = flusher.flushAsync(log);

            assertTrue(done.isDone() && !done.isCompletedExceptionally());
            assertEquals(1, log.recoveryPoint());
        }
    }
}
