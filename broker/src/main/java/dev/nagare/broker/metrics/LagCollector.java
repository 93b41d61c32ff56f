package dev.nagare.broker.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.nagare.broker.lag.GroupLag;
import dev.nagare.broker.lag.LagMonitor;
import dev.nagare.broker.lag.PartitionLag;
import dev.nagare.broker.lag.TopicLag;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

/**
 * Consumer lag, evaluated at scrape time from the committed offsets ({@link LagMonitor#evaluateAll()}), so every
 * scrape is exact as of that moment, in two name sets:
 *
 * <ul>
 *   <li>Nagare's, after MSK's metrics: {@code nagare_consumer_group_offset_lag{consumer_group,topic,partition}},
 *       {@code nagare_consumer_group_sum_offset_lag{consumer_group,topic}},
 *       {@code nagare_consumer_group_max_offset_lag{consumer_group,topic}},
 *       {@code nagare_consumer_group_time_lag_seconds{consumer_group,topic,partition}} and
 *       {@code nagare_consumer_group_max_time_lag_seconds{consumer_group,topic}};</li>
 *   <li>kafka_exporter's, so its dashboards work unchanged: {@code kafka_consumergroup_current_offset},
 *       {@code kafka_consumergroup_lag} ({@code {consumergroup,topic,partition}}),
 *       {@code kafka_consumergroup_current_offset_sum}, {@code kafka_consumergroup_lag_sum}
 *       ({@code {consumergroup,topic}}) and {@code kafka_consumergroup_members{consumergroup}}.</li>
 * </ul>
 *
 * Series of partitions the group never committed are not invented. The estimated time lags and the status come
 * from {@link LagMetricsExtension}s.
 *
 * <p>Cost per scrape: one snapshot of the groups on the coordinator thread, then O(committed partitions) reads
 * (see {@code LagCalculator}) on the scraping thread. Thread-safe.
 */
final class LagCollector implements MultiCollector {

    /** A coordinator that cannot snapshot its groups within this long fails the scrape rather than hang it. */
    static final long EVALUATION_TIMEOUT_MS = 10_000;

    private final LagMonitor lag;
    private final List<LagMetricsExtension> extensions;

    /** @param extensions read at each scrape: may grow later (a thread-safe list) */
    LagCollector(LagMonitor lag, List<LagMetricsExtension> extensions) {
        this.lag = lag;
        this.extensions = extensions;
    }

    @Override
    public MetricSnapshots collect() {
        List<GroupLag> groups = evaluate();
        GaugeFamily offsetLag = new GaugeFamily("nagare_consumer_group_offset_lag",
                "Records the group has yet to process on a partition: high watermark - committed offset (MSK OffsetLag).",
                "consumer_group", "topic", "partition");
        GaugeFamily sumLag = new GaugeFamily("nagare_consumer_group_sum_offset_lag",
                "Offset lag summed over the partitions of a topic the group committed (MSK SumOffsetLag).",
                "consumer_group", "topic");
        GaugeFamily maxLag = new GaugeFamily("nagare_consumer_group_max_offset_lag",
                "Largest offset lag over the partitions of a topic the group committed (MSK MaxOffsetLag).",
                "consumer_group", "topic");
        GaugeFamily timeLag = new GaugeFamily("nagare_consumer_group_time_lag_seconds",
                "Age of the first record the group has yet to process on a partition; 0 when caught up.",
                "consumer_group", "topic", "partition");
        GaugeFamily maxTimeLag = new GaugeFamily("nagare_consumer_group_max_time_lag_seconds",
                "Age of the oldest record the group has yet to process on a topic; 0 when caught up.",
                "consumer_group", "topic");
        GaugeFamily current = new GaugeFamily("kafka_consumergroup_current_offset",
                "Current Offset of a ConsumerGroup at Topic/Partition", "consumergroup", "topic", "partition");
        GaugeFamily currentSum = new GaugeFamily("kafka_consumergroup_current_offset_sum",
                "Current Offset of a ConsumerGroup at Topic for all partitions", "consumergroup", "topic");
        GaugeFamily exporterLag = new GaugeFamily("kafka_consumergroup_lag",
                "Current Approximate Lag of a ConsumerGroup at Topic/Partition", "consumergroup", "topic", "partition");
        GaugeFamily exporterLagSum = new GaugeFamily("kafka_consumergroup_lag_sum",
                "Current Approximate Lag of a ConsumerGroup at Topic for all partitions", "consumergroup", "topic");
        GaugeFamily members = new GaugeFamily("kafka_consumergroup_members",
                "Amount of members in a consumer group", "consumergroup");
        for (GroupLag g : groups) {
            members.add(g.members(), g.group());
            for (PartitionLag p : g.partitions()) {
                String partition = Integer.toString(p.partition());
                offsetLag.add(p.offsetLag(), g.group(), p.topic(), partition);
                timeLag.add(p.timeLagMs() / 1000.0, g.group(), p.topic(), partition);
                current.add(p.committedOffset(), g.group(), p.topic(), partition);
                exporterLag.add(p.offsetLag(), g.group(), p.topic(), partition);
            }
            for (TopicLag t : g.topics()) {
                sumLag.add(t.sumOffsetLag(), g.group(), t.topic());
                maxLag.add(t.maxOffsetLag(), g.group(), t.topic());
                maxTimeLag.add(t.maxTimeLagMs() / 1000.0, g.group(), t.topic());
                currentSum.add(t.committedSum(), g.group(), t.topic());
                exporterLagSum.add(t.sumOffsetLag(), g.group(), t.topic());
            }
        }
        List<MetricSnapshot> out = new ArrayList<>(List.of(offsetLag.build(), sumLag.build(), maxLag.build(),
                timeLag.build(), maxTimeLag.build(), current.build(), currentSum.build(), exporterLag.build(),
                exporterLagSum.build(), members.build()));
        for (LagMetricsExtension e : extensions) {
            out.addAll(e.collect(groups));
        }
        return new MetricSnapshots(out);
    }

    private List<GroupLag> evaluate() {
        try {
            return lag.evaluateAll().get(EVALUATION_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while evaluating consumer lag", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Consumer lag could not be evaluated: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("The group coordinator did not answer within " + EVALUATION_TIMEOUT_MS
                    + " ms; consumer lag not evaluated", e);
        }
    }
}
