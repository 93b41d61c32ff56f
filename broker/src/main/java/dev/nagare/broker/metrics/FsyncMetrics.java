package dev.nagare.broker.metrics;

import org.apache.kafka.common.TopicPartition;

import dev.nagare.storage.FsyncListener;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The latency of the storage engine's group-commit fsyncs, and its failures. Not per partition: the disk is the
 * shared resource and a histogram per partition would multiply series by the partition count.
 *
 * <p>Thread-safe; called on the {@code nagare-log-flusher-N} threads, several at once.
 */
final class FsyncMetrics implements FsyncListener {

    /** From 50 µs (a write cache) to ~3 s (a saturated disk), ×4 a step. */
    private static final double[] BUCKETS = {0.00005, 0.0002, 0.0008, 0.0032, 0.0128, 0.0512, 0.2048, 0.8192, 3.2768};

    private final Histogram latency;
    private final Counter failures;

    FsyncMetrics(PrometheusRegistry registry) {
        latency = Histogram.builder().name("nagare_log_fsync_seconds")
                .help("Time of one group-commit fsync of one partition's log.")
                .classicOnly().classicUpperBounds(BUCKETS).register(registry);
        failures = Counter.builder().name("nagare_log_fsync_failures_total")
                .help("fsyncs that failed (their producers got KAFKA_STORAGE_ERROR).").register(registry);
    }

    @Override
    public void fsynced(TopicPartition partition, long nanos, boolean failed) {
        latency.observe(nanos / 1e9);
        if (failed) {
            failures.inc();
        }
    }
}
