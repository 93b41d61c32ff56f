package dev.nagare.broker.metrics;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.nagare.broker.api.TopicTraffic;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Bytes and messages in, bytes out, per topic (Kafka's BytesInPerSec, MessagesInPerSec, BytesOutPerSec), counted
 * by the produce and fetch handlers through {@link TopicTraffic}.
 *
 * <p>Cost per call: one concurrent-map lookup by topic name, then the library's lock-free adders.
 *
 * <p>Thread-safe: the series of each topic are created once, in a {@link ConcurrentHashMap}; a deleted topic's are
 * dropped by {@link #retainOnly} before a scrape.
 */
final class TopicTrafficMetrics implements TopicTraffic {

    private record Series(CounterDataPoint bytesIn, CounterDataPoint messagesIn, CounterDataPoint bytesOut) {
    }

    private final Counter bytesIn;
    private final Counter messagesIn;
    private final Counter bytesOut;
    private final ConcurrentHashMap<String, Series> byTopic = new ConcurrentHashMap<>();

    TopicTrafficMetrics(PrometheusRegistry registry) {
        bytesIn = Counter.builder().name("nagare_topic_bytes_in_total")
                .help("Bytes of record batches appended by producers, per topic.")
                .labelNames("topic").register(registry);
        messagesIn = Counter.builder().name("nagare_topic_messages_in_total")
                .help("Records appended by producers, per topic.")
                .labelNames("topic").register(registry);
        bytesOut = Counter.builder().name("nagare_topic_bytes_out_total")
                .help("Bytes of record batches sent to consumers in fetch responses, per topic.")
                .labelNames("topic").register(registry);
    }

    @Override
    public void produced(String topic, int bytes, long records) {
        Series s = series(topic);
        s.bytesIn.inc(bytes);
        s.messagesIn.inc(records);
    }

    @Override
    public void fetched(String topic, int bytes) {
        series(topic).bytesOut.inc(bytes);
    }

    private Series series(String topic) {
        Series s = byTopic.get(topic);
        return s != null ? s : byTopic.computeIfAbsent(topic, t -> new Series(bytesIn.labelValues(t),
                messagesIn.labelValues(t), bytesOut.labelValues(t)));
    }

    /** Forgets the series of topics that no longer exist. */
    void retainOnly(Set<String> topics) {
        for (String t : byTopic.keySet()) {
            if (!topics.contains(t)) {
                byTopic.remove(t);
                bytesIn.remove(t);
                messagesIn.remove(t);
                bytesOut.remove(t);
            }
        }
    }
}
