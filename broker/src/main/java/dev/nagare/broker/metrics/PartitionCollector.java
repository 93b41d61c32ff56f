package dev.nagare.broker.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.apache.kafka.common.TopicPartition;

import dev.nagare.broker.metadata.TopicInfo;
import dev.nagare.broker.partition.Partition;
import dev.nagare.broker.partition.PartitionManager;
import dev.nagare.storage.Log;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

/**
 * Topics and partitions, read at scrape time: kafka_exporter's broker and topic gauges ({@code kafka_brokers},
 * {@code kafka_topic_partitions{topic}}, {@code kafka_topic_partition_current_offset{topic,partition}} — the high
 * watermark — and {@code kafka_topic_partition_oldest_offset{topic,partition}} — the log start) and Nagare's own
 * ({@code nagare_partitions}, {@code nagare_log_size_bytes{topic,partition}},
 * {@code nagare_log_segments{topic,partition}}).
 *
 * <p>Cost per scrape: O(partitions) lock-free reads of each log's end points and segment sizes. Also drops the
 * traffic series of deleted topics. Thread-safe.
 */
final class PartitionCollector implements MultiCollector {

    private final PartitionManager partitions;
    private final TopicTrafficMetrics traffic;

    PartitionCollector(PartitionManager partitions, TopicTrafficMetrics traffic) {
        this.partitions = partitions;
        this.traffic = traffic;
    }

    @Override
    public MetricSnapshots collect() {
        List<TopicInfo> topics = new ArrayList<>(partitions.topics().all());
        topics.sort(Comparator.comparing(TopicInfo::name));
        GaugeFamily brokers = new GaugeFamily("kafka_brokers", "Number of Brokers in the Kafka Cluster.");
        GaugeFamily topicPartitions = new GaugeFamily("kafka_topic_partitions",
                "Number of partitions for this Topic", "topic");
        GaugeFamily current = new GaugeFamily("kafka_topic_partition_current_offset",
                "Current Offset of a Broker at Topic/Partition", "topic", "partition");
        GaugeFamily oldest = new GaugeFamily("kafka_topic_partition_oldest_offset",
                "Oldest Offset of a Broker at Topic/Partition", "topic", "partition");
        GaugeFamily count = new GaugeFamily("nagare_partitions", "Partitions this node leads.");
        GaugeFamily size = new GaugeFamily("nagare_log_size_bytes",
                "Bytes of a partition's segment files (.log).", "topic", "partition");
        GaugeFamily segments = new GaugeFamily("nagare_log_segments", "Segments of a partition's log.",
                "topic", "partition");
        brokers.add(1); // a single node; a cluster will read its membership here
        int total = 0;
        Set<String> names = new HashSet<>();
        for (TopicInfo topic : topics) {
            names.add(topic.name());
            topicPartitions.add(topic.partitions(), topic.name());
            for (int p = 0; p < topic.partitions(); p++) {
                Optional<Partition> partition = partitions.partition(new TopicPartition(topic.name(), p));
                if (partition.isEmpty()) {
                    continue; // being created or deleted
                }
                Log log = partition.get().log();
                String index = Integer.toString(p);
                current.add(log.highWatermark(), topic.name(), index);
                oldest.add(log.logStartOffset(), topic.name(), index);
                size.add(log.size(), topic.name(), index);
                segments.add(log.segmentCount(), topic.name(), index);
                total++;
            }
        }
        count.add(total);
        traffic.retainOnly(names);
        return MetricSnapshots.of(brokers.build(), topicPartitions.build(), current.build(), oldest.build(),
                count.build(), size.build(), segments.build());
    }
}
