package dev.nagare.broker.api;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.protocol.Errors;

import dev.nagare.broker.config.DescribedConfig;
import dev.nagare.broker.config.TopicConfigs;
import dev.nagare.broker.metadata.TopicInfo;
import dev.nagare.broker.network.ApiHandler;
import dev.nagare.broker.network.Request;
import dev.nagare.broker.partition.PartitionManager;

/**
 * CreateTopics (validate-only too): Kafka's validation and errors per topic — INVALID_TOPIC_EXCEPTION,
 * TOPIC_ALREADY_EXISTS, INVALID_PARTITIONS, INVALID_REPLICATION_FACTOR (anything above 1 on one node),
 * INVALID_REPLICA_ASSIGNMENT, INVALID_CONFIG, and INVALID_REQUEST for a topic named twice. From v5 the result
 * carries the topic's partition count, replication factor and every config with its source.
 */
final class CreateTopicsHandler implements ApiHandler {

    private final PartitionManager partitions;
    private final int nodeId;

    CreateTopicsHandler(PartitionManager partitions, int nodeId) {
        this.partitions = partitions;
        this.nodeId = nodeId;
    }

    @Override
    public void handle(Request request) {
        CreateTopicsRequestData data = request.data();
        CreateTopicsResponseData response = new CreateTopicsResponseData();
        Set<String> seen = new HashSet<>();
        Set<String> duplicates = new TreeSet<>();
        for (CreateTopicsRequestData.CreatableTopic t : data.topics()) {
            if (!seen.add(t.name())) {
                duplicates.add(t.name());
            }
        }
        for (CreateTopicsRequestData.CreatableTopic t : data.topics()) {
            CreatableTopicResult result = new CreatableTopicResult().setName(t.name())
                    .setNumPartitions(-1).setReplicationFactor((short) -1);
            if (duplicates.contains(t.name())) {
                if (response.topics().find(t.name()) == null) {
                    response.topics().add(result.setErrorCode(Errors.INVALID_REQUEST.code())
                            .setErrorMessage("Found multiple entries for this topic."));
                }
                continue;
            }
            try {
                Map<String, String> configs = new HashMap<>();
                for (CreateTopicsRequestData.CreatableTopicConfig c : t.configs()) {
                    configs.put(c.name(), c.value());
                }
                int numPartitions = t.numPartitions();
                short rf = t.replicationFactor();
                if (!t.assignments().isEmpty()) {
                    if (numPartitions != -1 || rf != -1) {
                        throw new InvalidRequestException("Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.");
                    }
                    numPartitions = checkAssignments(t.assignments());
                    rf = 1;
                }
                PartitionManager.NewTopic topic = partitions.validateNewTopic(t.name(), numPartitions, rf, configs);
                result.setNumPartitions(topic.partitions()).setReplicationFactor(topic.replicationFactor());
                if (!data.validateOnly()) {
                    TopicInfo created = partitions.createTopic(topic);
                    result.setTopicId(created.id());
                }
                if (request.version() >= 5) {
                    for (DescribedConfig e : TopicConfigs.describe(configs, partitions.brokerConfig())) {
                        result.configs().add(new CreateTopicsResponseData.CreatableTopicConfigs()
                                .setName(e.name()).setValue(e.value()).setReadOnly(false)
                                .setConfigSource(e.source().id()).setIsSensitive(false));
                    }
                }
            } catch (RuntimeException e) {
                result.setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage())
                        .setNumPartitions(-1).setReplicationFactor((short) -1);
                result.configs().clear();
            }
            response.topics().add(result);
        }
        request.respond(response);
    }

    private int checkAssignments(CreateTopicsRequestData.CreatableReplicaAssignmentCollection assignments) {
        Set<Integer> indexes = new HashSet<>();
        for (CreateTopicsRequestData.CreatableReplicaAssignment a : assignments) {
            if (!a.brokerIds().equals(List.of(nodeId))) {
                throw new InvalidReplicaAssignmentException("Replica assignment " + a.brokerIds() + " of partition "
                        + a.partitionIndex() + " names brokers other than the only one, " + nodeId);
            }
            indexes.add(a.partitionIndex());
        }
        for (int i = 0; i < indexes.size(); i++) {
            if (!indexes.contains(i)) {
                throw new InvalidReplicaAssignmentException("Partitions should be numbered consecutively from 0.");
            }
        }
        return indexes.size();
    }
}
