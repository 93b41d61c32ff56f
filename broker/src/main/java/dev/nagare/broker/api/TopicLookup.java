package dev.nagare.broker.api;

import java.util.Optional;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import dev.nagare.broker.metadata.TopicInfo;
import dev.nagare.broker.metadata.TopicRegistry;
import dev.nagare.broker.partition.Partition;
import dev.nagare.broker.partition.PartitionManager;

/**
 * Resolves the topic of a per-partition request, by name (older versions) or by topic id (Produce v13+, Fetch
 * v13+), to the partition it names, throwing Kafka's error for what is missing.
 */
final class TopicLookup {

    private final PartitionManager partitions;

    TopicLookup(PartitionManager partitions) {
        this.partitions = partitions;
    }

    /** The topic named by {@code id} when {@code byId} (v13+ requests), else by {@code name}. */
    Optional<TopicInfo> topic(String name, Uuid id, boolean byId) {
        TopicRegistry topics = partitions.topics();
        return byId ? topics.get(id) : topics.get(name);
    }

    /**
     * @throws UnknownTopicIdException          the id is unknown (byId)
     * @throws UnknownTopicOrPartitionException the name or the partition is unknown
     */
    Partition partition(Optional<TopicInfo> topic, boolean byId, int partition) {
        if (topic.isEmpty()) {
            if (byId) {
                throw new UnknownTopicIdException("This server does not host this topic ID.");
            }
            throw new UnknownTopicOrPartitionException("This server does not host this topic-partition.");
        }
        return partitions.partition(new TopicPartition(topic.get().name(), partition))
                .orElseThrow(() -> new UnknownTopicOrPartitionException("This server does not host this topic-partition."));
    }
}
