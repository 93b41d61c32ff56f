package dev.nagare.broker.group;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.coordinator.group.generated.GroupMetadataValue;

/**
 * One record of {@code __consumer_offsets} as the coordinator reads and writes it; {@link OffsetsTopicFormat} turns
 * it into bytes and back. A null value is a tombstone. Immutable.
 */
public sealed interface CoordinatorRecord {

    String group();

    /** A committed offset of {@code group} for {@code partition}; a null offset deletes it. */
    record OffsetCommit(String group, TopicPartition partition, OffsetAndMetadata offset) implements CoordinatorRecord {
    }

    /** The membership of a classic group after a completed rebalance; a null value deletes the group. */
    record GroupMetadata(String group, GroupMetadataValue value) implements CoordinatorRecord {
    }
}
