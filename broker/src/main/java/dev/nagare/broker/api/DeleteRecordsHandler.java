package dev.nagare.broker.api;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsPartitionResult;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsTopicResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DeleteRecordsRequest;
import org.apache.kafka.common.requests.DeleteRecordsResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.nagare.broker.network.ApiHandler;
import dev.nagare.broker.network.Request;
import dev.nagare.broker.partition.Partition;
import dev.nagare.broker.partition.PartitionManager;
import dev.nagare.storage.Log;

/**
 * DeleteRecords: moves each partition's log start offset up to the offset asked for (-1: the high watermark), which
 * deletes the segments wholly below it; the new start is persisted in {@code log-start-offset-checkpoint}. The
 * answer's low watermark is the log start offset afterwards (unchanged when the offset is below it). Kafka's errors:
 * UNKNOWN_TOPIC_OR_PARTITION, INVALID_TOPIC_EXCEPTION for an internal topic, POLICY_VIOLATION when the cleanup
 * policy lacks {@code delete}, OFFSET_OUT_OF_RANGE for an offset above the high watermark or below 0 (other than -1).
 * A partition named twice is answered once, for the offset named last, as Kafka does.
 */
final class DeleteRecordsHandler implements ApiHandler {

    private static final Logger log = LoggerFactory.getLogger(DeleteRecordsHandler.class);

    private final PartitionManager partitions;
    private final TopicLookup lookup;

    DeleteRecordsHandler(PartitionManager partitions) {
        this.partitions = partitions;
        this.lookup = new TopicLookup(partitions);
    }

    @Override
    public void handle(Request request) {
        DeleteRecordsRequestData data = request.data();
        Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
        for (DeleteRecordsRequestData.DeleteRecordsTopic t : data.topics()) {
            for (DeleteRecordsRequestData.DeleteRecordsPartition p : t.partitions()) {
                offsets.put(new TopicPartition(t.name(), p.partitionIndex()), p.offset());
            }
        }
        DeleteRecordsResponseData response = new DeleteRecordsResponseData();
        offsets.forEach((tp, offset) -> {
            DeleteRecordsTopicResult topic = response.topics().find(tp.topic());
            if (topic == null) {
                topic = new DeleteRecordsTopicResult().setName(tp.topic());
                response.topics().add(topic);
            }
            DeleteRecordsPartitionResult result = new DeleteRecordsPartitionResult()
                    .setPartitionIndex(tp.partition()).setLowWatermark(DeleteRecordsResponse.INVALID_LOW_WATERMARK);
            try {
                result.setLowWatermark(deleteBefore(tp, offset));
            } catch (RuntimeException e) {
                Errors error = Errors.forException(e);
                if (error == Errors.UNKNOWN_SERVER_ERROR) {
                    log.error("Unexpected error deleting records of {}", tp, e);
                }
                result.setErrorCode(error.code());
            }
            topic.partitions().add(result);
        });
        request.respond(response);
    }

    private long deleteBefore(TopicPartition tp, long offset) {
        Partition partition = lookup.partition(partitions.topics().get(tp.topic()), false, tp.partition());
        Log l = partition.log();
        if (Topic.isInternal(tp.topic())) {
            throw new InvalidTopicException("Cannot delete records of internal topic " + tp.topic());
        }
        if (!l.config().cleanup().delete()) {
            throw new PolicyViolationException("Records of partition " + tp + " can not be deleted due to the configured policy");
        }
        long before = offset == DeleteRecordsRequest.HIGH_WATERMARK ? l.highWatermark() : offset;
        if (before < 0) {
            throw new OffsetOutOfRangeException("Cannot delete records of " + tp + " before offset " + offset);
        }
        long lowWatermark = l.deleteRecordsBefore(before);
        partition.changed();
        return lowWatermark;
    }
}
