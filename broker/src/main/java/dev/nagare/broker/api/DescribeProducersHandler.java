package dev.nagare.broker.api;

import java.util.Optional;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DescribeProducersRequestData;
import org.apache.kafka.common.message.DescribeProducersResponseData;
import org.apache.kafka.common.message.DescribeProducersResponseData.PartitionResponse;
import org.apache.kafka.common.message.DescribeProducersResponseData.ProducerState;
import org.apache.kafka.common.message.DescribeProducersResponseData.TopicResponse;
import org.apache.kafka.common.protocol.Errors;

import dev.nagare.broker.metadata.TopicInfo;
import dev.nagare.broker.network.ApiHandler;
import dev.nagare.broker.network.Request;
import dev.nagare.broker.partition.Partition;
import dev.nagare.broker.partition.PartitionManager;
import dev.nagare.storage.ProducerStateEntry;

/**
 * DescribeProducers: the idempotent producers each partition knows (id, epoch, last sequence, max timestamp of the
 * last batch); no transactions, so coordinator epoch and transaction start offset are -1. As in Kafka, an unknown
 * topic's partitions get UNKNOWN_TOPIC_OR_PARTITION with its message, an unknown partition of a known topic the code
 * alone.
 */
final class DescribeProducersHandler implements ApiHandler {

    private final PartitionManager partitions;

    DescribeProducersHandler(PartitionManager partitions) {
        this.partitions = partitions;
    }

    @Override
    public void handle(Request request) {
        DescribeProducersRequestData data = request.data();
        DescribeProducersResponseData response = new DescribeProducersResponseData();
        for (DescribeProducersRequestData.TopicRequest t : data.topics()) {
            Optional<TopicInfo> topic = partitions.topics().get(t.name());
            TopicResponse topicResponse = new TopicResponse().setName(t.name());
            for (int index : t.partitionIndexes()) {
                PartitionResponse pr = new PartitionResponse().setPartitionIndex(index);
                Optional<Partition> partition = partitions.partition(new TopicPartition(t.name(), index));
                if (topic.isEmpty()) {
                    pr.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code())
                            .setErrorMessage(Errors.UNKNOWN_TOPIC_OR_PARTITION.message());
                } else if (partition.isEmpty()) {
                    pr.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
                } else {
                    for (ProducerStateEntry p : partition.get().log().activeProducers()) {
                        pr.activeProducers().add(new ProducerState().setProducerId(p.producerId())
                                .setProducerEpoch(p.producerEpoch()).setLastSequence(p.lastSequence())
                                .setLastTimestamp(p.lastTimestamp()).setCoordinatorEpoch(-1)
                                .setCurrentTxnStartOffset(-1));
                    }
                }
                topicResponse.partitions().add(pr);
            }
            response.topics().add(topicResponse);
        }
        request.respond(response);
    }
}
