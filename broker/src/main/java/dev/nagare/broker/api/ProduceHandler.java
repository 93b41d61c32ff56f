package dev.nagare.broker.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.message.ProduceResponseData.TopicProduceResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.nagare.broker.metadata.TopicInfo;
import dev.nagare.broker.network.ApiHandler;
import dev.nagare.broker.network.Request;
import dev.nagare.broker.partition.Partition;
import dev.nagare.broker.partition.PartitionManager;
import dev.nagare.storage.AppendResult;

/**
 * Produce: appends each partition's batches (validated, stamped and written by the log, never decoded record by
 * record) and answers once every append is as durable as its topic asks — written to the file, or with
 * {@code flush.messages=1} also fsynced by the next group commit. acks=0 gets no response (and, when a partition
 * failed, its connection closed, as Kafka does, so the producer notices); acks other than -1, 0
 * and 1 gets INVALID_REQUIRED_ACKS for every partition. Writes to internal topics are refused with
 * INVALID_TOPIC_EXCEPTION, as Kafka refuses them from clients.
 */
final class ProduceHandler implements ApiHandler {

    private static final Logger log = LoggerFactory.getLogger(ProduceHandler.class);

    private final PartitionManager partitions;
    private final TopicLookup lookup;
    private final TopicTraffic traffic;

    ProduceHandler(PartitionManager partitions, TopicTraffic traffic) {
        this.partitions = partitions;
        this.lookup = new TopicLookup(partitions);
        this.traffic = traffic;
    }

    @Override
    public void handle(Request request) {
        ProduceRequestData data = request.data();
        short version = request.version();
        boolean byId = version >= 13;
        short acks = data.acks();
        boolean validAcks = acks == -1 || acks == 0 || acks == 1;
        ProduceResponseData response = new ProduceResponseData();
        List<CompletableFuture<Void>> durable = new ArrayList<>(1);
        boolean anyError = false;
        for (ProduceRequestData.TopicProduceData topicData : data.topicData()) {
            TopicProduceResponse topicResponse = new TopicProduceResponse();
            if (byId) {
                topicResponse.setTopicId(topicData.topicId());
            } else {
                topicResponse.setName(topicData.name());
            }
            Optional<TopicInfo> topic = lookup.topic(topicData.name(), topicData.topicId(), byId);
            for (ProduceRequestData.PartitionProduceData partitionData : topicData.partitionData()) {
                PartitionProduceResponse p = new PartitionProduceResponse()
                        .setIndex(partitionData.index())
                        .setBaseOffset(-1)
                        .setLogAppendTimeMs(-1)
                        .setLogStartOffset(-1);
                topicResponse.partitionResponses().add(p);
                if (!validAcks) {
                    p.setErrorCode(Errors.INVALID_REQUIRED_ACKS.code());
                    anyError = true;
                    continue;
                }
                try {
                    Partition partition = lookup.partition(topic, byId, partitionData.index());
                    if (topic.get().isInternal()) {
                        throw new InvalidTopicException("Cannot append to internal topic " + topic.get().name());
                    }
                    MemoryRecords records = (MemoryRecords) partitionData.records();
                    AppendResult result = partition.append(records);
                    p.setBaseOffset(result.firstOffset())
                            .setLogAppendTimeMs(result.logAppendTime())
                            .setLogStartOffset(result.logStartOffset());
                    if (!result.duplicate()) {
                        traffic.produced(topic.get().name(), records.sizeInBytes(),
                                result.lastOffset() - result.firstOffset() + 1);
                        CompletableFuture<Void> f = partitions.awaitDurable(partition);
                        if (!f.isDone()) {
                            durable.add(f);
                        }
                    }
                } catch (RuntimeException e) {
                    Errors error = Errors.forException(e);
                    if (error == Errors.UNKNOWN_SERVER_ERROR) {
                        log.error("Unexpected error appending to {}-{}", topicData.name(), partitionData.index(), e);
                    }
                    p.setErrorCode(error.code()).setErrorMessage(e.getMessage());
                    anyError = true;
                }
            }
            response.responses().add(topicResponse);
        }
        if (acks == 0) {
            if (anyError) {
                request.noResponseAndClose();
            } else {
                request.noResponse();
            }
        } else if (durable.isEmpty()) {
            request.respond(response);
        } else {
            CompletableFuture.allOf(durable.toArray(CompletableFuture[]::new)).whenComplete((ignored, error) -> {
                if (error != null) {
                    request.fail(error instanceof java.util.concurrent.CompletionException ? error.getCause() : error);
                } else {
                    request.respond(response);
                }
            });
        }
    }
}
