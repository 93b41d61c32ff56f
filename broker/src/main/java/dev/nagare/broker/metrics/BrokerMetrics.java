package dev.nagare.broker.metrics;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.nagare.broker.api.TopicTraffic;
import dev.nagare.broker.lag.LagMonitor;
import dev.nagare.broker.network.NetworkListener;
import dev.nagare.broker.partition.PartitionManager;
import dev.nagare.storage.FsyncListener;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmBufferPoolMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmClassLoadingMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmCompilationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmRuntimeInfoMetric;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

/**
 * Every metric of one broker, in a registry of its own (no static default registry, so several brokers in one JVM
 * — tests — do not mix). Two kinds:
 *
 * <ul>
 *   <li>counters the hot paths update as they go, handed to them as listeners before they start:
 *       {@link #network()} (requests, errors, latency, connections), {@link #traffic()} (bytes and messages per
 *       topic), {@link #fsyncs()} (fsync latency);</li>
 *   <li>state read at scrape time by collectors registered with {@link #watch}: partitions and logs, and consumer
 *       lag (exact, evaluated per scrape); plus the JVM's.</li>
 * </ul>
 *
 * <p>Extension points: {@link #addLagExtension} (series from the same lag evaluation, e.g. the estimated time lags
 * and the group status) and {@link #register} (any other collector).
 *
 * <p>Thread-safe. Scrapes may run concurrently; each builds its own snapshot.
 */
public final class BrokerMetrics {

    /** The content type of {@link #writeText}: Prometheus text format 0.0.4. */
    public static final String TEXT_CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final RequestMetrics requests;
    private final TopicTrafficMetrics traffic;
    private final FsyncMetrics fsyncs;
    private final List<LagMetricsExtension> lagExtensions = new CopyOnWriteArrayList<>();
    private final PrometheusTextFormatWriter text = PrometheusTextFormatWriter.create();
    private volatile boolean jvmRegistered;

    public BrokerMetrics() {
        requests = new RequestMetrics(registry);
        traffic = new TopicTrafficMetrics(registry);
        fsyncs = new FsyncMetrics(registry);
    }

    /**
     * The JVM's and the process's series, registered at the first scrape rather than at start-up: they bring up the
     * platform MXBeans, a fifth of a broker's start-up time, for a scraper that may come minutes later or never.
     */
    private synchronized void registerJvmMetrics() {
        if (jvmRegistered) {
            return;
        }
        // JvmMemoryPoolAllocationMetrics is left out: it installs GC notification listeners that would outlive a
        // broker closed in the same JVM.
        JvmMemoryMetrics.builder().register(registry);
        JvmThreadsMetrics.builder().register(registry);
        JvmGarbageCollectorMetrics.builder().register(registry);
        JvmClassLoadingMetrics.builder().register(registry);
        JvmBufferPoolMetrics.builder().register(registry);
        JvmCompilationMetrics.builder().register(registry);
        JvmRuntimeInfoMetric.builder().register(registry);
        ProcessMetrics.builder().register(registry);
        jvmRegistered = true;
    }

    /** For the Kafka listener. */
    public NetworkListener network() {
        return requests;
    }

    /** For the produce and fetch handlers. */
    public TopicTraffic traffic() {
        return traffic;
    }

    /** For the storage engine's group commit. */
    public FsyncListener fsyncs() {
        return fsyncs;
    }

    /** Registers the collectors that read partitions and consumer lag at scrape time; called once at start-up. */
    public void watch(PartitionManager partitions, LagMonitor lag) {
        registry.register(new PartitionCollector(partitions, traffic));
        registry.register(new LagCollector(lag, lagExtensions));
    }

    /** Adds per-group series computed from each scrape's lag evaluation (see {@link LagMetricsExtension}). */
    public void addLagExtension(LagMetricsExtension extension) {
        lagExtensions.add(extension);
    }

    /** Adds a collector of its own. */
    public void register(MultiCollector collector) {
        registry.register(collector);
    }

    /** Every metric now. */
    public MetricSnapshots scrape() {
        if (!jvmRegistered) {
            registerJvmMetrics();
        }
        return registry.scrape();
    }

    /** Scrapes and writes the Prometheus text format. */
    public void writeText(OutputStream out) throws IOException {
        text.write(out, scrape());
    }
}
