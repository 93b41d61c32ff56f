package dev.nagare.broker.group;

import java.util.List;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;

/**
 * A read-only copy of one group, taken on the coordinator thread, for monitoring and tools (lag, metrics, the
 * console). Immutable.
 *
 * @param groupId        the group
 * @param state          Kafka's state name: Empty, PreparingRebalance, CompletingRebalance, Stable
 * @param protocolType   "consumer" for consumer groups; "" for a group that only commits offsets
 * @param protocolName   the selected assignor, or null
 * @param generation     the generation id
 * @param members        the members, in join order
 * @param offsets        the committed offsets
 * @param stateTimestamp when the group's state was last recorded (for an Empty group: when it became empty, the
 *                       start of its offsets' retention); -1 for a group that never had members
 */
public record GroupSnapshot(String groupId, String state, String protocolType, String protocolName, int generation,
                            List<Member> members, Map<TopicPartition, OffsetAndMetadata> offsets,
                            long stateTimestamp) {

    /** One member; {@code assignment} is the raw bytes of its protocol (ConsumerProtocol for consumer groups). */
    public record Member(String memberId, String instanceId, String clientId, String clientHost, byte[] assignment) {
    }

    public boolean isEmpty() {
        return members.isEmpty();
    }
}
