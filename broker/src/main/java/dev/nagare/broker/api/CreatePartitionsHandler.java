package dev.nagare.broker.api;

import java.util.List;

import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsAssignment;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsTopic;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.message.CreatePartitionsResponseData.CreatePartitionsTopicResult;
import org.apache.kafka.common.protocol.Errors;

import dev.nagare.broker.group.CoordinatorRuntime;
import dev.nagare.broker.metadata.TopicInfo;
import dev.nagare.broker.network.ApiHandler;
import dev.nagare.broker.network.Request;
import dev.nagare.broker.partition.PartitionManager;

/**
 * CreatePartitions (validate-only too), with the checks and messages of Kafka 4.1's controller, in its order:
 * UNKNOWN_TOPIC_OR_PARTITION (no message), INVALID_PARTITIONS for a count that is not an increase,
 * INVALID_REPLICA_ASSIGNMENT when assignments are given (a non-null list, even empty, means manual assignment) and
 * there is not exactly one per new partition, or one is empty, names a broker other than this node, or names it
 * twice; INVALID_REQUEST for a topic named more than once (one result for it).
 *
 * <p>Unlike Kafka, {@code __consumer_offsets} cannot grow: a group lives on partition {@code abs(hash) % count}, so a
 * new count would move groups away from their committed offsets at the next start (Kafka accepts it and has that
 * problem).
 */
final class CreatePartitionsHandler implements ApiHandler {

    private final PartitionManager partitions;
    private final int nodeId;

    CreatePartitionsHandler(PartitionManager partitions, int nodeId) {
        this.partitions = partitions;
        this.nodeId = nodeId;
    }

    @Override
    public void handle(Request request) {
        CreatePartitionsRequestData data = request.data();
        CreatePartitionsResponseData response = new CreatePartitionsResponseData();
        RequestedNames requested = RequestedNames.of(data.topics().stream().map(CreatePartitionsTopic::name).toList());
        for (CreatePartitionsTopic t : data.topics()) {
            CreatePartitionsTopicResult result = new CreatePartitionsTopicResult().setName(t.name());
            if (requested.isDuplicate(t.name())) {
                if (requested.firstTime(t.name())) {
                    response.results().add(result.setErrorCode(Errors.INVALID_REQUEST.code())
                            .setErrorMessage("Duplicate topic name."));
                }
                continue;
            }
            try {
                TopicInfo topic = partitions.validatePartitionIncrease(t.name(), t.count());
                if (topic.name().equals(CoordinatorRuntime.OFFSETS_TOPIC)) {
                    throw new InvalidRequestException("The partition count of " + topic.name() + " is fixed: groups"
                            + " would move away from their committed offsets.");
                }
                if (t.assignments() != null) {
                    checkAssignments(t.assignments(), t.count() - topic.partitions());
                }
                if (!data.validateOnly()) {
                    partitions.addPartitions(t.name(), t.count());
                }
            } catch (RuntimeException e) {
                result.setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage());
            }
            response.results().add(result);
        }
        request.respond(response);
    }

    private void checkAssignments(List<CreatePartitionsAssignment> assignments, int added) {
        if (assignments.size() != added) {
            throw new InvalidReplicaAssignmentException("Attempted to add " + added + " additional partition(s), but only "
                    + assignments.size() + " assignment(s) were specified.");
        }
        for (CreatePartitionsAssignment a : assignments) {
            if (a.brokerIds().isEmpty()) {
                throw new InvalidReplicaAssignmentException("The manual partition assignment includes an empty replica list.");
            }
            List<Integer> sorted = a.brokerIds().stream().sorted().toList();
            Integer previous = null;
            for (Integer broker : sorted) {
                if (broker != nodeId) {
                    throw new InvalidReplicaAssignmentException("The manual partition assignment includes broker "
                            + broker + ", but no such broker is registered.");
                }
                if (broker.equals(previous)) {
                    throw new InvalidReplicaAssignmentException("The manual partition assignment includes the broker "
                            + broker + " more than once.");
                }
                previous = broker;
            }
        }
    }
}
