package dev.nagare.broker.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicDeletionDisabledException;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DeleteTopicsResponseData.DeletableTopicResult;
import org.apache.kafka.common.protocol.Errors;

import dev.nagare.broker.metadata.TopicInfo;
import dev.nagare.broker.network.ApiHandler;
import dev.nagare.broker.network.Request;
import dev.nagare.broker.partition.PartitionManager;

/**
 * DeleteTopics by name, or (v6+) by name or topic id: the topic disappears at once; its logs are removed in the
 * background. TOPIC_DELETION_DISABLED when {@code delete.topic.enable=false}; internal topics cannot be deleted.
 */
final class DeleteTopicsHandler implements ApiHandler {

    private final PartitionManager partitions;

    DeleteTopicsHandler(PartitionManager partitions) {
        this.partitions = partitions;
    }

    @Override
    public void handle(Request request) {
        DeleteTopicsRequestData data = request.data();
        DeleteTopicsResponseData response = new DeleteTopicsResponseData();
        List<DeleteTopicsRequestData.DeleteTopicState> targets = new ArrayList<>();
        if (request.version() >= 6) {
            targets.addAll(data.topics());
        } else {
            for (String name : data.topicNames()) {
                targets.add(new DeleteTopicsRequestData.DeleteTopicState().setName(name).setTopicId(Uuid.ZERO_UUID));
            }
        }
        for (DeleteTopicsRequestData.DeleteTopicState t : targets) {
            DeletableTopicResult result = new DeletableTopicResult().setName(t.name())
                    .setTopicId(t.topicId() == null ? Uuid.ZERO_UUID : t.topicId());
            try {
                boolean byId = t.name() == null;
                if (!byId && !Uuid.ZERO_UUID.equals(t.topicId())) {
                    throw new InvalidRequestException("Topic name and topic id both set: give one.");
                }
                Optional<TopicInfo> topic = byId ? partitions.topics().get(t.topicId()) : partitions.topics().get(t.name());
                if (topic.isEmpty()) {
                    throw byId ? new UnknownTopicIdException("This server does not host this topic ID.")
                            : new UnknownTopicOrPartitionException("This server does not host this topic-partition.");
                }
                if (!partitions.brokerConfig().deleteTopicEnable()) {
                    throw new TopicDeletionDisabledException("Topic deletion is disabled.");
                }
                if (topic.get().isInternal()) {
                    throw new InvalidTopicException("Topic " + topic.get().name() + " is internal and cannot be deleted.");
                }
                TopicInfo deleted = partitions.deleteTopic(topic.get().name());
                result.setName(deleted.name()).setTopicId(deleted.id());
            } catch (RuntimeException e) {
                result.setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage());
            }
            if (request.version() < 6) {
                result.setTopicId(Uuid.ZERO_UUID);
            }
            response.responses().add(result);
        }
        request.respond(response);
    }
}
