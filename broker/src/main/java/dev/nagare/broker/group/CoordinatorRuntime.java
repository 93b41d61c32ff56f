package dev.nagare.broker.group;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.CoordinatorNotAvailableException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.InvalidCommitOffsetSizeException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.nagare.broker.config.BrokerConfig;
import dev.nagare.broker.metadata.TopicInfo;
import dev.nagare.broker.partition.Partition;
import dev.nagare.broker.partition.PartitionManager;
import dev.nagare.storage.LogReadInfo;
import dev.nagare.storage.LogSlice;

/**
 * Runs the {@link GroupCoordinator} on its own thread ({@code nagare-group-coordinator}): every request, timer
 * task and load step is a task on that one thread, so the coordinator's state has a single writer and needs no
 * locks. Writes go to the partitions of {@code __consumer_offsets} (created on first use with
 * {@code offsets.topic.num.partitions} partitions, compacted, as Kafka does), one append per operation, before the
 * change is applied and answered.
 *
 * <p>Start-up loading replays each existing partition of {@code __consumer_offsets} as a task of its own, in the
 * background after the listener opens; a request for a group whose partition is not loaded yet gets
 * COORDINATOR_LOAD_IN_PROGRESS (clients retry).
 *
 * <p>Thread-safe: public methods may be called from any thread; they hand work to the coordinator thread.
 */
