package dev.nagare.broker.metrics;

import java.util.concurrent.atomic.AtomicReferenceArray;

import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import dev.nagare.broker.network.NetworkListener;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The Kafka listener's counters: requests per API, errors per API and error code, request latency per API and
 * connections. The listener calls it on its event loops for every request ({@link NetworkListener}).
 *
 * <p>Cost per request: the data point of each series is looked up once, then kept in an array indexed by API key
 * (and error code), so the hot path is an array read and the library's lock-free adders — no allocation, except
 * what {@link ResponseErrors} needs for APIs other than Produce and Fetch.
 *
 * <p>Thread-safe: the caches are {@link AtomicReferenceArray}s; two threads racing to fill a slot get the same data
 * point from the library.
 */
final class RequestMetrics implements NetworkListener, ResponseErrors.Sink {

    /** From 0.1 ms to ~26 s, ×4 a step: a fetch waiting for {@code max.wait.ms} (500 ms default) lands mid-range. */
    static final double[] LATENCY_BUCKETS = {0.0001, 0.0004, 0.0016, 0.0064, 0.0256, 0.1024, 0.4096, 1.6384, 6.5536,
            26.2144};

    private static final int API_SLOTS = maxApiId() + 1;
    private static final int ERROR_SLOTS = maxErrorCode() + 2; // codes run from -1 (UNKNOWN_SERVER_ERROR)

    private final Counter requests;
    private final Counter errors;
    private final Histogram latency;
    private final Gauge connections;
    private final Counter connectionsOpened;
    private final Counter countingFailures;
    private final AtomicReferenceArray<CounterDataPoint> requestsByApi = new AtomicReferenceArray<>(API_SLOTS);
    private final AtomicReferenceArray<DistributionDataPoint> latencyByApi = new AtomicReferenceArray<>(API_SLOTS);
    private final AtomicReferenceArray<CounterDataPoint> errorsByApiAndCode =
            new AtomicReferenceArray<>(API_SLOTS * ERROR_SLOTS);

    RequestMetrics(PrometheusRegistry registry) {
        requests = Counter.builder().name("nagare_requests_total")
                .help("Kafka requests answered, per API (Kafka's RequestsPerSec).")
                .labelNames("api").register(registry);
        errors = Counter.builder().name("nagare_request_errors_total")
                .help("Error codes in Kafka responses, per API and error code, one per occurrence (partition-level "
                        + "errors included; NONE left out), as Kafka's ErrorsPerSec.")
                .labelNames("api", "error").register(registry);
        latency = Histogram.builder().name("nagare_request_latency_seconds")
                .help("Time from a request's arrival to its response being written, per API.")
                .labelNames("api").classicOnly().classicUpperBounds(LATENCY_BUCKETS).register(registry);
        connections = Gauge.builder().name("nagare_connections")
                .help("Open Kafka client connections.").register(registry);
        connectionsOpened = Counter.builder().name("nagare_connections_opened_total")
                .help("Kafka client connections accepted since start.").register(registry);
        countingFailures = Counter.builder().name("nagare_request_errors_uncounted_total")
                .help("Responses whose error codes could not be read for nagare_request_errors_total.")
                .register(registry);
    }

    @Override
    public void connectionOpened() {
        connections.inc();
        connectionsOpened.inc();
    }

    @Override
    public void connectionClosed() {
        connections.dec();
    }

    @Override
    public void requestCompleted(ApiKeys api, short version, ApiMessage response, long latencyNanos) {
        int slot = api.id;
        CounterDataPoint count = requestsByApi.get(slot);
        if (count == null) {
            count = requests.labelValues(api.name);
            requestsByApi.set(slot, count);
        }
        count.inc();
        DistributionDataPoint time = latencyByApi.get(slot);
        if (time == null) {
            time = latency.labelValues(api.name);
            latencyByApi.set(slot, time);
        }
        time.observe(latencyNanos / 1e9);
        if (response != null) {
            try {
                ResponseErrors.forEach(api, version, response, this);
            } catch (RuntimeException e) {
                // kafka-clients' response wrapper refused the message: its errors go uncounted, the response is
                // still written
                countingFailures.inc();
            }
        }
    }

    @Override
    public void error(ApiKeys api, short code, int count) {
        errorCounter(api, code).inc(count);
    }

    private CounterDataPoint errorCounter(ApiKeys api, short code) {
        int slot = code + 1 >= 0 && code + 1 < ERROR_SLOTS ? api.id * ERROR_SLOTS + code + 1 : -1;
        CounterDataPoint c = slot < 0 ? null : errorsByApiAndCode.get(slot);
        if (c == null) {
            c = errors.labelValues(api.name, Errors.forCode(code).name());
            if (slot >= 0) {
                errorsByApiAndCode.set(slot, c);
            }
        }
        return c;
    }

    private static int maxApiId() {
        int max = 0;
        for (ApiKeys k : ApiKeys.values()) {
            max = Math.max(max, k.id);
        }
        return max;
    }

    private static int maxErrorCode() {
        int max = 0;
        for (Errors e : Errors.values()) {
            max = Math.max(max, e.code());
        }
        return max;
    }
}
