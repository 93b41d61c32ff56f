package dev.nagare.broker.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.Cursor;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponsePartition;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponseTopic;
import org.apache.kafka.common.protocol.Errors;

import dev.nagare.broker.metadata.TopicInfo;
import dev.nagare.broker.network.ApiHandler;
import dev.nagare.broker.network.Request;
import dev.nagare.broker.partition.Partition;
import dev.nagare.broker.partition.PartitionManager;

/**
 * DescribeTopicPartitions (KIP-966): what Admin.describeTopics and {@code kafka-topics --describe} ask a 4.x broker,
 * page by page. Answered as Kafka 4.1 answers (checked against a peer):
 *
 * <ul>
 *   <li>The topics are the requested names, or every topic when the list is empty, without duplicates, sorted by
 *   name, starting at the cursor's topic (names before it are dropped) and, in that topic, at its partition.</li>
 *   <li>At most {@code min(ResponsePartitionLimit, max.request.partition.size.limit)} partitions (at least 1) are
 *   described. Where the limit stops inside a topic, NextCursor names that topic and its next partition; where it is
 *   used up exactly at a topic's end, NextCursor names the next topic, partition 0 (even one that does not exist).
 *   The client sends the same list again with that cursor.</li>
 *   <li>A requested topic that does not exist: UNKNOWN_TOPIC_OR_PARTITION (INVALID_TOPIC_EXCEPTION for an illegal
 *   name), zero topic id, no partitions; it does not count against the limit.</li>
 *   <li>A cursor whose topic is not among the requested names, or whose partition is negative: the whole request
 *   fails with INVALID_REQUEST (Kafka's error response: each requested name with that code).</li>
 *   <li>Every topic answered carries the authorized operations (no authorizer: all of a topic's), asked or not; the
 *   eligible and last known leader replicas are empty lists (one node, nothing to elect).</li>
 * </ul>
 * Never creates a topic. Stateless; called on any network thread.
 */
final class DescribeTopicPartitionsHandler implements ApiHandler {

    private final PartitionManager partitions;
    private final int nodeId;

    DescribeTopicPartitionsHandler(PartitionManager partitions, int nodeId) {
        this.partitions = partitions;
        this.nodeId = nodeId;
    }

    @Override
    public void handle(Request request) {
        DescribeTopicPartitionsRequestData data = request.data();
        DescribeTopicPartitionsRequestData.Cursor cursor = data.cursor();
        String cursorTopic = cursor == null ? "" : cursor.topicName();
        boolean all = data.topics().isEmpty();
        TreeSet<String> names = new TreeSet<>();
        if (all) {
            partitions.topics().all().forEach(t -> names.add(t.name()));
        } else {
            data.topics().forEach(t -> names.add(t.name()));
            if (cursor != null && !names.contains(cursorTopic)) {
                throw new InvalidRequestException("DescribeTopicPartitionsRequest topic list should contain the cursor topic: "
                        + cursorTopic);
            }
        }
        if (cursor != null && cursor.partitionIndex() < 0) {
            throw new InvalidRequestException("DescribeTopicPartitionsRequest cursor partition must be valid: " + cursor);
        }
        int limit = Math.max(Math.min(partitions.brokerConfig().maxRequestPartitionSizeLimit(),
                data.responsePartitionLimit()), 1);
        DescribeTopicPartitionsResponseData response = new DescribeTopicPartitionsResponseData();
        int remaining = limit;
        for (String name : names.tailSet(cursorTopic, true)) {
            if (remaining == 0) {
                response.setNextCursor(new Cursor().setTopicName(name).setPartitionIndex(0));
                break;
            }
            Optional<TopicInfo> topic = partitions.topics().get(name);
            if (topic.isEmpty()) {
                if (!all) {
                    response.topics().add(unknown(name));
                }
                continue;
            }
            int first = name.equals(cursorTopic) ? cursor.partitionIndex() : 0;
            int end = Math.min(topic.get().partitions(), first + remaining);
            response.topics().add(describe(topic.get(), first, end));
            if (end < topic.get().partitions()) {
                response.setNextCursor(new Cursor().setTopicName(name).setPartitionIndex(end));
                break;
            }
            remaining -= Math.max(0, end - first);
        }
        request.respond(response);
    }

    private DescribeTopicPartitionsResponseTopic describe(TopicInfo topic, int first, int end) {
        List<DescribeTopicPartitionsResponsePartition> parts = new ArrayList<>(Math.max(0, end - first));
        List<Integer> replicas = List.of(nodeId);
        for (int p = first; p < end; p++) {
            parts.add(new DescribeTopicPartitionsResponsePartition()
                    .setPartitionIndex(p)
                    .setLeaderId(nodeId)
                    .setLeaderEpoch(Partition.LEADER_EPOCH)
                    .setReplicaNodes(replicas)
                    .setIsrNodes(replicas)
                    .setEligibleLeaderReplicas(List.of())
                    .setLastKnownElr(List.of())
                    .setOfflineReplicas(List.of()));
        }
        return new DescribeTopicPartitionsResponseTopic()
                .setName(topic.name())
                .setTopicId(topic.id())
                .setIsInternal(topic.isInternal())
                .setPartitions(parts)
                .setTopicAuthorizedOperations(AuthorizedOperations.TOPIC);
    }

    private static DescribeTopicPartitionsResponseTopic unknown(String name) {
        Errors error = Errors.UNKNOWN_TOPIC_OR_PARTITION;
        try {
            Topic.validate(name);
        } catch (InvalidTopicException e) {
            error = Errors.INVALID_TOPIC_EXCEPTION;
        }
        return new DescribeTopicPartitionsResponseTopic()
                .setErrorCode(error.code())
                .setName(name)
                .setTopicId(Uuid.ZERO_UUID)
                .setIsInternal(Topic.isInternal(name))
                .setTopicAuthorizedOperations(AuthorizedOperations.TOPIC);
    }
}