public final class CoordinatorRuntime implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CoordinatorRuntime.class);
    public static final String OFFSETS_TOPIC = Topic.GROUP_METADATA_TOPIC_NAME;

    private final PartitionManager partitions;
    private final BrokerConfig config;
    private final Time time;
    private final ScheduledThreadPoolExecutor executor;
    private final GroupCoordinator coordinator;
    /** Coordinator thread only. */
    private final Map<String, ScheduledFuture<?>> timers = new HashMap<>();
    /** Per offsets partition: loaded (true) or not yet; null until the topic exists. Read from any thread. */
    private volatile AtomicReferenceArray<Boolean> loaded;
    private volatile boolean closed;

    public CoordinatorRuntime(PartitionManager partitions, Time time) {
        this.partitions = partitions;
        this.config = partitions.brokerConfig();
        this.time = time;
        this.executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "nagare-group-coordinator");
            t.setDaemon(true);
            return t;
        });
        this.executor.setRemoveOnCancelPolicy(true);
        this.executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        GroupSettings settings = GroupSettings.from(config);
        var existing = partitions.topics().get(OFFSETS_TOPIC);
        if (existing.isPresent() && existing.get().partitions() != settings.offsetsTopicPartitions()) {
            log.warn("{} has {} partitions; {}={} applies only when it is created", OFFSETS_TOPIC,
                    existing.get().partitions(), BrokerConfig.OFFSETS_TOPIC_NUM_PARTITIONS,
                    settings.offsetsTopicPartitions());
            settings = new GroupSettings(existing.get().partitions(), settings.minSessionTimeoutMs(),
                    settings.maxSessionTimeoutMs(), settings.initialRebalanceDelayMs(), settings.maxGroupSize(),
                    settings.offsetsRetentionMs(), settings.retentionCheckIntervalMs(), settings.maxMetadataBytes());
        }
        this.coordinator = new GroupCoordinator(settings, new ExecutorTimer(), time, this::write);
        partitions.topics().onDelete(topic -> {
            if (!topic.name().equals(OFFSETS_TOPIC)) {
                submit(c -> c.topicDeleted(topic.name()));
            }
        });
    }

    /** Starts loading {@code __consumer_offsets} in the background. */
    public void start() {
        executor.execute(() -> {
            var topic = partitions.topics().get(OFFSETS_TOPIC);
            int n = coordinator.settings().offsetsTopicPartitions();
            AtomicReferenceArray<Boolean> state = new AtomicReferenceArray<>(n);
            for (int p = 0; p < n; p++) {
                state.set(p, topic.isEmpty());
            }
            loaded = state;
            if (topic.isEmpty()) {
                coordinator.loaded();
                return;
            }
            long startNanos = System.nanoTime();
            long[] records = new long[1];
            for (int p = 0; p < n; p++) {
                int partition = p;
                executor.execute(() -> safely("loading " + OFFSETS_TOPIC + "-" + partition, () -> {
                    records[0] += load(partition);
                    state.set(partition, true);
                }));
            }
            executor.execute(() -> {
                coordinator.loaded();
                log.info("Loaded {} record(s) of {} in {} ms: {} group(s)", records[0], OFFSETS_TOPIC,
                        (System.nanoTime() - startNanos) / 1_000_000, coordinator.groupIds().size());
            });
        });
    }

    public GroupSettings settings() {
        return coordinator.settings();
    }

    /**
     * True when the partition holding this group's state has been loaded (a null id counts as "", which the
     * coordinator then refuses with Kafka's error). Any thread.
     */
    public boolean isLoaded(String groupId) {
        AtomicReferenceArray<Boolean> l = loaded;
        return l != null && Boolean.TRUE.equals(
                l.get(coordinator.settings().partitionFor(groupId == null ? "" : groupId)));
    }

    /** Runs {@code task} with the coordinator on its thread. */
    public void submit(Consumer<GroupCoordinator> task) {
        try {
            executor.execute(() -> safely("a coordinator task", () -> task.accept(coordinator)));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            log.debug("The coordinator is shut down; a task is dropped");
        }
    }

    /** Like {@link #submit}, for tasks whose failure the caller answers. */
    public <T> CompletableFuture<T> call(java.util.function.Function<GroupCoordinator, T> task) {
        CompletableFuture<T> f = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                try {
                    f.complete(task.apply(coordinator));
                } catch (Throwable t) {
                    f.completeExceptionally(t);
                }
            });
        } catch (RuntimeException e) {
            f.completeExceptionally(new CoordinatorNotAvailableException("The coordinator is shutting down"));
        }
        return f;
    }

    /** A copy of every loaded group, taken on the coordinator thread. Any thread. */
    public CompletableFuture<List<GroupSnapshot>> snapshot() {
        return call(c -> c.snapshot().stream().filter(g -> isLoaded(g.groupId())).toList());
    }

    /** A copy of one group, taken on the coordinator thread; empty if it is unknown or not loaded. Any thread. */
    public CompletableFuture<Optional<GroupSnapshot>> snapshot(String groupId) {
        return call(c -> c.snapshot(groupId).filter(g -> isLoaded(g.groupId())));
    }

    /** Creates {@code __consumer_offsets} if it does not exist yet. Coordinator thread. */
    public void ensureOffsetsTopic() {
        if (partitions.topics().get(OFFSETS_TOPIC).isPresent()) {
            return;
        }
        int n = coordinator.settings().offsetsTopicPartitions();
        Map<String, String> configs = Map.of("cleanup.policy", "compact",
                "segment.bytes", String.valueOf(config.intValue(BrokerConfig.OFFSETS_TOPIC_SEGMENT_BYTES)),
                "compression.type", "producer");
        TopicInfo created = partitions.createTopic(new PartitionManager.NewTopic(OFFSETS_TOPIC, n, (short) 1, configs));
        log.info("Created {} with {} partitions", created.name(), created.partitions());
    }

    // ---------------------------------------------------------------- writing and loading

    private void write(int offsetsPartition, List<CoordinatorRecord> records) {
        ensureOffsetsTopic();
        Partition partition = partitions.partition(new TopicPartition(OFFSETS_TOPIC, offsetsPartition))
                .orElseThrow(() -> new CoordinatorNotAvailableException(OFFSETS_TOPIC + "-" + offsetsPartition
                        + " is not available"));
        long now = time.milliseconds();
        SimpleRecord[] simple = new SimpleRecord[records.size()];
        for (int i = 0; i < simple.length; i++) {
            CoordinatorRecord r = records.get(i);
            simple[i] = new SimpleRecord(now, OffsetsTopicFormat.key(r), OffsetsTopicFormat.value(r));
        }
        try {
            partition.append(MemoryRecords.withRecords(Compression.NONE, simple));
            CompletableFuture<Void> durable = partitions.awaitDurable(partition);
            if (!durable.isDone()) {
                durable.join();
            }
        } catch (RecordTooLargeException e) {
            throw new InvalidCommitOffsetSizeException("The commit is too large for " + OFFSETS_TOPIC);
        } catch (RuntimeException e) {
            log.warn("Append to {} failed", partition, e);
            throw new CoordinatorNotAvailableException("Could not write to " + partition + ": " + e.getMessage());
        }
    }

    /** Replays one partition of {@code __consumer_offsets}; returns the records read. Coordinator thread. */
    private long load(int offsetsPartition) throws IOException {
        var p = partitions.partition(new TopicPartition(OFFSETS_TOPIC, offsetsPartition));
        if (p.isEmpty()) {
            return 0;
        }
        var logOfPartition = p.get().log();
        int bufferSize = config.intValue(BrokerConfig.OFFSETS_LOAD_BUFFER_SIZE);
        ByteBuffer buffer = ByteBuffer.allocate(bufferSize);
        long offset = logOfPartition.logStartOffset();
        long end = logOfPartition.highWatermark();
        long count = 0;
        while (offset < end) {
            LogReadInfo info = logOfPartition.read(offset, bufferSize, true);
            LogSlice slice = info.slice();
            if (slice.size() == 0) {
                break;
            }
            buffer = slice.copy(buffer);
            long next = offset;
            for (MutableRecordBatch batch : MemoryRecords.readableRecords(buffer).batches()) {
                for (Record r : batch) {
                    if (r.offset() < offset) {
                        continue;
                    }
                    CoordinatorRecord decoded = OffsetsTopicFormat.decode(r);
                    if (decoded != null) {
                        coordinator.replay(decoded);
                    }
                    count++;
                }
                next = batch.nextOffset();
            }
            if (next <= offset) {
                break;
            }
            offset = next;
        }
        return count;
    }

    private void safely(String what, ThrowingRunnable task) {
        try {
            task.run();
        } catch (Throwable t) {
            log.error("Error in {}", what, t);
        }
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** Timers on the coordinator thread; a rescheduled or cancelled key's old task does not run. */
    private final class ExecutorTimer implements CoordinatorTimer {
        @Override
        public void schedule(String key, long delayMs, Runnable task) {
            cancel(key);
            if (closed) {
                return;
            }
            Object[] self = new Object[1];
            ScheduledFuture<?> f = executor.schedule(() -> {
                if (timers.get(key) == self[0]) {
                    timers.remove(key);
                    safely("timer " + key, task::run);
                }
            }, Math.max(0, delayMs), TimeUnit.MILLISECONDS);
            self[0] = f;
            timers.put(key, f);
        }

        @Override
        public void cancel(String key) {
            ScheduledFuture<?> f = timers.remove(key);
            if (f != null) {
                f.cancel(false);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            executor.shutdownNow();
        }
    }
}
