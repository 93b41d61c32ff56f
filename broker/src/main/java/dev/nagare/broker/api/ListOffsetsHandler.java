package dev.nagare.broker.api;

import java.util.Optional;

import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ListOffsetsRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.nagare.broker.metadata.TopicInfo;
import dev.nagare.broker.network.ApiHandler;
import dev.nagare.broker.network.Request;
import dev.nagare.broker.partition.Partition;
import dev.nagare.broker.partition.PartitionManager;
import dev.nagare.storage.TimestampAndOffset;

/**
 * ListOffsets: latest (-1), earliest (-2, and -4 earliest-local, the same without tiered storage), max timestamp
 * (-3), latest-tiered (-5: nothing is tiered, offset -1), or the first offset whose record timestamp is at or after a given time, found through the time index.
 * Nothing that new answers offset -1 and timestamp -1, as Kafka does.
 */
final class ListOffsetsHandler implements ApiHandler {

    private static final Logger log = LoggerFactory.getLogger(ListOffsetsHandler.class);

    private final PartitionManager partitions;
    private final TopicLookup lookup;

    ListOffsetsHandler(PartitionManager partitions) {
        this.partitions = partitions;
        this.lookup = new TopicLookup(partitions);
    }

    @Override
    public void handle(Request request) {
        ListOffsetsRequestData data = request.data();
        ListOffsetsResponseData response = new ListOffsetsResponseData();
        boolean withEpoch = request.version() >= 4;
        for (ListOffsetsRequestData.ListOffsetsTopic topic : data.topics()) {
            ListOffsetsResponseData.ListOffsetsTopicResponse topicResponse =
                    new ListOffsetsResponseData.ListOffsetsTopicResponse().setName(topic.name());
            Optional<TopicInfo> info = lookup.topic(topic.name(), null, false);
            for (ListOffsetsRequestData.ListOffsetsPartition p : topic.partitions()) {
                ListOffsetsResponseData.ListOffsetsPartitionResponse pr =
                        new ListOffsetsResponseData.ListOffsetsPartitionResponse()
                                .setPartitionIndex(p.partitionIndex())
                                .setTimestamp(-1).setOffset(-1);
                try {
                    Partition partition = lookup.partition(info, false, p.partitionIndex());
                    Partition.checkLeaderEpoch(p.currentLeaderEpoch());
                    long ts = p.timestamp();
                    if (ts == ListOffsetsRequest.EARLIEST_LOCAL_TIMESTAMP) {
                        ts = ListOffsetsRequest.EARLIEST_TIMESTAMP;
                    }
                    if (ts == ListOffsetsRequest.LATEST_TIERED_TIMESTAMP) {
                        topicResponse.partitions().add(pr); // nothing is tiered without tiered storage
                        continue;
                    }
                    Optional<TimestampAndOffset> found = partition.log().offsetForTimestamp(ts);
                    found.ifPresent(f -> {
                        pr.setTimestamp(f.timestamp()).setOffset(f.offset());
                        if (withEpoch) { // a v1-3 response has no leader epoch field
                            pr.setLeaderEpoch(f.leaderEpoch() >= 0 ? f.leaderEpoch() : Partition.LEADER_EPOCH);
                        }
                    });
                } catch (RuntimeException e) {
                    Errors error = Errors.forException(e);
                    if (error == Errors.UNKNOWN_SERVER_ERROR) {
                        log.error("Unexpected error listing offsets of {}-{}", topic.name(), p.partitionIndex(), e);
                    }
                    pr.setErrorCode(error.code());
                }
                topicResponse.partitions().add(pr);
            }
            response.topics().add(topicResponse);
        }
        request.respond(response);
    }
}
